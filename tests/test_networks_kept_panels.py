"""A network page's panels (its featured story, next events and recent discussions) are kept as
HTML per process (netapp/networks/panel_items.py ``kept_panels``): whatever they show that
changes shows on the next page, and one network's or reader's never shows on another's."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import Dimension, Event, Network, Story, StoryThanks, story_dimensions
from netapp.models.base import utcnow
from netapp.networks import panel_items
from netapp.services import networks, stories
from tests.factories import make_user
from tests.profile_helpers import give_profile, load_reference


def _local(user) -> Network:
    return networks.by_code(networks.local_network_code(user.profile.local_authority_id))


def _event(network: Network, title: str, days: int = 3) -> Event:
    starts = utcnow() + timedelta(days=days)
    event = Event(network_id=network.id, title=title, starts_at=starts,
                  ends_at=starts + timedelta(hours=2))
    db.session.add(event)
    return event


@pytest.fixture
def leeds_and_york(app, users):
    """Mina in Leeds, whose network features a story tagged "MS" and has an event; Nia in
    York, whose network has another event."""
    load_reference()
    mina = users["member"]
    give_profile(mina, "Leeds")
    nia = make_user(email="nia@example.org", name="Nia York")
    give_profile(nia, "York")
    leeds, york = _local(mina), _local(nia)
    story = Story(author_id=nia.id, network_id=leeds.id, title="The night the boiler failed",
                  body="b", created_at=utcnow(), featured_at=utcnow())
    db.session.add(story)
    db.session.flush()
    ms = next(d for d in stories.dimensions() if d.code == "MS")
    db.session.execute(sa.insert(story_dimensions),
                       [{"story_id": story.id, "dimension_id": ms.id}])
    _event(leeds, "Leeds rota clinic")
    _event(york, "York drop-in")
    db.session.commit()
    return {"mina": mina, "nia": nia, "leeds": leeds, "york": york, "story": story,
            "ms": ms, **users}


def _page(client, network: Network) -> str:
    response = client.get(f"/networks/{network.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_renamed_dimension_or_network_shows_on_the_next_page(client, auth, leeds_and_york):
    people = leeds_and_york
    auth.login(people["mina"].email)
    _page(client, people["leeds"])  # shows the welcome back
    page = _page(client, people["leeds"])
    assert f'<li class="tag">{people["ms"].name}</li>' in page
    assert _page(client, people["leeds"]) == page  # kept, and the same
    db.session.get(Dimension, people["ms"].id).name = "Steadying yourself"
    db.session.commit()
    page = _page(client, people["leeds"])
    assert '<li class="tag">Steadying yourself</li>' in page
    network = db.session.get(Network, people["leeds"].id)
    network.name = "Leeds managers' circle"
    db.session.commit()
    page = _page(client, people["leeds"])
    assert "shared with Leeds managers&#39; circle" in page
    assert "All events<span class=\"visually-hidden\"> of Leeds managers&#39; circle" in page


def test_a_changed_event_story_or_thanks_shows_on_the_next_page(client, auth, leeds_and_york):
    people = leeds_and_york
    auth.login(people["mina"].email)
    assert "Leeds rota clinic" in _page(client, people["leeds"])
    event = db.session.scalars(sa.select(Event).where(Event.title == "Leeds rota clinic")).one()
    event.title = "Leeds rota clinic (moved)"
    db.session.commit()
    page = _page(client, people["leeds"])
    assert "Leeds rota clinic (moved)" in page and "thanked" not in page
    db.session.add(StoryThanks(story_id=people["story"].id, user_id=people["mina"].id))
    db.session.commit()
    assert " · thanked 1 time" in _page(client, people["leeds"])
    db.session.get(Story, people["story"].id).featured_at = None
    db.session.commit()
    page = _page(client, people["leeds"])
    assert "The night the boiler failed" not in page
    assert "No story is featured here yet." in page


def test_each_network_shows_its_own_panels_however_few_are_kept(client, auth, leeds_and_york,
                                                                 monkeypatch):
    people = leeds_and_york
    monkeypatch.setattr(panel_items, "KEPT_MOST", 1)
    auth.login(people["mina"].email)
    for _ in range(2):
        leeds, york = _page(client, people["leeds"]), _page(client, people["york"])
        assert "Leeds rota clinic" in leeds and "York drop-in" not in leeds
        assert "York drop-in" in york and "Leeds rota clinic" not in york
        assert "The night the boiler failed" in leeds and "No story is featured" in york
    assert len(client.application.extensions["network_panels_html"]) <= 1
    # Another reader of the same network gets the same panels.
    auth.logout()
    auth.login(people["nia"].email)
    assert "Leeds rota clinic" in _page(client, people["leeds"])

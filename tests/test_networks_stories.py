"""Leadership stories: writing and sharing, who reads what (affinity stories stay inside the
network), the list by dimension, thanks, featuring, hiding, the author's edits and deletion,
audit and statement counts."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    NetworkLead,
    NetworkMembership,
    Story,
    StoryThanks,
    story_dimensions,
)
from netapp.models.base import utcnow
from netapp.services import networks, stories
from tests.factories import make_user
from tests.profile_helpers import give_profile, join, load_reference
from tests.statements import count_statements


def _local(user):
    return networks.by_code(networks.local_network_code(user.profile.local_authority_id))


@pytest.fixture
def people(app, users):
    """Mina and Otto in Leeds (Otto leads it); Nia in York; Mina and Bea in the BAME network,
    Bea leading it."""
    load_reference()
    mina, otto = users["member"], users["other_member"]
    give_profile(mina, "Leeds")
    give_profile(otto, "Leeds")
    nia = make_user(email="nia@example.org", name="Nia York")
    give_profile(nia, "York")
    bea = make_user(email="bea@example.org", name="Bea Lead")
    give_profile(bea, "York")
    join(mina, "bame")
    join(bea, "bame")
    leeds, bame = _local(mina), networks.by_code("bame")
    db.session.add_all([NetworkLead(network_id=leeds.id, user_id=otto.id),
                        NetworkLead(network_id=bame.id, user_id=bea.id)])
    db.session.commit()
    dims = {d.code: d for d in stories.dimensions()}
    return {"mina": mina, "otto": otto, "nia": nia, "bea": bea, "leeds": leeds, "bame": bame,
            "dims": dims, **users}


def _write(client, people, share="everyone", title="The night the boiler failed",
           body="We *moved* everyone in an hour.", dims=("MS", "WO")):
    data = {"title": title, "body": body, "share": share,
            "dimensions": [str(people["dims"][c].id) for c in dims]}
    response = client.post("/networks/stories/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(Story).order_by(Story.id.desc())).first()


# ---------------------------------------------------------------- writing and reading


def test_a_member_writes_a_story_tagged_with_dimensions_and_others_read_it(client, auth,
                                                                            people):
    auth.login(people["mina"].email)
    page = client.get("/networks/stories/new").get_data(as_text=True)
    for dim in people["dims"].values():
        assert dim.name in page
    # Her own networks to share with.
    assert people["leeds"].name in page and people["bame"].name in page
    story = _write(client, people)
    tags = db.session.scalars(sa.select(story_dimensions.c.dimension_id)
                              .where(story_dimensions.c.story_id == story.id)).all()
    assert sorted(tags) == sorted([people["dims"]["MS"].id, people["dims"]["WO"].id])
    auth.logout()
    auth.login(people["nia"].email)
    page = client.get(f"/networks/stories/{story.id}").get_data(as_text=True)
    assert "The night the boiler failed" in page and "<em>moved</em>" in page
    assert "Mina Member" in page and "Managing services" in page


def test_a_bad_story_is_refused_keeping_what_was_typed(client, auth, people):
    auth.login(people["mina"].email)
    response = client.post("/networks/stories/new", data={
        "title": "Kept title", "body": "Kept body", "share": "everyone"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose at least one part of the framework" in page
    assert "Kept title" in page and "Kept body" in page
    # A network the member is not in cannot be chosen, even by hand.
    response = client.post("/networks/stories/new", data={
        "title": "T", "body": "B", "share": str(_local(people["nia"]).id),
        "dimensions": [str(people["dims"]["PQ"].id)]})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Story.id))) == 0


def test_the_list_filters_by_dimension_and_leaves_out_what_the_viewer_may_not_read(
        client, auth, people):
    auth.login(people["mina"].email)
    _write(client, people, title="Managing the rota", dims=("MS",))
    _write(client, people, title="Leeds together", share=str(people["leeds"].id), dims=("WO",))
    _write(client, people, title="Only for BAME members", share=str(people["bame"].id),
           dims=("PQ",))
    page = client.get("/networks/stories").get_data(as_text=True)
    assert all(t in page for t in ("Managing the rota", "Leeds together",
                                   "Only for BAME members"))
    page = client.get("/networks/stories?dimension=ms").get_data(as_text=True)
    assert "Managing the rota" in page and "Leeds together" not in page
    auth.logout()
    for who in ("nia", "coordinator", "admin"):
        auth.login(people[who].email)
        page = client.get("/networks/stories").get_data(as_text=True)
        assert "Leeds together" in page and "Managing the rota" in page
        assert "Only for BAME members" not in page, who
        auth.logout()


@pytest.mark.parametrize("role", ["nia", "coordinator", "admin", "mentor", "otto"])
def test_an_affinity_story_is_404_to_everyone_outside_the_network(client, auth, people, role):
    auth.login(people["mina"].email)
    story = _write(client, people, share=str(people["bame"].id))
    auth.logout()
    auth.login(people[role].email)
    for method, path in [
        ("GET", f"/networks/stories/{story.id}"), ("GET", f"/networks/stories/{story.id}/edit"),
        ("POST", f"/networks/stories/{story.id}/edit"),
        ("GET", f"/networks/stories/{story.id}/delete"),
        ("POST", f"/networks/stories/{story.id}/delete"),
        ("POST", f"/networks/stories/{story.id}/thanks"),
        ("POST", f"/networks/stories/{story.id}/feature"),
        ("GET", f"/networks/stories/{story.id}/hide"),
        ("POST", f"/networks/stories/{story.id}/hide"),
    ]:
        assert client.open(path, method=method, data={"reason": "x"}).status_code == 404, \
            f"{role}: {method} {path}"
    assert stories.featured_for_network(people["bame"].id, people[role]) is None


# ---------------------------------------------------------------- thanks, featuring, hiding


def test_thanks_is_once_per_member_and_toggles(client, auth, people):
    auth.login(people["mina"].email)
    story = _write(client, people)
    client.post(f"/networks/stories/{story.id}/thanks")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryThanks)) == 0, \
        "an author does not thank their own story"
    auth.logout()
    auth.login(people["nia"].email)
    client.post(f"/networks/stories/{story.id}/thanks")
    assert "Thanked 1 time." in client.get(f"/networks/stories/{story.id}").get_data(
        as_text=True)
    client.post(f"/networks/stories/{story.id}/thanks")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryThanks)) == 0
    client.post(f"/networks/stories/{story.id}/thanks")
    auth.logout()
    auth.login(people["otto"].email)
    client.post(f"/networks/stories/{story.id}/thanks")
    assert "Thanked 2 times." in client.get(f"/networks/stories/{story.id}").get_data(
        as_text=True)


def test_a_lead_features_one_story_on_the_network_page(client, auth, people):
    auth.login(people["mina"].email)
    first = _write(client, people, title="First", share=str(people["leeds"].id))
    second = _write(client, people, title="Second", share=str(people["leeds"].id))
    everyone = _write(client, people, title="For all")
    assert client.post(f"/networks/stories/{first.id}/feature").status_code == 403
    assert client.post(f"/networks/stories/{everyone.id}/feature").status_code == 403
    auth.logout()
    auth.login(people["otto"].email)
    client.post(f"/networks/stories/{first.id}/feature")
    assert stories.featured_for_network(people["leeds"].id, people["nia"]).story.id == first.id
    client.post(f"/networks/stories/{second.id}/feature")
    db.session.expire_all()
    assert db.session.get(Story, first.id).featured_at is None, "one featured story at a time"
    card = stories.featured_for_network(people["leeds"].id, people["nia"])
    assert (card.story.id, card.author) == (second.id, "Mina Member")
    client.post(f"/networks/stories/{second.id}/feature")
    assert stories.featured_for_network(people["leeds"].id, people["nia"]) is None


def test_a_lead_hides_a_story_with_a_reason(client, auth, people):
    auth.login(people["mina"].email)
    story = _write(client, people, title="Names a resident", share=str(people["leeds"].id))
    everyone = _write(client, people, title="For all")
    auth.logout()
    auth.login(people["nia"].email)
    assert client.get(f"/networks/stories/{story.id}/hide").status_code == 403
    auth.logout()
    auth.login(people["otto"].email)
    assert client.get(f"/networks/stories/{everyone.id}/hide").status_code == 403
    assert client.post(f"/networks/stories/{story.id}/hide", data={"reason": ""}
                       ).status_code == 400
    client.post(f"/networks/stories/{story.id}/hide", data={"reason": "Please leave out names"})
    auth.logout()
    auth.login(people["nia"].email)
    page = client.get(f"/networks/stories/{story.id}").get_data(as_text=True)
    assert "Hidden by a network lead: Please leave out names" in page
    assert "Names a resident" not in page
    assert "Names a resident" not in client.get("/networks/stories").get_data(as_text=True)
    auth.logout()
    auth.login(people["mina"].email)
    assert "Names a resident" in client.get(f"/networks/stories/{story.id}").get_data(
        as_text=True), "the author still reads it, with the reason"
    auth.logout()
    auth.login(people["coordinator"].email)  # coordinators look after stories for everyone
    assert client.post(f"/networks/stories/{everyone.id}/hide",
                       data={"reason": "Off topic"}).status_code == 302


# ---------------------------------------------------------------- the author's own


def test_the_author_changes_an_affinity_story_only_while_in_its_network(client, auth, people):
    auth.login(people["mina"].email)
    bame = people["bame"]
    story = _write(client, people, share=str(bame.id))
    page = client.get(f"/networks/stories/{story.id}/edit").get_data(as_text=True)
    shared = re.findall(r'<input checked id="[^"]+" name="share"[^>]*value="([^"]+)">', page)
    assert shared == [str(bame.id)] and bame.name in page
    db.session.execute(sa.delete(NetworkMembership).where(
        NetworkMembership.user_id == people["mina"].id, NetworkMembership.network_id == bame.id))
    db.session.commit()
    assert client.get(f"/networks/stories/{story.id}/edit").status_code == 404
    assert client.post(f"/networks/stories/{story.id}/edit", data={
        "title": "Changed", "body": "Words", "share": "everyone",
        "dimensions": [str(people["dims"]["IS"].id)]}).status_code == 404


def test_the_author_changes_and_deletes_their_story_and_nobody_else_can(client, auth, people):
    auth.login(people["mina"].email)
    story = _write(client, people, share=str(people["leeds"].id))
    auth.logout()
    auth.login(people["otto"].email)
    client.post(f"/networks/stories/{story.id}/feature")
    client.post(f"/networks/stories/{story.id}/thanks")
    assert client.get(f"/networks/stories/{story.id}/edit").status_code == 404
    assert client.post(f"/networks/stories/{story.id}/delete").status_code == 404
    auth.logout()
    auth.login(people["mina"].email)
    page = client.get(f"/networks/stories/{story.id}/edit").get_data(as_text=True)
    assert "The night the boiler failed" in page
    checked = re.findall(r'<input checked[^>]*name="dimensions"[^>]*value="(\d+)"', page)
    assert sorted(map(int, checked)) == sorted(people["dims"][c].id for c in ("MS", "WO"))
    response = client.post(f"/networks/stories/{story.id}/edit", data={
        "title": "Changed title", "body": "New words", "share": "everyone",
        "dimensions": [str(people["dims"]["IS"].id)]})
    assert response.status_code == 302
    db.session.refresh(story)
    assert (story.title, story.network_id, story.featured_at) == ("Changed title", None, None)
    assert story.edited_at is not None
    assert "Yes, delete my story" in client.get(
        f"/networks/stories/{story.id}/delete").get_data(as_text=True)
    assert client.post(f"/networks/stories/{story.id}/delete").status_code == 302
    assert db.session.get(Story, story.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryThanks)) == 0


def test_stories_are_audited_and_affinity_ones_without_names(client, auth, people):
    auth.login(people["mina"].email)
    _write(client, people)
    _write(client, people, share=str(people["bame"].id))
    entries = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.detail)
        .where(AuditEntry.action.like("story.%") | AuditEntry.action.like("affinity_content%"))
        .order_by(AuditEntry.id)).all()
    assert [(a, u) for a, u, _ in entries] == [("story.written", people["mina"].id),
                                               ("affinity_content.changed", None)]
    assert entries[1][2] == {}


# ---------------------------------------------------------------- statements


def _stories(author, network, how_many, thanked_by):
    dims = stories.dimensions()
    for n in range(how_many):
        story = Story(author_id=author.id, network_id=network.id if network else None,
                      title=f"S{n}", body="b", created_at=utcnow() - timedelta(minutes=n))
        db.session.add(story)
        db.session.flush()
        db.session.execute(sa.insert(story_dimensions), [
            {"story_id": story.id, "dimension_id": d.id} for d in dims[:1 + n % 7]])
        db.session.add_all(StoryThanks(story_id=story.id, user_id=u.id) for u in thanked_by)
    db.session.commit()


def test_the_story_list_runs_a_fixed_number_of_statements(client, auth, people):
    _stories(people["otto"], people["leeds"], stories.STORIES_PER_PAGE + 1, [people["nia"]])
    auth.login(people["mina"].email)
    paths = ["/networks/stories", "/networks/stories?dimension=PQ"]
    client.get(paths[0])
    before = [count_statements(client, p) for p in paths]
    readers = [make_user(email=f"t{n}@example.org") for n in range(6)]
    _stories(people["nia"], None, 40, readers)
    _stories(people["bea"], people["bame"], 20, readers)
    client.get(paths[0])
    assert [count_statements(client, p) for p in paths] == before
    assert before == [2, 2]  # the person; the page of stories with their cards and total


def test_a_storys_page_and_hide_form_run_a_fixed_number_of_statements(client, auth, people):
    """A story's page reads the story, its card, and the reader's place in its network in one
    statement, however many stories, thanks and tags there are; so does its hide form."""
    _stories(people["otto"], people["leeds"], 1, [people["nia"]])
    story = db.session.scalar(sa.select(Story))
    paths = [f"/networks/stories/{story.id}", f"/networks/stories/{story.id}/hide"]
    auth.login(people["otto"].email)  # he leads Leeds
    client.get(paths[0])
    before = [count_statements(client, p) for p in paths]
    readers = [make_user(email=f"s{n}@example.org") for n in range(6)]
    _stories(people["nia"], None, 30, readers)
    _stories(people["otto"], people["leeds"], 10, readers)
    db.session.add_all(StoryThanks(story_id=story.id, user_id=u.id) for u in readers)
    db.session.commit()
    page = client.get(paths[0]).get_data(as_text=True)
    assert "Thanked 7 times." in page and "Feature it on the network" in page
    assert [count_statements(client, p) for p in paths] == before == [2, 2]


def test_my_data_export_has_my_stories(client, auth, people):
    import io
    import zipfile

    auth.login(people["mina"].email)
    _write(client, people, title="My story", dims=("PQ",))
    auth.logout()
    auth.login(people["nia"].email)
    _write(client, people, title="Nia's story")
    auth.logout()
    auth.login(people["mina"].email)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/me/data/export").data))
    text = archive.read("stories.csv").decode()
    assert "My story" in text and "Demonstrating personal qualities" in text
    assert "Nia's story" not in text


def test_the_demo_has_stories_with_thanks_and_one_featured_for_the_demo_member(app, client):
    from netapp.models import Network, NetworkMembership, User
    from netapp.services.demo import DEMO_PASSWORD, seed_demo

    logins = {login.role: login for login in seed_demo(members=200, seed=3)}
    member = db.session.scalar(sa.select(User).where(User.email == logins["member"].email))
    home = db.session.scalar(sa.select(Network).join(NetworkMembership).where(
        NetworkMembership.user_id == member.id, Network.kind == "local"))
    assert db.session.scalar(sa.select(sa.func.count(Story.id))) >= 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StoryThanks)) >= 5
    card = stories.featured_for_network(home.id, member)
    assert card is not None and card.dimensions and card.story.network_id == home.id
    client.post("/account/login", data={"email": member.email, "password": DEMO_PASSWORD})
    page = client.get("/networks/stories").get_data(as_text=True)
    assert "Listening to night staff" in page  # the demo member's own


def test_the_network_page_panels_run_a_fixed_number_of_statements(client, auth, people):
    """The discussions and featured-story panels on a network's page (built elsewhere) add a
    fixed number of statements, however many threads, posts, stories and thanks."""
    from netapp.models import DiscussionPost, DiscussionThread

    leeds = people["leeds"]

    def talk(how_many: int) -> None:
        for n in range(how_many):
            thread = DiscussionThread(network_id=leeds.id, author_id=people["otto"].id,
                                      title=f"T{n}", post_count=2)
            db.session.add(thread)
            db.session.flush()
            db.session.add_all([DiscussionPost(thread_id=thread.id, author_id=people["otto"].id,
                                               body="b") for _ in range(2)])
        db.session.commit()

    talk(1)
    _stories(people["otto"], leeds, 1, [people["nia"]])
    featured = db.session.scalar(sa.select(Story))
    featured.featured_at = utcnow()
    db.session.commit()
    auth.login(people["mina"].email)
    path = f"/networks/{leeds.id}"
    client.get(path)
    before = count_statements(client, path)
    talk(12)
    _stories(people["otto"], leeds, 15, [make_user(email=f"p{n}@example.org") for n in range(4)])
    client.get(path)
    page = client.get(path).get_data(as_text=True)
    assert "S0" in page and "T11" in page
    assert count_statements(client, path) == before


def test_the_story_list_is_written_as_its_template_wrote_each_card(app):
    from datetime import datetime
    from types import SimpleNamespace

    from flask import render_template_string, url_for
    from markupsafe import escape

    from netapp.networks.story_items import story_list_items
    from netapp.services.story_lists import Card

    day = datetime(2026, 10, 25, 0, 30, 5, 120)  # the night the clocks go back
    cards = [
        Card(1, "Tea & <talk>", day, None, 'Ann "A" O\'Neil', None, 0, []),
        Card(2, "Hidden", day, day, "Bo", "Leeds & York", 1, ["Working with others"]),
        Card(3, "Thanked", day + timedelta(days=40), None, "Cy", "York", 7,
             ["Demonstrating personal qualities", "Managing <services>"])]
    # The list's loop as templates/networks/stories/list.html had it, each card a plain
    # object shaped as the include reads it.
    loop = ('{% for card in cards %}<li>{% set h = \'h2\' %}'
            '{% include "networks/stories/_card.html" %}</li>{% endfor %}')
    shaped = [SimpleNamespace(
        story=SimpleNamespace(id=c.id, title=c.title, created_at=c.created_at,
                              hidden_at=c.hidden_at),
        author=c.author, network=c.network, thanks=c.thanks,
        dimensions=[SimpleNamespace(name=name) for name in c.dimensions]) for c in cards]
    with app.test_request_context("/networks/stories"):
        expected = render_template_string(loop, cards=shaped)
        written = story_list_items(cards, escape(url_for("networks.story", story_id=0)[:-1]))
    assert written == expected
    assert "Tea &amp; &lt;talk&gt;" in expected and "25 October 2026" in expected


def test_the_story_forms_run_a_fixed_number_of_statements(client, auth, people):
    """Writing a story reads the author's networks; the form to change one reads the story,
    its dimensions and the author's networks in one statement too. The dimensions to choose
    from come from this process's copy of the framework."""
    _stories(people["otto"], people["leeds"], 3, [people["nia"]])
    story = db.session.scalars(sa.select(Story).order_by(Story.id)).all()[2]
    paths = ["/networks/stories/new", f"/networks/stories/{story.id}/edit"]
    auth.login(people["otto"].email)
    client.get(paths[0])
    page = client.get(paths[1]).get_data(as_text=True)
    # The third story is tagged with the first three dimensions, and shared with Leeds.
    checked = re.findall(r'<input checked id="([^"]+)" name="[^"]+" required type="\w+" '
                         r'value="([^"]+)">', page)
    assert checked[:3] == [(f"dimensions-{n}", str(d.id))
                           for n, d in enumerate(stories.dimensions()[:3])]
    assert [value for _id, value in checked[3:]] == [str(people["leeds"].id)]
    assert [count_statements(client, p) for p in paths] == [2, 2]  # the person, then the page's

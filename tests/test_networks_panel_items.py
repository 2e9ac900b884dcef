"""A network page's panels of events and discussions, and its featured story, written in
Python (netapp/networks/panel_items.py), are the HTML the Jinja they replaced gave, and escape
whatever members type."""
from datetime import datetime
from types import SimpleNamespace

from markupsafe import Markup

from netapp.networks import panel_items
from netapp.services.network_panels import FeaturedStory, PanelEvent, PanelThread
from netapp.services.stories import StoryCard, Tag

# The loops templates/networks/_events_panel.html and _discussions_panel.html used to run.
JINJA_EVENTS = """\
{% for e in events %}<li><a href="{{ url_for('networks.event_page', event_id=e.id) }}">{{ e.title }}</a><br><span class="hint">{{ event_when(e) }}, {% if e.is_online %}online{% else %}in person{% endif %}</span></li>{% endfor %}"""  # noqa: E501
JINJA_THREADS = """\
    {% for row in threads %}
    <li><a href="{{ url_for('networks.discussion', thread_id=row.id) }}">{% if row.is_hidden %}A discussion hidden by a network lead{% else %}{{ row.title }}{% endif %}</a> <span class="hint">({{ row.post_count }} {{ 'post' if row.post_count == 1 else 'posts' }}, last <time datetime="{{ row.last_post_at.isoformat() }}">{{ (row.last_post_at | talk_time(False)).rsplit(' ', 1)[0] }}</time>)</span></li>
    {% endfor %}"""  # noqa: E501
# How templates/networks/_stories_panel.html included the featured story's card.
JINJA_CARD = ("""{% set card = story %}{% set h = 'h3' %}"""
              """{% include "networks/stories/_card.html" %}""")

SUMMER = datetime(2026, 6, 30, 23, 30)  # UTC: 1 July 00:30 in London
WINTER = datetime(2026, 11, 27, 9, 5, 1, 123456)
# Each day of the week and month of the year, either side of the clocks changing.
DAYS = [datetime(2026, month, day, hour, 59) for month in range(1, 13)
        for day, hour in ((1, 0), (9, 23), (28, 12))] + [
    datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0),
    datetime(2026, 10, 25, 0, 59), datetime(2026, 10, 25, 1, 0), datetime(2027, 1, 4, 7)]


def test_event_items_are_the_html_the_template_gave(app):
    events = [PanelEvent(4, "Rota <b>planning</b> & \"pay\"", SUMMER, True),
              PanelEvent(12, "O'Brien's drop-in", WINTER, False)]
    with app.test_request_context():
        expected = app.jinja_env.from_string(JINJA_EVENTS).render(events=events)
        got = panel_items.event_items(events, Markup("/networks/events/"))
    assert got == expected
    assert "Rota &lt;b&gt;planning&lt;/b&gt; &amp; &#34;pay&#34;" in got and "<b>" not in got
    assert "Wed 1 Jul 2026, 00:30, online" in got and "in person" in got
    assert panel_items.event_items([], Markup("/networks/events/")) == ""


def test_dates_are_the_words_the_templates_wrote(app):
    # The items write dates without strftime: the same words for every day and month.
    events = [PanelEvent(i, "E", moment, False) for i, moment in enumerate(DAYS)]
    threads = [PanelThread(i, "T", 2, moment, False) for i, moment in enumerate(DAYS)]
    with app.test_request_context():
        assert panel_items.event_items(events, Markup("/networks/events/")) == \
            app.jinja_env.from_string(JINJA_EVENTS).render(events=events)
        assert "    " + panel_items.thread_items(threads, Markup("/networks/discussions/")) \
            == app.jinja_env.from_string(JINJA_THREADS).render(threads=threads)
        for moment in DAYS:
            card = _card(story=FeaturedStory(3, "S", moment))
            assert panel_items.story_card(card, Markup("/networks/stories/")) == \
                app.jinja_env.from_string(JINJA_CARD).render(story=card)


def test_thread_items_are_the_html_the_template_gave(app):
    threads = [PanelThread(7, "<script>alert(1)</script> & more", 1, SUMMER, False),
               PanelThread(8, "Hidden words", 12, WINTER, True),
               PanelThread(9, "Rotas", 2, WINTER, False)]
    with app.test_request_context():
        expected = app.jinja_env.from_string(JINJA_THREADS).render(threads=threads)
        got = panel_items.thread_items(threads, Markup("/networks/discussions/"))
    assert "    " + got == expected
    assert "&lt;script&gt;" in got and "<script>" not in got
    assert "Hidden words" not in got and "A discussion hidden by a network lead" in got
    assert "(1 post, last" in got and "(12 posts, last" in got and ">1 July</time>" in got


def _card(**changes):
    fields = dict(story=FeaturedStory(3, "The night the <i>boiler</i> failed", WINTER),
                  author="Ann & \"Co\"", network="Leeds <network>",
                  dimensions=[Tag(1, "WO", "Working with others"), Tag(2, "MS", "Managing <x>")],
                  thanks=3, thanked_by_me=False)
    fields.update(changes)
    return StoryCard(**fields)


def test_story_card_is_the_html_the_template_gave(app):
    cards = [
        _card(),
        _card(thanks=1, dimensions=[], network=None),
        _card(thanks=0, story=SimpleNamespace(id=5, title="Hidden", created_at=SUMMER,
                                              hidden_at=SUMMER)),
    ]
    with app.test_request_context():
        for card in cards:
            expected = app.jinja_env.from_string(JINJA_CARD).render(story=card)
            assert panel_items.story_card(card, Markup("/networks/stories/")) == expected
    got = panel_items.story_card(cards[0], Markup("/networks/stories/"))
    assert "The night the &lt;i&gt;boiler&lt;/i&gt; failed" in got and "<i>" not in got
    assert "shared with Leeds &lt;network&gt; · thanked 3 times" in got
    assert '<li class="tag">Managing &lt;x&gt;</li>' in got

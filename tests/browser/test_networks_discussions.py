"""Discussions and stories in a real browser: a member opens their network's discussions from
its page, starts one (a mistake first), another replies and reports it, and the lead hides it
with a reason; and every XSS attempt from tests/xss_cases.py, posted and told as a story,
renders with no dialog and no script run. axe on every page, phone and desktop."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from netapp.extensions import db
from netapp.models import Network, NetworkKind, NetworkLead, NetworkMembership
from netapp.services import discussions, stories
from tests.browser.accessibility import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.helpers import log_in as _log_in
from tests.browser.helpers import log_out as _log_out
from tests.browser.helpers import screenshot_saver
from tests.factories import make_user
from tests.profile_helpers import load_reference
from tests.xss_cases import XSS_CASES

PHONE = {"width": 375, "height": 812}
SHOTS = Path(__file__).resolve().parents[2] / ".screenshots" / "networks_discussions"


_shot = screenshot_saver(SHOTS)


def _network(live_app) -> int:
    with live_app.app_context():
        load_reference()
        network = Network(kind=NetworkKind.LOCAL, code="local-leeds", name="Leeds network")
        db.session.add(network)
        db.session.flush()
        people = [make_user(email=f"{n}@example.org", name=name) for n, name in (
            ("mina", "Mina Member"), ("otto", "Otto Other"), ("lee", "Lee Lead"))]
        db.session.add_all([NetworkMembership(user_id=u.id, network_id=network.id)
                            for u in people])
        db.session.add(NetworkLead(network_id=network.id, user_id=people[2].id))
        db.session.commit()
        return network.id


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_member_posts_another_replies_and_reports_and_the_lead_hides_it(
        page, live_server, live_app, console_errors, viewport):
    page.set_viewport_size(viewport)
    network_id = _network(live_app)

    # Mina finds the discussions on her network's page and starts one, forgetting the title.
    _log_in(page, live_server, "mina@example.org")
    page.goto(live_server(f"/networks/{network_id}"))
    page.get_by_role("region", name="Recent discussions").get_by_role(
        "link", name="All discussions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Discussions")
    assert_accessible(page, "discussions (empty)")
    _shot(page, "list-empty", viewport)
    page.get_by_role("link", name="Start a discussion").click()
    page.get_by_label("Your message").fill("How do you **cover** nights over Christmas?")
    page.get_by_role("button", name="Post it").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the discussion a short title.")
    expect(page.get_by_label("Your message")).to_have_value(
        "How do you **cover** nights over Christmas?")
    assert_accessible(page, "new discussion with an error")
    _shot(page, "new-error", viewport)
    page.get_by_label("What's it about?").fill("Nights over Christmas")
    page.get_by_role("button", name="Post it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nights over Christmas")
    expect(page.locator(".rendered strong")).to_have_text("cover")
    expect(page.get_by_role("link", name="Change your post")).to_be_visible()
    assert_accessible(page, "thread")
    _log_out(page)

    # Otto replies, then asks the leads to look at Mina's post.
    _log_in(page, live_server, "otto@example.org")
    page.goto(live_server(f"/networks/{network_id}/discussions"))
    page.get_by_role("link", name="Nights over Christmas").click()
    page.get_by_label("Your reply").fill("We book the bank early.\n\n- rota in October")
    page.get_by_role("button", name="Post the reply").click()
    expect(page.locator(".post-list > li")).to_have_count(2)
    expect(page.locator(".rendered li")).to_have_text("rota in October")
    _shot(page, "thread", viewport)
    page.get_by_role("link", name="Report the post by Mina Member").click()
    page.get_by_role("button", name="Send to the leads").click()
    expect(page.get_by_role("alert")).to_contain_text("Say in a few words why")
    assert_accessible(page, "report with an error")
    _shot(page, "report", viewport)
    page.get_by_label("What's wrong with it?").fill("It names a resident")
    page.get_by_role("button", name="Send to the leads").click()
    expect(page.get_by_text("The network's leads will take a look.")).to_be_visible()
    expect(page.get_by_text("You asked the leads to look at this")).to_be_visible()
    _log_out(page)

    # Lee, the lead, sees the report and hides the post with a reason.
    _log_in(page, live_server, "lee@example.org")
    page.goto(live_server(f"/networks/{network_id}/discussions"))
    page.get_by_role("link", name="Posts members asked you to look at").click()
    expect(page.get_by_text("It names a resident")).to_be_visible()
    assert_accessible(page, "reports")
    _shot(page, "reports", viewport)
    page.get_by_role("link", name="Hide this post").click()
    page.get_by_label("Why hide it?").fill("Please leave out names")
    assert_accessible(page, "hide")
    _shot(page, "hide", viewport)
    page.get_by_role("button", name="Hide the post").click()
    expect(page.get_by_text("Hidden by a network lead: Please leave out names")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A discussion hidden by a network lead")
    assert_accessible(page, "thread with a hidden post")
    # The two forms sent with a mistake answer 400, which the console notes; nothing else.
    assert [e for e in console_errors if "status of 400" not in e] == []
    assert len(console_errors) == 2


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_xss_attempt_renders_with_no_dialog(page, live_server, live_app, console_errors,
                                                  viewport):
    page.set_viewport_size(viewport)
    network_id = _network(live_app)
    with live_app.app_context():
        from netapp.models import User

        mina = db.session.query(User).filter_by(email="mina@example.org").one()
        network = db.session.get(Network, network_id)
        with live_app.test_request_context():
            thread = discussions.start_thread(mina, network, "<script>alert('title')</script>",
                                              XSS_CASES[0])
            for attempt in XSS_CASES[1:]:
                discussions.reply(mina, thread, network, attempt)
        dims = [d.id for d in stories.dimensions()[:1]]
        story = stories.write(mina, "<img src=x onerror=alert('story')>",
                              "\n\n".join(XSS_CASES), dims, "everyone")
        thread_id, story_id = thread.id, story.id
        per_page = discussions.POSTS_PER_PAGE
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    _log_in(page, live_server, "otto@example.org")
    pages = [f"/networks/discussions/{thread_id}",
             f"/networks/discussions/{thread_id}?page=2",
             f"/networks/{network_id}/discussions", f"/networks/{network_id}",
             f"/networks/stories/{story_id}", "/networks/stories"]
    assert len(XSS_CASES) > per_page, "the second page of the thread has some too"
    for path in pages:
        page.goto(live_server(path))
        # Give any injected handler (onerror, onload, onfocus, ontoggle) its chance to run.
        page.wait_for_timeout(300)
        page.mouse.move(200, 300)
        for link in page.locator(".rendered a").all()[:40]:
            href = link.get_attribute("href")
            # A relative address is dropped (the anchor keeps its words, with no href).
            assert href is None or href.split(":", 1)[0].lower() in (
                "http", "https", "mailto"), href
        assert page.evaluate("document.querySelectorAll("
                             "'.rendered script, .rendered img, .rendered svg, "
                             ".rendered iframe, .rendered style, .rendered [onerror]')"
                             ".length") == 0, path
    page.goto(live_server(f"/networks/discussions/{thread_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("<script>alert('title')</script>")
    assert_accessible(page, "thread of XSS attempts")
    _shot(page, "xss-thread", viewport)
    page.goto(live_server(f"/networks/stories/{story_id}"))
    assert_accessible(page, "story of XSS attempts")
    _shot(page, "xss-story", viewport)
    page.get_by_role("button", name="Thank you for this story").click()
    expect(page.get_by_text("Thanked 1 time.")).to_be_visible()
    page.goto(live_server("/networks/stories"))
    assert_accessible(page, "stories")
    _shot(page, "stories", viewport)
    page.get_by_role("link", name="Tell your story").click()
    page.get_by_label("Title").fill("My first year")
    page.get_by_role("button", name="Share my story").click()
    expect(page.get_by_role("alert")).to_contain_text("Write your story first.")
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one part")
    expect(page.get_by_label("Title")).to_have_value("My first year")
    assert_accessible(page, "new story with errors")
    _shot(page, "story-form", viewport)
    assert dialogs == [], f"a dialog opened: {dialogs}"
    # The story form sent with mistakes answers 400, which the console notes; nothing else.
    assert [e for e in console_errors if "status of 400" not in e] == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_authors_change_their_words_and_a_lead_features_and_hides_a_story(
        page, live_server, live_app, console_errors, viewport):
    page.set_viewport_size(viewport)
    network_id = _network(live_app)

    # Mina writes a story for her network, then changes a post of hers.
    _log_in(page, live_server, "mina@example.org")
    page.goto(live_server("/networks/stories/new"))
    page.get_by_label("Title").fill("Listening to night staff")
    page.get_by_label("Your story").fill("I had breakfast with them once a month.")
    page.get_by_label("Working with others").check()
    page.get_by_label("Leeds network").check()
    page.get_by_role("button", name="Share my story").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Listening to night staff")
    page.get_by_role("link", name="Change your story").click()
    expect(page.get_by_label("Working with others")).to_be_checked()
    assert_accessible(page, "change a story")
    page.get_by_label("Title").fill("Breakfast with night staff")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Breakfast with night staff")
    page.goto(live_server(f"/networks/{network_id}/discussions/new"))
    page.get_by_label("What's it about?").fill("Agency staff")
    page.get_by_label("Your message").fill("Which agencies do you use?")
    page.get_by_role("button", name="Post it").click()
    page.get_by_role("link", name="Change your post").click()
    expect(page.get_by_text("minutes left to change it")).to_be_visible()
    assert_accessible(page, "change a post")
    _shot(page, "edit-post", viewport)
    page.get_by_label("Your post").fill("Which agencies do you trust?")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Which agencies do you trust?")).to_be_visible()
    expect(page.get_by_text("(changed)")).to_be_visible()
    _log_out(page)

    # Lee, the lead, features the story on the network's page, then hides it.
    _log_in(page, live_server, "lee@example.org")
    page.goto(live_server("/networks/stories"))
    page.get_by_role("link", name="Breakfast with night staff").click()
    page.get_by_role("button", name="Feature it on the network's page").click()
    page.goto(live_server(f"/networks/{network_id}"))
    expect(page.get_by_role("region", name="Leadership story")).to_contain_text(
        "Breakfast with night staff")
    page.get_by_role("region", name="Leadership story").get_by_role(
        "link", name="Breakfast with night staff").click()
    page.get_by_role("link", name="Hide this story").click()
    page.get_by_label("Why hide it?").fill("Please check it with the team first")
    assert_accessible(page, "hide a story")
    _shot(page, "hide-story", viewport)
    page.get_by_role("button", name="Hide the story").click()
    expect(page.get_by_text("Hidden by a network lead: Please check it")).to_be_visible()
    _log_out(page)

    # Mina still reads her story with the reason, and deletes it after a confirmation.
    _log_in(page, live_server, "mina@example.org")
    page.goto(live_server("/networks/stories"))
    page.get_by_role("link", name="Breakfast with night staff").click()
    expect(page.get_by_text("Only you can still read it")).to_be_visible()
    page.get_by_role("link", name="Delete it").click()
    assert_accessible(page, "delete a story")
    _shot(page, "delete-story", viewport)
    page.get_by_role("button", name="Yes, delete my story").click()
    expect(page.get_by_text("Your story is deleted.")).to_be_visible()
    expect(page.get_by_text("No stories here yet.")).to_be_visible()
    assert console_errors == []

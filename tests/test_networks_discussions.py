"""Network discussions: who reads and writes, threads and replies, editing within 30 minutes,
reports and hiding, the affinity privacy rules, audit, statement counts and the weekly digest."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    DiscussionPost,
    DiscussionThread,
    EmailOptOut,
    NetworkFollow,
    NetworkLead,
    NetworkMembership,
    Notification,
    PostReport,
)
from netapp.models.base import utcnow
from netapp.services import discussions, networks
from tests.factories import make_user
from tests.profile_helpers import give_profile, join, load_reference
from tests.statements import count_statements
from tests.xss_cases import XSS_CASES


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
    return {"mina": mina, "otto": otto, "nia": nia, "bea": bea, "leeds": leeds, "bame": bame,
            **users}


def _start(client, network, title="Rotas over Christmas", body="How do you *cover* nights?"):
    response = client.post(f"/networks/{network.id}/discussions/new",
                           data={"title": title, "body": body})
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(DiscussionThread).order_by(DiscussionThread.id.desc())
                              ).first()


def _reply(client, thread, body="Agency bank, booked early."):
    response = client.post(f"/networks/discussions/{thread.id}/reply", data={"body": body})
    assert response.status_code == 302
    return db.session.scalars(sa.select(DiscussionPost).order_by(DiscussionPost.id.desc())
                              ).first()


def _first_post(thread):
    return db.session.scalars(sa.select(DiscussionPost).where(DiscussionPost.thread_id == thread.id)
                              .order_by(DiscussionPost.id)).first()


# ---------------------------------------------------------------- threads and replies


def test_a_member_starts_a_discussion_and_others_reply_keeping_counts_right(client, auth,
                                                                            people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    assert (thread.post_count, thread.author_id) == (1, people["mina"].id)
    auth.logout()
    auth.login(people["otto"].email)
    _reply(client, thread)
    _reply(client, thread, "Ask the local network too.")
    db.session.refresh(thread)
    assert thread.post_count == 3
    assert thread.last_post_at == max(p.created_at for p in db.session.scalars(
        sa.select(DiscussionPost).where(DiscussionPost.thread_id == thread.id)))
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert "Rotas over Christmas" in page and "How do you <em>cover</em> nights?" in page
    assert "Agency bank, booked early." in page and "Mina Member" in page


def test_the_list_shows_the_most_recently_active_first(client, auth, people):
    auth.login(people["mina"].email)
    older = _start(client, people["leeds"], title="Older topic")
    newer = _start(client, people["leeds"], title="Newer topic")
    page = client.get(f"/networks/{people['leeds'].id}/discussions").get_data(as_text=True)
    assert page.index("Newer topic") < page.index("Older topic")
    _reply(client, older)
    page = client.get(f"/networks/{people['leeds'].id}/discussions").get_data(as_text=True)
    assert page.index("Older topic") < page.index("Newer topic")
    assert [r.thread.id for r in discussions.recent_threads(people["leeds"].id, people["nia"])] \
        == [older.id, newer.id]


def test_any_member_reads_a_local_network_but_only_members_and_followers_post(client, auth,
                                                                               people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    auth.logout()
    auth.login(people["nia"].email)  # York, not Leeds
    assert client.get(f"/networks/{people['leeds'].id}/discussions").status_code == 200
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert "Rotas over Christmas" in page and "Post the reply" not in page
    assert client.post(f"/networks/discussions/{thread.id}/reply",
                       data={"body": "Hello"}).status_code == 403
    assert client.post(f"/networks/{people['leeds'].id}/discussions/new",
                       data={"title": "x", "body": "y"}).status_code == 403
    db.session.add(NetworkFollow(user_id=people["nia"].id, network_id=people["leeds"].id))
    db.session.commit()
    _reply(client, thread, "From York: we share a bank.")
    assert thread.post_count == 2


def test_a_bad_post_is_refused_with_a_message_keeping_what_was_typed(client, auth, people):
    auth.login(people["mina"].email)
    response = client.post(f"/networks/{people['leeds'].id}/discussions/new",
                           data={"title": "", "body": "My words stay"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Give the discussion a short title." in page and "My words stay" in page
    thread = _start(client, people["leeds"])
    response = client.post(f"/networks/discussions/{thread.id}/reply", data={"body": "x" * 5001})
    assert response.status_code == 400
    assert "Please keep it under 5000 characters." in response.get_data(as_text=True)
    assert "x" * 5001 in response.get_data(as_text=True)
    # The empty reply box is kept per process: the refused text must not stay in it.
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert 'name="body"' in page and "x" * 50 not in page and "Please keep it" not in page


def test_the_kept_reply_box_posts_with_the_readers_token(app, client, auth, people):
    """The empty reply box's HTML is kept per process, with each request's CSRF token put in:
    a reply sent from it, the first time and from the kept copy, is accepted."""
    import re

    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for words in ("First from the box", "Second from the kept box"):
            page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
            logout = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            box = re.findall(r'<input id="csrf_token" name="csrf_token" type="hidden" '
                             r'value="([^"]+)">\s*<div class="field', page)
            assert box == [logout]
            response = client.post(f"/networks/discussions/{thread.id}/reply",
                                   data={"body": words, "csrf_token": box[0]})
            assert response.status_code == 302
        assert client.post(f"/networks/discussions/{thread.id}/reply",
                           data={"body": "No token"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_posts_render_xss_attempts_harmlessly(client, auth, people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"], body="\n\n".join(XSS_CASES))
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    body = page.split('class="rendered"', 1)[1].split("</div>", 1)[0]
    tags = re.findall(r"<([^>]*)>", body)
    assert {t.split()[0].strip("/").lower() for t in tags} <= \
        {"p", "br", "a", "em", "strong", "code", "pre", "h3", "h4"}
    assert not any(re.search(r"\son\w+\s*=", t) for t in tags)
    assert all(re.search(r'href="(https?|mailto):', t) for t in tags if "href" in t)


# ---------------------------------------------------------------- editing


def test_the_author_edits_within_30_minutes_and_not_after(client, auth, people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    post = _first_post(thread)
    assert client.get(f"/networks/posts/{post.id}/edit").status_code == 200
    assert client.post(f"/networks/posts/{post.id}/edit",
                       data={"body": "Changed words"}).status_code == 302
    db.session.refresh(post)
    assert post.body == "Changed words" and post.edited_at is not None
    post.created_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert client.get(f"/networks/posts/{post.id}/edit").status_code == 302
    client.post(f"/networks/posts/{post.id}/edit", data={"body": "Too late"})
    db.session.refresh(post)
    assert post.body == "Changed words", "the server checks the 30 minutes, not only the page"
    auth.logout()
    auth.login(people["otto"].email)
    post.created_at = utcnow()
    db.session.commit()
    assert client.get(f"/networks/posts/{post.id}/edit").status_code == 404
    assert client.post(f"/networks/posts/{post.id}/edit",
                       data={"body": "Not mine"}).status_code == 404


def test_each_posts_links_lead_to_that_post_and_an_edit_shows_at_once(client, auth, people):
    # The page builds each action's address once and adds the post's id; Markdown is kept
    # per process by its text, so a changed post must show its new words.
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"], body="First *words*")
    mine = _first_post(thread)
    auth.logout()
    auth.login(people["otto"].email)
    theirs = _reply(client, thread, "A reply from the lead")
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert f'href="/networks/posts/{theirs.id}/edit"' in page
    assert f'href="/networks/posts/{mine.id}/report"' in page
    assert f'href="/networks/posts/{mine.id}/hide"' in page  # Otto leads Leeds
    assert f'href="/networks/posts/{theirs.id}/report"' not in page
    assert "<em>words</em>" in page
    auth.logout()
    auth.login(people["mina"].email)
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert f'href="/networks/posts/{mine.id}/edit"' in page
    assert "/hide" not in page
    assert client.post(f"/networks/posts/{mine.id}/edit",
                       data={"body": "Second **words**"}).status_code == 302
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert "<strong>words</strong>" in page and "<em>words</em>" not in page


# ---------------------------------------------------------------- reports and hiding


def test_a_member_reports_a_post_once_and_the_leads_are_told(client, auth, people):
    auth.login(people["otto"].email)
    thread = _start(client, people["leeds"])
    post = _first_post(thread)
    auth.logout()
    auth.login(people["nia"].email)
    response = client.post(f"/networks/posts/{post.id}/report", data={"reason": ""})
    assert response.status_code == 400
    assert "Say in a few words why" in response.get_data(as_text=True)
    assert client.post(f"/networks/posts/{post.id}/report",
                       data={"reason": "Names a resident"}).status_code == 302
    client.post(f"/networks/posts/{post.id}/report", data={"reason": "Again"})
    assert db.session.scalar(sa.select(sa.func.count(PostReport.id))) == 1
    # Otto leads Leeds but wrote the post himself: he is still told (he leads it).
    told = db.session.scalars(sa.select(Notification).where(
        Notification.kind == discussions.REPORT_KIND)).all()
    assert [n.user_id for n in told] == [people["otto"].id]
    assert "Leeds" not in told[0].text and "Nia" not in told[0].text
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert "You asked the leads to look at this" in page


def test_a_lead_sees_only_the_reports_on_this_threads_posts(client, auth, people):
    # Reports are read for the page's range of post ids within the thread: another thread's
    # post with an id inside that range must not lend its report.
    auth.login(people["mina"].email)
    first = _start(client, people["leeds"], title="Rotas")
    other = _start(client, people["leeds"], title="Training")
    between = _reply(client, other, "A post in the other thread")
    last = _reply(client, first, "A later reply here")
    auth.logout()
    auth.login(people["nia"].email)
    client.post(f"/networks/posts/{between.id}/report", data={"reason": "Other thread words"})
    client.post(f"/networks/posts/{last.id}/report", data={"reason": "This thread words"})
    auth.logout()
    auth.login(people["otto"].email)  # leads Leeds
    page = client.get(f"/networks/discussions/{first.id}").get_data(as_text=True)
    assert _first_post(first).id < between.id < last.id
    assert "This thread words" in page and "Other thread words" not in page
    page = client.get(f"/networks/discussions/{other.id}").get_data(as_text=True)
    assert "Other thread words" in page and "This thread words" not in page


def test_a_lead_sees_reports_and_hides_a_post_with_a_reason(client, auth, people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    post = _reply(client, thread, "Something unkind")
    auth.logout()
    auth.login(people["nia"].email)
    client.post(f"/networks/posts/{post.id}/report", data={"reason": "Unkind words"})
    # Not a lead: no hiding, no reports page.
    assert client.get(f"/networks/posts/{post.id}/hide").status_code == 403
    assert client.get(f"/networks/{people['leeds'].id}/discussions/reports").status_code == 403
    assert "Unkind words" not in client.get(f"/networks/discussions/{thread.id}").get_data(
        as_text=True)
    auth.logout()
    auth.login(people["otto"].email)
    reports = client.get(f"/networks/{people['leeds'].id}/discussions/reports")
    assert "Unkind words" in reports.get_data(as_text=True)
    assert "Unkind words" in client.get(f"/networks/discussions/{thread.id}").get_data(
        as_text=True)
    assert client.post(f"/networks/posts/{post.id}/hide", data={"reason": ""}).status_code == 400
    assert client.post(f"/networks/posts/{post.id}/hide",
                       data={"reason": "Please keep it kind"}).status_code == 302
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    assert "Hidden by a network lead: Please keep it kind" in page
    assert "Something unkind" not in page
    assert db.session.scalar(sa.select(PostReport.resolved_at)) is not None
    assert "Nothing to look at" in client.get(
        f"/networks/{people['leeds'].id}/discussions/reports").get_data(as_text=True)


def test_a_lead_may_leave_a_reported_post_up(client, auth, people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    post = _first_post(thread)
    auth.logout()
    auth.login(people["nia"].email)
    client.post(f"/networks/posts/{post.id}/report", data={"reason": "Not sure"})
    auth.logout()
    auth.login(people["otto"].email)
    assert client.post(f"/networks/posts/{post.id}/reports/clear").status_code == 302
    assert db.session.scalar(sa.select(PostReport.resolved_at)) is not None
    assert _first_post(thread).hidden_at is None


def test_a_lead_sees_each_open_report_on_a_post_oldest_first_as_written(client, auth, people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    post = _first_post(thread)
    untouched = _reply(client, thread, "A reply nobody minds")
    auth.logout()
    reasons = ['Names "a resident", see ["ward 3"]', "Second | also \\ ,; here", "Third"]
    for n, reason in enumerate(reasons):
        reporter = make_user(email=f"reporter{n}@example.org")
        give_profile(reporter, "York")
        auth.login(reporter.email)
        assert client.post(f"/networks/posts/{post.id}/report",
                           data={"reason": reason}).status_code == 302
        auth.logout()
    auth.login(people["otto"].email)  # leads Leeds
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    listed = re.findall(r'<div class="post-reports">.*?<ul>(.*?)</ul>', page, re.S)
    assert listed == ["".join(f"<li>{escape(reason)}</li>" for reason in reasons)]
    assert untouched.body in page
    # A report a lead has dealt with is no longer listed.
    first = db.session.scalars(sa.select(PostReport).order_by(PostReport.id)).first()
    first.resolved_at = utcnow()
    db.session.commit()
    page = client.get(f"/networks/discussions/{thread.id}").get_data(as_text=True)
    listed = re.findall(r'<div class="post-reports">.*?<ul>(.*?)</ul>', page, re.S)
    assert listed == ["".join(f"<li>{escape(reason)}</li>" for reason in reasons[1:])]


# ---------------------------------------------------------------- affinity privacy


@pytest.mark.parametrize("role", ["nia", "coordinator", "admin", "mentor"])
def test_an_affinity_network_s_discussions_are_404_to_everyone_outside_it(client, auth, people,
                                                                          role):
    auth.login(people["mina"].email)
    thread = _start(client, people["bame"], title="Only for us")
    post = _reply(client, thread)
    auth.logout()
    auth.login(people[role].email)
    bame = people["bame"].id
    for method, path in [
        ("GET", f"/networks/{bame}/discussions"), ("GET", f"/networks/{bame}/discussions/new"),
        ("POST", f"/networks/{bame}/discussions/new"),
        ("GET", f"/networks/{bame}/discussions/reports"),
        ("GET", f"/networks/discussions/{thread.id}"),
        ("POST", f"/networks/discussions/{thread.id}/reply"),
        ("GET", f"/networks/posts/{post.id}/edit"), ("POST", f"/networks/posts/{post.id}/edit"),
        ("GET", f"/networks/posts/{post.id}/report"),
        ("POST", f"/networks/posts/{post.id}/report"),
        ("GET", f"/networks/posts/{post.id}/hide"), ("POST", f"/networks/posts/{post.id}/hide"),
        ("POST", f"/networks/posts/{post.id}/reports/clear"),
    ]:
        assert client.open(path, method=method, data={"body": "x", "reason": "x", "title": "x"}
                           ).status_code == 404, f"{role}: {method} {path}"
    assert discussions.recent_threads(bame, people[role]) == []


def _thread_rows(viewer, thread, verified=True):
    return db.session.connection().execute(
        discussions._thread_with_posts_statement(),
        {"viewer": viewer.id, "verified": verified, "thread": thread.id, "limit": 25,
         "offset": 0}).all()


@pytest.mark.parametrize("role", ["nia", "coordinator", "admin", "mentor"])
def test_a_thread_s_one_statement_reads_no_post_of_an_affinity_network_outside_it(
        client, auth, people, role):
    auth.login(people["mina"].email)
    thread = _start(client, people["bame"], title="Only for us")
    _reply(client, thread)
    rows = _thread_rows(people[role], thread)
    # The thread's row alone: neither a post nor their number.
    assert [(row[7], row[8]) for row in rows] == [(None, None)]
    with pytest.raises(discussions.NotFound):
        discussions.thread_page(people[role], thread.id, 1)
    # Mina, in it, reads both posts; her email unconfirmed, none.
    mine = _thread_rows(people["mina"], thread)
    assert len(mine) == 2 and {row[7] for row in mine} == {2}
    assert [(row[7], row[8]) for row in _thread_rows(people["mina"], thread, False)] \
        == [(None, None)]
    # A local network's posts are read for anyone signed in.
    leeds = _start(client, people["leeds"])
    assert [row[7] for row in _thread_rows(people[role], leeds)] == [1]


def test_a_thread_s_one_statement_reads_every_page_as_the_posts_page_did(client, auth,
                                                                           people):
    """Every page of a long thread (and past its end), for a lead, a member, someone from
    another area and a coordinator, with hidden, changed, reported and the reader's own
    posts: the same posts, views, numbers and standing as ``posts_page`` and
    ``thread_standing`` read."""
    mina, otto, nia, bea = people["mina"], people["otto"], people["nia"], people["bea"]
    now = utcnow()
    threads = []
    for network, authors in ((people["leeds"], (otto, mina, nia)), (people["bame"], (bea, mina))):
        thread = DiscussionThread(network_id=network.id, author_id=authors[0].id, title="Long",
                                  last_post_at=now, post_count=60)
        db.session.add(thread)
        db.session.flush()
        posts = [DiscussionPost(
            thread_id=thread.id, author_id=authors[n % len(authors)].id, body=f"Post *{n}*",
            created_at=now - timedelta(minutes=60 - n),
            edited_at=now if n % 7 == 3 else None,
            hidden_at=now if n % 11 == 5 else None, hidden_reason="Names a resident"
            if n % 11 == 5 else None) for n in range(60)]
        db.session.add_all(posts)
        db.session.flush()
        for n, post in enumerate(posts):
            if n % 4 == 1:
                db.session.add(PostReport(post_id=post.id, reporter_id=mina.id,
                                          reason=f"Mina {n}", resolved_at=now if n % 8 == 1
                                          else None))
            if n % 6 == 2:
                db.session.add(PostReport(post_id=post.id, reporter_id=bea.id, reason=f"Bea {n}"))
        threads.append((thread, network))
    db.session.commit()
    readers = [otto, mina, nia, bea, people["coordinator"]]
    compared = 0
    for thread, network in threads:
        for reader in readers:
            if not networks.can_see_network(reader, network):
                with pytest.raises(discussions.NotFound):
                    discussions.thread_page(reader, thread.id, 1)
                continue
            for page in (0, 1, 2, 3, 4):
                facts, seen, standing, got = discussions.thread_page(reader, thread.id, page)
                want = discussions.posts_page(reader, thread, network, page)
                assert (facts.id, facts.network_id, facts.title, seen.id) == \
                    (thread.id, network.id, thread.title, network.id)
                assert standing == discussions.thread_standing(reader, thread, network)
                assert (got.total, got.page, got.pages, got.has_next, got.has_prev) == \
                    (want.total, want.page, want.pages, want.has_next, want.has_prev) \
                    == (60, max(page, 1), 3, page < 3, page > 1)
                assert got.items == want.items and got.views == want.views
                compared += len(got.views)
    # Every reader of Leeds and the BAME network's two members, page 1 twice (as page 0).
    assert compared == (60 + 25) * (5 + 2)
    # A lead sees the open reports; no one else does.
    otto_views = discussions.thread_page(otto, threads[0][0].id, 1)[3].views
    assert otto_views[1].reports == [] and otto_views[2].reports == ["Bea 2"]
    assert otto_views[5].reports == ["Mina 5"]
    assert all(not v.reports for v in discussions.thread_page(nia, threads[0][0].id, 1)[3].views)


def test_affinity_activity_is_audited_without_naming_anyone(client, auth, people):
    auth.login(people["mina"].email)
    thread = _start(client, people["bame"])
    auth.logout()
    auth.login(people["bea"].email)
    post = _first_post(thread)
    client.post(f"/networks/posts/{post.id}/hide", data={"reason": "Off topic"})
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action.like("affinity_content%"))).all()
    assert len(entries) == 2
    assert all((e.actor_id, e.target_id, e.detail) == (None, None, {}) for e in entries)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action.like("discussion.%"))) == 0


def test_local_activity_is_audited_with_who_and_what(client, auth, people):
    auth.login(people["mina"].email)
    thread = _start(client, people["leeds"])
    _reply(client, thread)
    actions = db.session.execute(sa.select(AuditEntry.action, AuditEntry.actor_id).where(
        AuditEntry.action.like("discussion.%")).order_by(AuditEntry.id)).all()
    assert actions == [("discussion.started", people["mina"].id),
                       ("discussion.replied", people["mina"].id)]


# ---------------------------------------------------------------- statements


def _threads(network, author, how_many, replies=0):
    now = utcnow()
    for n in range(how_many):
        thread = DiscussionThread(network_id=network.id, author_id=author.id, title=f"T{n}",
                                  last_post_at=now - timedelta(minutes=n), post_count=1 + replies)
        db.session.add(thread)
        db.session.flush()
        db.session.add_all([DiscussionPost(thread_id=thread.id, author_id=author.id,
                                           body=f"Post {n}.{r}") for r in range(1 + replies)])
    db.session.commit()
    return thread


def test_the_list_and_a_thread_run_a_fixed_number_of_statements(client, auth, people):
    leeds = people["leeds"]
    db.session.add(NetworkLead(network_id=leeds.id, user_id=people["mina"].id))
    # Both sizes fill more than one page (a single page needs no count).
    small = _threads(leeds, people["otto"], discussions.THREADS_PER_PAGE + 1,
                     replies=discussions.POSTS_PER_PAGE)
    auth.login(people["mina"].email)
    list_path = f"/networks/{leeds.id}/discussions"
    client.get(list_path)
    client.get(f"/networks/discussions/{small.id}")  # warm-up: the process's copy of networks
    before = (count_statements(client, list_path),
              count_statements(client, f"/networks/discussions/{small.id}"))
    big = _threads(leeds, people["otto"], 30, replies=40)
    for n in range(5):
        other = make_user(email=f"r{n}@example.org")
        db.session.add(DiscussionPost(thread_id=big.id, author_id=other.id, body=f"By {n}"))
        db.session.add(PostReport(post_id=_first_post(big).id, reporter_id=other.id, reason="x"))
    db.session.commit()
    client.get(list_path)  # as before: the first request after a commit reloads the session
    after = (count_statements(client, list_path),
             count_statements(client, f"/networks/discussions/{big.id}"))
    assert before == after
    # The person; the thread with the reader's standing and the posts with their open
    # reports, in one statement.
    assert after[1] == 2
    # The person; the reader's standing with the page of threads, in one statement.
    assert after[0] == 2


def test_the_reports_page_pages_oldest_first_in_a_fixed_number_of_statements(client, auth,
                                                                            people):
    """A lead's reports page: a page of open reports, oldest first, with the number in all,
    and the lead's standing in one statement whatever the number of reports; resolved ones
    and other networks' stay off it; a lead who left an affinity network sees nothing."""
    leeds, bame = people["leeds"], people["bame"]
    thread = _threads(leeds, people["nia"], 1, replies=3)
    posts = db.session.scalars(sa.select(DiscussionPost).where(
        DiscussionPost.thread_id == thread.id).order_by(DiscussionPost.id)).all()
    elsewhere = _threads(bame, people["bea"], 1, replies=0)

    def report(n, post, resolved=False):
        reporter = make_user(email=f"rep{n}@example.org")
        db.session.add(PostReport(post_id=post.id, reporter_id=reporter.id, reason=f"Why {n}",
                                  resolved_at=utcnow() if resolved else None))

    report(0, posts[0])
    report(1, posts[1], resolved=True)
    report(2, _first_post(elsewhere))
    db.session.commit()
    path = f"/networks/{leeds.id}/discussions/reports"
    auth.login(people["otto"].email)
    client.get(path)
    before = count_statements(client, path)
    for n in range(3, 3 + discussions.REPORTS_PER_PAGE + 2):
        report(n, posts[n % 4])
    db.session.commit()
    first = client.get(path).get_data(as_text=True)
    assert count_statements(client, path) == before == 2, "the person, then the page"
    shown = re.findall(r"<strong>Why:</strong> (Why \d+)</p>", first)
    assert shown == [f"Why {n}" for n in [0, *range(3, 3 + discussions.REPORTS_PER_PAGE - 1)]]
    assert f"Page 1 of 2 ({discussions.REPORTS_PER_PAGE + 3} in all)" in first
    second = client.get(path + "?page=2").get_data(as_text=True)
    assert re.findall(r"<strong>Why:</strong> (Why \d+)</p>", second) == [
        f"Why {n}" for n in range(3 + discussions.REPORTS_PER_PAGE - 1,
                                  3 + discussions.REPORTS_PER_PAGE + 2)]
    assert "Nothing to look at" in client.get(path + "?page=3").get_data(as_text=True)
    auth.logout()
    auth.login(people["bea"].email)
    assert "Why 2" in client.get(f"/networks/{bame.id}/discussions/reports").get_data(
        as_text=True)
    db.session.execute(sa.delete(NetworkMembership).where(
        NetworkMembership.user_id == people["bea"].id, NetworkMembership.network_id == bame.id))
    db.session.commit()
    assert client.get(f"/networks/{bame.id}/discussions/reports").status_code == 404


def test_the_forms_to_report_or_hide_a_post_read_it_in_one_statement(client, auth, people):
    leeds, bame = people["leeds"], people["bame"]
    thread = _threads(leeds, people["nia"], 1, replies=1)
    post = _first_post(thread)
    secret = _first_post(_threads(bame, people["bea"], 1))
    auth.login(people["otto"].email)  # he leads Leeds
    for path in (f"/networks/posts/{post.id}/report", f"/networks/posts/{post.id}/hide"):
        client.get(path)
        page = client.get(path).get_data(as_text=True)
        assert "Post 0.0" in page and f'href="/networks/discussions/{thread.id}#post-{post.id}"' \
            in page
        assert count_statements(client, path) == 2, "the person, then the post"
    assert client.get(f"/networks/posts/{secret.id}/report").status_code == 404
    auth.logout()
    auth.login(people["mina"].email)  # in BAME, not a lead anywhere
    assert client.get(f"/networks/posts/{post.id}/hide").status_code == 403
    assert "Post 0.0" in client.get(f"/networks/posts/{secret.id}/report").get_data(as_text=True)
    assert client.get(f"/networks/posts/{secret.id}/hide").status_code == 403


def test_the_list_of_threads_is_written_as_its_template_wrote_it(app):
    from datetime import datetime

    from flask import render_template_string, url_for

    from netapp.networks.thread_items import thread_list_items
    from netapp.services.thread_lists import ThreadLine

    day = datetime(2026, 3, 29, 0, 59, 59, 5)  # the night the clocks go forward
    lines = [ThreadLine(1, "Rotas & <nights>", 1, day, 'Ann "A" O\'Neil', False),
             ThreadLine(2, "Hidden <b>", 12, day + timedelta(days=300), "Bo", True)]
    # The loop as templates/networks/discussions/list.html had it.
    loop = """{% for row in rows %}
  <li>
    <h2 class="h3"><a href="{{ url_for('networks.discussion', thread_id=row.thread.id) }}">\
{% if row.is_hidden %}A discussion hidden by a network lead{% else %}{{ row.thread.title }}\
{% endif %}</a></h2>
    <p class="post-meta">Started by {{ row.author }} · {{ row.thread.post_count }} \
{{ 'post' if row.thread.post_count == 1 else 'posts' }} · last post <time datetime="\
{{ row.thread.last_post_at.isoformat() }}">{{ row.thread.last_post_at | talk_time(False) }}\
</time></p>
  </li>
  {% endfor %}"""
    rows = [discussions.ThreadRow(line, line.author, line.is_hidden) for line in lines]
    with app.test_request_context("/"):
        expected = render_template_string(loop, rows=rows)
        written = thread_list_items(lines, escape(url_for("networks.discussion",
                                                          thread_id=0)[:-1]))
    assert written == expected
    assert "Rotas &amp; &lt;nights&gt;" in expected and "29 March 2026" in expected


def test_the_list_reads_nothing_of_an_affinity_networks_threads_outside_it(app, client, auth,
                                                                            people):
    from netapp.services import thread_lists

    auth.login(people["mina"].email)
    _start(client, people["bame"], title="Only for us")
    with app.test_request_context():
        outside, outsider_page = thread_lists.threads_page(people["otto"], people["bame"], 1, 20)
        inside, member_page = thread_lists.threads_page(people["mina"], people["bame"], 1, 20)
    assert not outside.can_read and outsider_page.items == []
    assert inside.can_read and [t.title for t in member_page.items] == ["Only for us"]
    auth.logout()
    auth.login(people["otto"].email)
    assert client.get(f"/networks/{people['bame'].id}/discussions").status_code == 404


# ---------------------------------------------------------------- the weekly digest


def test_the_digest_tells_members_about_their_networks_and_respects_opting_out(
        app, client, auth, people, mailbox):
    auth.login(people["mina"].email)
    leeds_thread = _start(client, people["leeds"], title="Winter pressures")
    _start(client, people["bame"], title="Mentors who get it")
    auth.logout()
    auth.login(people["otto"].email)
    _reply(client, leeds_thread)
    old = _start(client, people["leeds"], title="Last month's topic")
    for row in (old, _first_post(old)):
        row.created_at = utcnow() - timedelta(days=20)
    old.last_post_at = utcnow() - timedelta(days=20)
    db.session.add(EmailOptOut(user_id=people["otto"].id, kind="digest"))
    db.session.commit()
    mailbox.clear()
    with app.test_request_context():
        sent = discussions.send_weekly_digest()
    to_mina = mailbox.to(people["mina"].email)
    assert len(to_mina) == 1
    text = to_mina[0].get_payload(decode=True).decode()
    assert "Winter pressures (new): 1 new reply" in text
    assert "Mentors who get it" in text  # she is in the BAME network: it goes only to her
    assert "Last month's topic" not in text
    assert "Otto" not in text and "Mina Member" not in text.split("\n", 1)[1]
    assert "BAME" not in to_mina[0]["Subject"]
    assert mailbox.to(people["otto"].email) == [], "Otto turned the digest off"
    # Bea (BAME, York) hears of the BAME thread only; Nia (York) of nothing, so gets nothing.
    bea = mailbox.to(people["bea"].email)[0].get_payload(decode=True).decode()
    assert "Mentors who get it" in bea and "Winter pressures" not in bea
    assert mailbox.to(people["nia"].email) == []
    assert sent == 2


def test_the_digest_is_a_choice_on_the_notification_settings(client, auth, people):
    auth.login(people["mina"].email)
    page = client.get("/me/notifications/email").get_data(as_text=True)
    assert "A weekly email of new discussions in your networks" in page


def test_the_weekly_task_sends_the_digest(app, client, auth, people, mailbox):
    from netapp.tasks import discussions_digest

    auth.login(people["mina"].email)
    _start(client, people["leeds"], title="Inspection next week")
    mailbox.clear()
    discussions_digest.call_local()
    sent = mailbox.to(people["otto"].email)
    assert len(sent) == 1 and "Inspection next week" in sent[0].get_payload(decode=True).decode()
    assert "http://localhost/networks/discussions/" in sent[0].get_payload(decode=True).decode()


def test_my_data_export_has_my_posts_and_not_others(client, auth, people):
    import io
    import zipfile

    auth.login(people["mina"].email)
    thread = _start(client, people["bame"], title="Only for us", body="My own words")
    auth.logout()
    auth.login(people["bea"].email)
    _reply(client, thread, "Bea's words")
    auth.logout()
    auth.login(people["mina"].email)
    archive = zipfile.ZipFile(io.BytesIO(client.post("/me/data/export").data))
    text = archive.read("discussion_posts.csv").decode()
    assert "My own words" in text and "Only for us" in text and "Bea's words" not in text


# ---------------------------------------------------------------- demo data


def test_the_demo_member_finds_discussions_with_replies_and_a_lead_a_report(app, client):
    from netapp.models import Network, NetworkMembership, User
    from netapp.services.demo import DEMO_PASSWORD, seed_demo

    logins = {login.role: login for login in seed_demo(members=200, seed=3)}
    member = db.session.scalar(sa.select(User).where(User.email == logins["member"].email))
    home = db.session.scalar(sa.select(Network).join(NetworkMembership).where(
        NetworkMembership.user_id == member.id, Network.kind == "local"))
    threads = db.session.scalars(sa.select(DiscussionThread).where(
        DiscussionThread.network_id == home.id)).all()
    assert len(threads) >= 5 and all(t.post_count >= 2 for t in threads)
    for thread in threads:  # the counts the list shows match the posts
        posts = db.session.scalars(sa.select(DiscussionPost).where(
            DiscussionPost.thread_id == thread.id)).all()
        assert thread.post_count == len(posts)
        assert thread.last_post_at == max(p.created_at for p in posts)
    networks_with_talk = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(DiscussionThread.network_id))))
    assert networks_with_talk >= 3
    report = db.session.scalar(sa.select(PostReport))
    assert report is not None and report.resolved_at is None
    client.post("/account/login", data={"email": member.email, "password": DEMO_PASSWORD})
    page = client.get(f"/networks/{home.id}/discussions").get_data(as_text=True)
    assert "Covering nights over Christmas" in page
    post = db.session.get(DiscussionPost, report.post_id)
    assert report.reporter_id not in (post.author_id, member.id)


def test_a_hidden_opening_post_hides_the_title_on_every_page_of_the_thread(client, auth,
                                                                            people):
    thread = _threads(people["leeds"], people["mina"], 1, replies=discussions.POSTS_PER_PAGE)
    thread.title = "Unkind title"
    _first_post(thread).hidden_at = utcnow()
    db.session.commit()
    auth.login(people["nia"].email)
    for page in (1, 2):
        text = client.get(f"/networks/discussions/{thread.id}?page={page}").get_data(as_text=True)
        assert "Unkind title" not in text and "A discussion hidden by a network lead" in text
    assert "Unkind title" not in client.get(
        f"/networks/{people['leeds'].id}/discussions").get_data(as_text=True)
    post = _first_post(thread)
    client.post(f"/networks/posts/{post.id}/report", data={"reason": "x"})
    assert db.session.scalar(sa.select(sa.func.count(PostReport.id))) == 0, \
        "a hidden post needs no report"


def test_the_new_discussion_form_reads_the_posters_standing_in_one_statement(client, auth,
                                                                             people):
    """The network from this process's copy; whether the member is in or follows it in one
    statement. Who may open the form is checked in the tests above."""
    auth.login(people["mina"].email)
    paths = [f"/networks/{people['leeds'].id}/discussions/new",
             f"/networks/{people['bame'].id}/discussions/new"]
    for path in paths:
        client.get(path)  # warm-up: the process's copy of networks
    assert [count_statements(client, p) for p in paths] == [2, 2]  # the person; the standing

"""360-degree feedback: private links answered by signed-in colleagues, save and return, and the
three-rater rule. The anonymity attacks are in test_feedback_anonymity.py."""
import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import FeedbackRater, FeedbackScore
from netapp.services import feedback, lqf
from tests.factories import make_user
from tests.profile_helpers import assess, load_reference

COLLEAGUES = ["ann@example.org", "bob@example.org", "cat@example.org", "dan@example.org"]


def _path(link: str) -> str:
    return link.split("localhost", 1)[1]


def _answers(score: int) -> dict:
    fw = lqf.framework()
    return {e.code: str(score) for d in fw.dimensions for e in d.elements}


@pytest.fixture
def member(app, users, auth):
    load_reference()
    assess(users["member"], lambda i: 2)
    for address in COLLEAGUES:
        make_user(email=address)
    auth.login(users["member"].email)
    return users["member"]


def _send(client, auth, path, address, answers, then=None):
    """``address`` signs in, answers at ``path`` and signs out; ``then`` signs back in."""
    auth.logout()
    auth.login(address)
    response = client.post(path, data=answers)
    auth.logout()
    if then is not None:
        auth.login(then.email)
    return response


def _invite(client, mailbox, addresses=COLLEAGUES):
    response = client.post("/me/feedback", data={"emails": "\n".join(addresses)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return {a: _path(mailbox.last_link(a)) for a in addresses}


@pytest.mark.parametrize(("emails", "message"), [
    ("", "Enter at least three email addresses"),
    ("ann@example.org\nbob@example.org", "Please invite at least 3 people"),
    ("ann@example.org\nnot an email\ncat@example.org", "don&#39;t look like email addresses"),
    ("ann@example.org\nbob@example.org\nmember@example.org", "not yourself"),
])
def test_invitation_validation(client, member, mailbox, emails, message):
    response = client.post("/me/feedback", data={"emails": emails})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRater.id))) == 0


def test_invitations_are_emailed_with_private_links(client, member, mailbox):
    links = _invite(client, mailbox)
    assert len(set(links.values())) == 4
    stored = db.session.scalars(sa.select(FeedbackRater.token_hash)).all()
    for path in links.values():
        assert path.rsplit("/", 1)[1] not in stored  # only a hash of the token is kept
    body = mailbox.to("ann@example.org")[-1].get_payload(decode=True).decode()
    assert "Mina Member" in body and "at least three" in body
    # The colleague learns up front that they will sign in, and with which address.
    assert "sign in with this email address (ann@example.org)" in body


@pytest.mark.parametrize("name", [
    "Mina\nMember", "Mina\r\nBcc: everyone@example.org", "Mina\x00Member", "Mina\u2028Member",
    "Mina\u202eMember", "Mina\x85Member",
])
def test_invitations_go_whatever_the_stored_display_name_holds(client, member, mailbox, name,
                                                               backend):
    """Names are cleaned when typed, but older rows may hold anything: the email must still go."""
    if backend == "postgres":
        name = name.replace("\x00", "\x01")  # PostgreSQL cannot store a NUL; SQLite can
    member.display_name = name
    db.session.commit()
    links = _invite(client, mailbox, COLLEAGUES[:3])
    assert len(links) == 3
    for address in COLLEAGUES[:3]:
        (message,) = mailbox.to(address)
        assert message["Bcc"] is None and "\n" not in message["Subject"]
        assert message["Subject"].startswith("Mina ") and \
            message["Subject"].endswith(" would value your feedback")
    html = client.get("/me/feedback").get_data(as_text=True)
    assert "0 of 3 colleagues have answered" in html


def test_a_colleague_signs_in_with_the_invited_address_and_can_save_and_return(
        client, member, mailbox, auth):
    links = _invite(client, mailbox)
    path = links["ann@example.org"]
    auth.logout()
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Feedback for Mina Member" in html
    assert "Please sign in first" in html and 'name="PQ1"' not in html
    # Signing in (or up) from the page brings them back to the form.
    login = re.search(r'href="(/account/login\?next=[^"]+)"', html).group(1)
    assert re.search(r'href="/account/signup\?next=[^"]+"', html)
    response = client.post(login.replace("&amp;", "&"),
                           data={"email": "ann@example.org", "password": "correct horse battery"})
    assert response.status_code == 302 and response.headers["Location"] == path
    assert 'name="PQ1"' in client.get(path).get_data(as_text=True)
    partial = {"PQ1": "4", "PQ2": "3", "save": "1"}
    assert client.post(path, data=partial).status_code == 302
    html = client.get(path).get_data(as_text=True)
    assert 'checked id="PQ1-3"' in html and 'checked id="PQ2-2"' in html
    # Sending with gaps keeps the answers and says what's missing.
    client.post(path, data={"PQ3": "1", "send": "1"})
    rater = db.session.execute(sa.select(FeedbackRater).where(
        FeedbackRater.email == "ann@example.org")).scalar_one()
    assert rater.submitted_at is None and len(rater.scores) == 3
    response = client.post(path, data=_answers(3) | {"send": "1"})
    assert "Thank you" in response.get_data(as_text=True)
    db.session.refresh(rater)
    assert rater.submitted_at is not None
    # Once sent, the link shows thanks and changes nothing.
    client.post(path, data=_answers(1) | {"send": "1"})
    assert {s.score for s in db.session.scalars(sa.select(FeedbackScore)
                                                .where(FeedbackScore.rater_id == rater.id))} == {3}


def _nothing_saved() -> None:
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackScore)) == 0
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRater.id))
                             .where(FeedbackRater.rater_user_id.is_not(None))) == 0


def test_the_requester_cannot_answer_their_own_request(client, member, mailbox):
    links = _invite(client, mailbox)
    for path in links.values():
        page = client.get(path)
        assert page.status_code == 403
        assert "your own request" in page.get_data(as_text=True)
        assert client.post(path, data=_answers(4) | {"send": "1"}).status_code == 403
    _nothing_saved()


def test_only_the_invited_address_can_answer(client, member, mailbox, auth, users):
    links = _invite(client, mailbox)
    auth.logout()
    auth.login(users["other_member"].email)  # a real, confirmed account, but not invited
    path = links["ann@example.org"]
    page = client.get(path)
    assert page.status_code == 403 and "a different email address" in page.get_data(as_text=True)
    assert client.post(path, data=_answers(4) | {"send": "1"}).status_code == 403
    _nothing_saved()


def test_an_unconfirmed_account_cannot_answer_yet(client, member, mailbox, auth):
    links = _invite(client, mailbox, COLLEAGUES[:2] + ["new@example.org"])
    make_user(email="new@example.org", verified=False)
    auth.logout()
    auth.login("new@example.org")
    path = links["new@example.org"]
    page = client.get(path)
    assert page.status_code == 403
    assert "confirm your email address first" in page.get_data(as_text=True)
    assert client.post(path, data=_answers(4) | {"send": "1"}).status_code == 403
    _nothing_saved()


def test_one_answer_per_account_per_request(client, member, mailbox, auth):
    """An account that answered, then moved to another invited address, cannot answer again."""
    from netapp.models import User

    links = _invite(client, mailbox)
    _send(client, auth, links["ann@example.org"], "ann@example.org", _answers(4) | {"send": "1"})
    ann = db.session.execute(sa.select(User).where(User.email == "ann@example.org")).scalar_one()
    db.session.execute(sa.delete(User).where(User.email == "bob@example.org"))
    ann.email = "bob@example.org"
    db.session.commit()
    auth.login("bob@example.org")
    page = client.get(links["bob@example.org"])
    assert page.status_code == 403 and "already answered" in page.get_data(as_text=True)
    assert client.post(links["bob@example.org"],
                       data=_answers(1) | {"send": "1"}).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRater.id))
                             .where(FeedbackRater.submitted_at.is_not(None))) == 1


def test_unknown_token_is_not_found(client, member):
    assert client.get("/feedback/not-a-real-token").status_code == 404


ROW = '<tr><th scope="row">Demonstrating personal qualities</th><td>2.0</td><td>{}</td></tr>'


def test_results_only_after_three_raters_and_never_per_person(client, member, mailbox, auth):
    links = _invite(client, mailbox)
    for address, score in zip(COLLEAGUES[:2], (4, 3), strict=True):
        _send(client, auth, links[address], address, _answers(score) | {"send": "1"}, member)
    html = client.get("/me/feedback").get_data(as_text=True)
    assert "2 of 4 colleagues have answered" in html and "1 more to go" in html
    assert client.get("/me/feedback/results").status_code == 302
    _send(client, auth, links[COLLEAGUES[2]], COLLEAGUES[2], _answers(2) | {"send": "1"}, member)
    html = client.get("/me/feedback/results").get_data(as_text=True)
    assert "3 colleagues answered" in html
    # Self 2; colleagues 4, 3 and 2 on every element: per area, rounded to the half point.
    assert ROW.format("3.0") in html
    assert "radar-feedback-title" in html
    # Nothing per statement, and nothing about who answered.
    assert "PQ1" not in html and "Developing self awareness" not in html
    for address in COLLEAGUES:
        assert address not in html


@pytest.mark.parametrize("role", ["mentor", "coordinator", "admin"])
def test_nobody_else_sees_a_members_results(client, member, mailbox, auth, users, role):
    links = _invite(client, mailbox)
    for address in COLLEAGUES[:3]:
        _send(client, auth, links[address], address, _answers(4) | {"send": "1"})
    auth.login(users[role].email)
    response = client.get("/me/feedback/results")
    assert response.status_code == 302  # their own (empty) results, never the member's
    assert "Mina" not in client.get("/me/feedback").get_data(as_text=True)


def test_feedback_pages_need_an_account(client, app, users):
    load_reference()
    for path in ("/me/feedback", "/me/feedback/results"):
        response = client.get(path)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_new_request_keeps_earlier_results(client, member, mailbox, auth):
    links = _invite(client, mailbox)
    response = client.post("/me/feedback/new")
    assert "needs 3 answers before you start a new one" in \
        client.get("/me/feedback").get_data(as_text=True)
    for address in COLLEAGUES[:3]:
        _send(client, auth, links[address], address, _answers(4) | {"send": "1"})
    auth.login(member.email)
    assert response.status_code == 302
    client.post("/me/feedback/new")
    html = client.get("/me/feedback").get_data(as_text=True)
    assert "Earlier requests" in html
    first_round = db.session.scalars(sa.select(FeedbackRater.round_id)).first()
    old = client.get(f"/me/feedback/results/{first_round}").get_data(as_text=True)
    assert ROW.format("4.0") in old
    # The new round starts empty: no results yet, and it needs three new invitations.
    assert client.get("/me/feedback/results").status_code == 302
    _invite(client, mailbox, ["eve@example.org", "fay@example.org", "gus@example.org"])


def test_someone_elses_round_is_not_found(client, member, mailbox, auth, users):
    _invite(client, mailbox)
    round_id = db.session.scalars(sa.select(FeedbackRater.round_id)).first()
    auth.logout()
    auth.login(users["coordinator"].email)
    assert client.get(f"/me/feedback/results/{round_id}").status_code == 404


def test_answers_join_three_at_a_time(client, member, mailbox, auth):
    """At 3 answers the results appear; the 4th and 5th wait; at 6 all six count.

    Comparing results before and after one more answer must never reveal that answer.
    """
    six = [f"colleague{i}@example.org" for i in range(6)]
    for address in six:
        make_user(email=address)
    links = _invite(client, mailbox, six)

    def answer(address, score):
        _send(client, auth, links[address], address, _answers(score) | {"send": "1"}, member)
        return client.get("/me/feedback/results").get_data(as_text=True)

    for address in six[:3]:
        html = answer(address, 4)
    assert ROW.format("4.0") in html
    html = answer(six[3], 1)  # a 4th, very different answer
    assert ROW.format("4.0") in html and "include 3 of the 4 answers" in html
    html = answer(six[4], 1)
    assert ROW.format("4.0") in html and "include 3 of the 5 answers" in html
    html = answer(six[5], 1)  # a whole second group of three: now all six count
    assert ROW.format("2.5") in html and "of the 6 answers" not in html


def test_sending_with_gaps_lists_every_gap_and_marks_each_one(client, member, mailbox, auth):
    links = _invite(client, mailbox)
    auth.logout()
    auth.login("ann@example.org")
    path = links["ann@example.org"]
    answers = _answers(3)
    gaps = ["PQ2", "WO4", "DS1"]
    for code in gaps:
        del answers[code]
    response = client.post(path, data=answers | {"send": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "3 statements still need an answer" in html
    names = {e.code: e.name for d in lqf.framework().dimensions for e in d.elements}
    for code in gaps:
        # Linked from the summary at the top, and marked beside the statement itself.
        assert f'<a href="#{code}">{names[code]}</a>' in html
        assert f'id="{code}-error"' in html
    assert html.count('class="error-message"') == len(gaps)
    # What was chosen is kept, on the page and in the database.
    assert 'checked id="PQ1-2"' in html
    rater = db.session.execute(sa.select(FeedbackRater).where(
        FeedbackRater.email == "ann@example.org")).scalar_one()
    assert rater.submitted_at is None and len(rater.scores) == 28 - len(gaps)


def _answers_unseen(score: int, unseen: set[str]) -> dict:
    return {code: "unseen" if code in unseen else value
            for code, value in _answers(score).items()}


def test_havent_seen_this_is_an_answer_that_counts_nowhere(client, member, mailbox, auth):
    six = [f"colleague{i}@example.org" for i in range(6)]
    for address in six:
        make_user(email=address)
    links = _invite(client, mailbox, six)
    pq = ROW

    def answer(address, score, unseen=frozenset()):
        _send(client, auth, links[address], address,
              _answers_unseen(score, unseen) | {"send": "1"}, member)
        return client.get("/me/feedback/results").get_data(as_text=True)

    answer(six[0], 4)
    answer(six[1], 4)
    html = answer(six[2], 1, {"PQ1"})  # sent, with one statement not seen
    rater = db.session.execute(sa.select(FeedbackRater).where(
        FeedbackRater.email == six[2])).scalar_one()
    assert rater.submitted_at is not None
    assert [s.score for s in rater.scores if s.score is None] == [None]
    # Only two colleagues rated all of that area: it shows a dash, never two people's figure.
    assert pq.format("–") in html and "haven't seen it" in html
    # Other areas count all three.
    assert ('<tr><th scope="row">Working with others</th><td>2.0</td><td>3.0</td></tr>'
            in html)
    html = answer(six[3], 1)
    assert pq.format("3.0") in html  # 4, 4 and 1: a third full answer to this area
    # Two more who haven't seen it and one who has: comparing the page before and after must
    # not show that one person's answer, so the area waits for a whole second group of three.
    answer(six[4], 1, {"PQ2"})
    html = answer(six[5], 1, {"PQ3"})
    assert pq.format("3.0") in html


def test_comments_show_only_with_the_results_and_in_alphabetical_order(client, member, mailbox,
                                                                       auth):
    links = _invite(client, mailbox)
    words = {"ann@example.org": "Zoe says: always calm.", "bob@example.org": "A great listener.",
             "cat@example.org": ""}
    for address, comment in list(words.items())[:2]:
        _send(client, auth, links[address], address,
              _answers(3) | {"comment": comment, "send": "1"}, member)
    assert "great listener" not in client.get("/me/feedback").get_data(as_text=True)
    _send(client, auth, links["cat@example.org"], "cat@example.org",
          _answers(3) | {"send": "1"}, member)
    html = client.get("/me/feedback/results").get_data(as_text=True)
    assert html.index("A great listener.") < html.index("Zoe says: always calm.")
    assert html.count("<blockquote>") == 2


def test_a_long_comment_is_refused_and_kept(client, member, mailbox, auth):
    links = _invite(client, mailbox)
    auth.logout()
    auth.login("ann@example.org")
    response = client.post(links["ann@example.org"],
                           data=_answers(3) | {"comment": "x" * 1001, "send": "1"})
    assert response.status_code == 400
    assert "under 1000 characters" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackScore)) == 0


def test_a_closed_request_says_so(client, member, mailbox, auth):
    """The requester erased their account: the colleague's link says the request has closed."""
    from netapp.services import privacy

    links = _invite(client, mailbox)
    privacy.erase(member)
    auth.logout()
    auth.login("ann@example.org")
    response = client.get(links["ann@example.org"])
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "This request for feedback has closed" in html


@pytest.mark.parametrize("typed", [
    "ann@example.org; bob@example.org; cat@example.org",
    "ann@example.org, bob@example.org,cat@example.org",
    "ann@example.org bob@example.org\tcat@example.org",
    "Ann Able <ann@example.org>; \"Bob, B.\" <bob@example.org>\r\ncat@example.org;",
])
def test_invitations_take_lists_as_mail_programs_copy_them(client, member, mailbox, typed):
    response = client.post("/me/feedback", data={"emails": typed})
    assert response.status_code == 302
    assert sorted(db.session.scalars(sa.select(FeedbackRater.email))) == COLLEAGUES[:3]


def test_every_bad_address_is_named(client, member, mailbox):
    response = client.post("/me/feedback", data={
        "emails": "ann@example.org; not-an-email; bob@example.org; also wrong@; cat@example.org"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "These 3 don&#39;t look like email addresses" in html
    for bad in ("not-an-email", "also", "wrong@"):
        assert f"“{bad}”" in html
    assert db.session.scalar(sa.select(sa.func.count(FeedbackRater.id))) == 0


def test_a_huge_entry_is_refused_without_being_echoed(client, member, mailbox):
    huge = "x" * 5000
    response = client.post("/me/feedback", data={"emails": huge})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "more than we can take in one go" in html
    assert html.count(huge) == 1  # kept in the box to fix, never repeated in a message
    # Long, but under the cap: named back shortened.
    response = client.post("/me/feedback", data={
        "emails": "ann@example.org\nbob@example.org\n" + "y" * 900})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "“" + "y" * 59 + "…”" in html


def test_names_in_a_pasted_list_are_not_taken_for_addresses(client, member, mailbox):
    response = client.post("/me/feedback", data={
        "emails": "Able, Ann <ann@example.org>; Bob Best <bob@example.org>; cat@example.org"})
    assert response.status_code == 302
    assert sorted(db.session.scalars(sa.select(FeedbackRater.email))) == COLLEAGUES[:3]


def test_my_page_reads_the_rounds_once_with_the_same_results(client, member, mailbox, auth):
    # The page's one read of the rounds gives what the three reads gave: the current round,
    # its results and the finished rounds before it, newest first.
    assert feedback.my_page(member) == (None, None, [])
    for round_ in range(3):
        links = _invite(client, mailbox)
        for address in COLLEAGUES[:3 + round_ % 2]:
            _send(client, auth, links[address], address,
                  _answers(1 + round_) | {"send": "1"}, then=member)
        assert client.post("/me/feedback/new").status_code == 302
    _invite(client, mailbox)
    db.session.expire_all()
    current, results, earlier = feedback.my_page(member)
    assert (current, results) == (feedback.current_round(member), feedback.results(member))
    assert earlier == feedback.earlier_rounds(member) and len(earlier) == 3
    assert [r.bands is not None for r in earlier] == [True] * 3 and results.answered == 0


def test_my_page_runs_the_same_statements_however_many_rounds_have_results(
        client, member, mailbox, auth):
    from tests.statements import count_statements

    def finish_a_round(score: int) -> None:
        links = _invite(client, mailbox)
        for address in COLLEAGUES[:3]:
            _send(client, auth, links[address], address,
                  _answers(score) | {"send": "1"}, then=member)
        assert client.post("/me/feedback/new").status_code == 302

    finish_a_round(2)
    one = count_statements(client, "/me/feedback")
    for score in (1, 3, 4):
        finish_a_round(score)
    page = client.get("/me/feedback").get_data(as_text=True)
    assert count_statements(client, "/me/feedback") == one
    # The four finished rounds are all there, each with its own colleagues' figures.
    assert len(feedback.my_page(member)[2]) == 4
    assert page.count("/me/feedback/results/") >= 4

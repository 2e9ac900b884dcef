"""360-degree feedback: token links without accounts, save and return, and the three-rater rule."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import FeedbackRater, FeedbackScore
from netapp.services import lqf
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
    auth.login(users["member"].email)
    return users["member"]


def _invite(client, mailbox, addresses=COLLEAGUES):
    response = client.post("/me/feedback", data={"emails": "\n".join(addresses)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return {a: _path(mailbox.last_link(a)) for a in addresses}


@pytest.mark.parametrize(("emails", "message"), [
    ("", "Enter at least three email addresses"),
    ("ann@example.org\nbob@example.org", "Please invite at least 3 people"),
    ("ann@example.org\nnot an email\ncat@example.org", "doesn&#39;t look like an email address"),
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


def test_rater_needs_no_account_and_can_save_and_return(client, member, mailbox, auth):
    links = _invite(client, mailbox)
    auth.logout()
    page = client.get(links["ann@example.org"])
    assert page.status_code == 200 and "Feedback for Mina Member" in page.get_data(as_text=True)
    partial = {"PQ1": "4", "PQ2": "3", "save": "1"}
    assert client.post(links["ann@example.org"], data=partial).status_code == 302
    html = client.get(links["ann@example.org"]).get_data(as_text=True)
    assert 'checked id="PQ1-3"' in html and 'checked id="PQ2-2"' in html
    # Sending with gaps keeps the answers and says what's missing.
    client.post(links["ann@example.org"], data={"PQ3": "1", "send": "1"})
    rater = db.session.execute(sa.select(FeedbackRater).where(
        FeedbackRater.email == "ann@example.org")).scalar_one()
    assert rater.submitted_at is None and len(rater.scores) == 3
    response = client.post(links["ann@example.org"], data=_answers(3) | {"send": "1"})
    assert "Thank you" in response.get_data(as_text=True)
    db.session.refresh(rater)
    assert rater.submitted_at is not None
    # Once sent, the link shows thanks and changes nothing.
    client.post(links["ann@example.org"], data=_answers(1) | {"send": "1"})
    assert {s.score for s in db.session.scalars(sa.select(FeedbackScore)
                                                .where(FeedbackScore.rater_id == rater.id))} == {3}


def test_unknown_token_is_not_found(client, member):
    assert client.get("/feedback/not-a-real-token").status_code == 404


def test_results_only_after_three_raters_and_never_per_person(client, member, mailbox, auth):
    links = _invite(client, mailbox)
    auth.logout()
    for address, score in zip(COLLEAGUES[:2], (4, 3), strict=True):
        client.post(links[address], data=_answers(score) | {"send": "1"})
    auth.login(member.email)
    html = client.get("/me/feedback").get_data(as_text=True)
    assert "2 of 4 colleagues have answered" in html and "1 more to go" in html
    assert client.get("/me/feedback/results").status_code == 302
    auth.logout()
    client.post(links[COLLEAGUES[2]], data=_answers(2) | {"send": "1"})
    auth.login(member.email)
    html = client.get("/me/feedback/results").get_data(as_text=True)
    assert "3 colleagues answered" in html
    # Self 2, others average (4+3+2)/3 = 3.0, side by side.
    assert '<th scope="row">PQ1 Developing self awareness</th><td>2</td><td>3.0</td>' in html
    assert "radar-feedback-title" in html
    for address in COLLEAGUES:
        assert address not in html  # results never say who answered


@pytest.mark.parametrize("role", ["member", "mentor", "coordinator", "admin"])
def test_nobody_else_sees_a_members_results(client, member, mailbox, auth, users, role):
    links = _invite(client, mailbox)
    auth.logout()
    for address in COLLEAGUES[:3]:
        client.post(links[address], data=_answers(4) | {"send": "1"})
    if role == "member":
        return  # covered above
    auth.login(users[role].email)
    response = client.get("/me/feedback/results")
    assert response.status_code == 302  # their own (empty) results, never the member's
    assert "Mina" not in client.get("/me/feedback").get_data(as_text=True)


def test_feedback_pages_need_an_account_but_rater_links_do_not(client, app, users):
    load_reference()
    for path in ("/me/feedback", "/me/feedback/results"):
        response = client.get(path)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_a_new_request_keeps_earlier_results(client, member, mailbox, auth):
    links = _invite(client, mailbox)
    response = client.post("/me/feedback/new")
    assert "needs 3 answers before you start a new one" in \
        client.get("/me/feedback").get_data(as_text=True)
    auth.logout()
    for address in COLLEAGUES[:3]:
        client.post(links[address], data=_answers(4) | {"send": "1"})
    auth.login(member.email)
    assert response.status_code == 302
    client.post("/me/feedback/new")
    html = client.get("/me/feedback").get_data(as_text=True)
    assert "Earlier requests" in html
    first_round = db.session.scalars(sa.select(FeedbackRater.round_id)).first()
    old = client.get(f"/me/feedback/results/{first_round}").get_data(as_text=True)
    assert '<td>2</td><td>4.0</td>' in old
    # The new round starts empty: no results yet, and it needs three new invitations.
    assert client.get("/me/feedback/results").status_code == 302
    _invite(client, mailbox, ["eve@example.org", "fay@example.org", "gus@example.org"])


def test_someone_elses_round_is_not_found(client, member, mailbox, auth, users):
    _invite(client, mailbox)
    round_id = db.session.scalars(sa.select(FeedbackRater.round_id)).first()
    auth.logout()
    auth.login(users["coordinator"].email)
    assert client.get(f"/me/feedback/results/{round_id}").status_code == 404


def test_a_single_new_answer_never_changes_the_averages(client, member, mailbox, auth):
    """Comparing results before and after one more answer must not reveal that answer."""
    six = [f"colleague{i}@example.org" for i in range(6)]
    links = _invite(client, mailbox, six)
    row = '<th scope="row">PQ1 Developing self awareness</th><td>2</td><td>{}</td>'

    def answer(address, score):
        auth.logout()
        client.post(links[address], data=_answers(score) | {"send": "1"})
        auth.login(member.email)
        return client.get("/me/feedback/results").get_data(as_text=True)

    for address, score in zip(six[:3], (4, 4, 4), strict=True):
        html = answer(address, score)
    assert row.format("4.0") in html
    html = answer(six[3], 1)  # a 4th, very different answer
    assert row.format("4.0") in html and "include 3 of the 4 answers" in html
    html = answer(six[4], 1)
    assert row.format("4.0") in html and "include 3 of the 5 answers" in html
    html = answer(six[5], 1)  # a whole second group of three: now all six count
    assert row.format("2.5") in html and "of the 6 answers" not in html

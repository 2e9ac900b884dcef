"""The values-based recruitment kit: questions per element, a scoring sheet, a download, and
questions that admins keep."""
import csv
import io
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from matching.lqf import ELEMENT_CODES
from netapp.data.recruitment import QUESTIONS
from netapp.extensions import db
from netapp.models import AuditEntry, Element, RecruitmentQuestion
from netapp.services import recruitment
from netapp.services.reference import ensure_reference_data
from tests.profile_helpers import load_reference
from tests.statements import count_statements


@pytest.fixture
def elements(app, users):
    load_reference()
    return {e.code: e for e in db.session.scalars(sa.select(Element))}


def _kit(role: str, *codes: str, csv_file: bool = False) -> str:
    path = "/me/recruitment/kit.csv" if csv_file else "/me/recruitment/kit"
    return path + "?" + urlencode([("role", role), *(("elements", c) for c in codes)])


def _questions(code: str) -> list[RecruitmentQuestion]:
    return list(db.session.scalars(
        sa.select(RecruitmentQuestion).join(Element).where(Element.code == code)
        .order_by(RecruitmentQuestion.position)))


def test_every_element_has_at_least_two_distinct_questions_with_good_answers(elements):
    assert set(QUESTIONS) == set(ELEMENT_CODES)
    texts = set()
    for code in ELEMENT_CODES:
        rows = _questions(code)
        assert len(rows) >= 2, code
        for q in rows:
            assert q.active and q.good_answer and q.question[-1] in "?.", (code, q.question)
            texts.add(q.question)
    assert len(texts) == sum(len(v) for v in QUESTIONS.values())  # no question used twice


def test_seeding_again_never_overwrites_what_admins_changed(elements):
    first = _questions("PQ4")[0]
    first.question = "Our own question?"
    db.session.delete(_questions("MS3")[1])
    db.session.commit()
    assert ensure_reference_data() == 0
    assert _questions("PQ4")[0].question == "Our own question?"
    assert len(_questions("MS3")) == 1


def test_a_member_builds_a_pack_for_a_role_and_the_elements_they_chose(client, auth, users,
                                                                      elements):
    auth.login(users["member"].email)
    form = client.get("/me/recruitment").get_data(as_text=True)
    assert form.count("<fieldset") == 7 and form.count('name="elements"') == 28
    html = client.get(_kit("Senior care worker", "PQ4", "MS3")).get_data(as_text=True)
    assert "Interview pack: Senior care worker" in html
    for code in ("PQ4", "MS3"):
        for q in _questions(code):
            assert q.question.replace("'", "&#39;") in html
            assert q.good_answer.replace("'", "&#39;") in html
    for q in _questions("IS1"):
        assert q.question.replace("'", "&#39;") not in html
    assert html.index("PQ4 Acting with integrity") < html.index("MS3 Managing people")
    assert html.count('class="kit-score"') == 4 and "Notes" in html
    assert "out of 16" in html  # four questions scored 1 to 4
    assert 'href="/me/recruitment/kit.csv?role=Senior+care+worker&amp;elements=PQ4&amp;' \
           'elements=MS3"' in html


def test_a_member_finds_the_kit_from_their_profile(client, auth, users, elements):
    auth.login(users["member"].email)
    assert 'href="/me/recruitment"' in client.get("/me").get_data(as_text=True)


def test_a_pack_can_be_changed_without_ticking_everything_again(client, auth, users, elements):
    auth.login(users["member"].email)
    html = client.get(_kit("Deputy manager", "WO2", "SD3")).get_data(as_text=True)
    change = '/me/recruitment?role=Deputy+manager&amp;elements=WO2&amp;elements=SD3'
    assert f'href="{change}"' in html
    form = client.get(change.replace("&amp;", "&"))
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and 'value="Deputy manager"' in page
    assert page.count("<input checked") == 2 and "error-summary" not in page
    for code in ("WO2", "SD3"):
        assert f'<input checked id="elements-{ELEMENT_CODES.index(code)}" ' in page


@pytest.mark.parametrize(("query", "message"), [
    ([("elements", "PQ1"), ("elements", "WO2")], "Say which role you are recruiting for"),
    ([("role", "Deputy manager")], "Choose at least one area"),
    ([("role", "Deputy manager"), *(("elements", c) for c in ELEMENT_CODES[:7])],
     "Choose up to 6 areas: you chose 7"),
    ([("role", "Deputy manager"), ("elements", "XX9")], "Choose from the options shown"),
    ([("role", "x" * 121), ("elements", "PQ1")], "under 120 characters"),
])
def test_bad_choices_say_what_to_fix_and_keep_what_was_typed(client, auth, users, elements,
                                                            query, message):
    auth.login(users["member"].email)
    for path in ("/me/recruitment/kit", "/me/recruitment/kit.csv"):
        response = client.get(path + "?" + urlencode(query))
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and message in html
        for name, value in query:
            if name == "role":
                assert f'value="{value}"' in html
            elif value in ELEMENT_CODES:  # the ticks stay ticked, and only those
                assert f'<input checked id="elements-{ELEMENT_CODES.index(value)}" ' \
                       f'name="elements" type="checkbox" value="{value}">' in html
        ticked = [v for n, v in query if n == "elements" and v in ELEMENT_CODES]
        assert html.count("<input checked") == len(ticked)


def test_the_download_is_a_scoring_sheet_a_spreadsheet_reads_safely(client, auth, users,
                                                                   elements):
    auth.login(users["member"].email)
    response = client.get(_kit("=HYPERLINK(\"x\")", "SD3", csv_file=True))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["Question"] for r in rows] == [q.question for q in _questions("SD3")]
    assert {r["Element"] for r in rows} == {"SD3 Making decisions"}
    assert all(r["Role"] == "'=HYPERLINK(\"x\")" for r in rows)  # text, never a formula
    assert all(r["Score (1-4)"] == "" and r["Notes"] == "" for r in rows)


@pytest.mark.parametrize("role", [None, "member", "mentor", "coordinator"],
                         ids=lambda r: r or "anonymous")
def test_only_admins_edit_the_questions(client, auth, users, elements, role):
    question = _questions("PQ1")[0]
    auth.as_role(users, role)
    for method, path in (("GET", "/admin/recruitment"),
                         ("POST", f"/admin/recruitment/{question.id}")):
        response = client.open(path, method=method, data={"question": "Changed?"})
        assert response.status_code == (302 if role is None else 403)
    db.session.refresh(question)
    assert question.question != "Changed?"


def test_an_admin_adds_edits_and_retires_a_question_and_the_kit_follows(client, auth, users,
                                                                       elements):
    auth.login(users["admin"].email)
    element = elements["WO3"]
    bad = client.post("/admin/recruitment", data={"element_id": element.id,
                                                  "question": "Who decides?", "position": "x"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Who decides?" in html
    assert "Say what a good answer shows" in html and "Enter a whole number" in html
    client.post("/admin/recruitment", data={
        "element_id": element.id, "question": "Tell me how you asked a family what they wanted?",
        "good_answer": "Listens and acts on it.", "position": "3", "active": "y"})
    added = _questions("WO3")[-1]
    assert added.question.startswith("Tell me how you asked a family")
    auth.logout()
    auth.login(users["member"].email)
    assert "Tell me how you asked a family" in client.get(_kit("Carer", "WO3")).get_data(
        as_text=True)
    auth.logout()
    auth.login(users["admin"].email)
    response = client.post(f"/admin/recruitment/{added.id}", data={
        "element_id": element.id, "question": added.question, "good_answer": "Listens.",
        "position": "3"})  # "active" unticked
    assert response.status_code == 302
    auth.logout()
    auth.login(users["member"].email)
    kit = client.get(_kit("Carer", "WO3")).get_data(as_text=True)
    assert "Tell me how you asked a family" not in kit
    assert _questions("WO3")[0].question.replace("'", "&#39;") in kit
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("recruitment_question.")] == [
        "recruitment_question.added", "recruitment_question.changed"]


def test_the_kit_pages_run_the_same_statements_whatever_is_chosen(client, auth, users,
                                                                elements):
    auth.login(users["member"].email)
    client.get(_kit("Carer", "PQ1"))  # warm-up: what a serving process has cached
    small = count_statements(client, _kit("Carer", "PQ1"))
    for code in ELEMENT_CODES[:6]:
        for n in range(5):
            db.session.add(RecruitmentQuestion(element_id=elements[code].id,
                                               question=f"Extra {code} {n}?", good_answer="ok",
                                               position=10 + n))
    db.session.commit()
    big = _kit("Carer", *ELEMENT_CODES[:6])
    assert "Extra WO2 4?" in client.get(big).get_data(as_text=True)
    assert count_statements(client, big) == small
    assert count_statements(client, _kit("Carer", "PQ1", csv_file=True)) == \
        count_statements(client, _kit("Carer", *ELEMENT_CODES[:6], csv_file=True))
    auth.logout()
    auth.login(users["admin"].email)
    few = count_statements(client, "/admin/recruitment")
    recruitment.ensure_questions()
    db.session.add(RecruitmentQuestion(element_id=elements["DS4"].id, question="More?",
                                       good_answer="ok", position=9))
    db.session.commit()
    assert count_statements(client, "/admin/recruitment") == few

"""Learning resources: admins keep the list; members get suggestions from their weakest elements."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import AuditEntry, Element, Resource, ResourceDone
from tests.profile_helpers import assess, give_profile, load_reference

ROLES = [None, "member", "mentor", "coordinator", "admin"]


@pytest.fixture
def elements(app, users):
    load_reference()
    return {e.code: e for e in db.session.scalars(sa.select(Element))}


def _add(elements, code, title):
    resource = Resource(element_id=elements[code].id, title=title,
                        url="https://example.org/" + code, summary="")
    db.session.add(resource)
    db.session.commit()
    return resource


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_only_admins_manage_resources(client, auth, users, elements, role):
    resource = _add(elements, "MS1", "Planning basics")
    auth.as_role(users, role)
    for method, path in (("GET", "/admin/resources"),
                         ("GET", f"/admin/resources/{resource.id}"),
                         ("POST", f"/admin/resources/{resource.id}/delete")):
        response = client.open(path, method=method)
        if role is None:
            assert response.status_code == 302 and "/account/login" in response.headers["Location"]
        elif role == "admin":
            assert response.status_code in (200, 302)
        else:
            assert response.status_code == 403
    assert db.session.get(Resource, resource.id) is not None  # no confirmation, no delete


def test_admin_adds_edits_and_deletes_with_confirmation(client, auth, users, elements):
    auth.login(users["admin"].email)
    bad = client.post("/admin/resources", data={"element_id": elements["PQ1"].id,
                                                  "title": "Know yourself", "url": "example.org"})
    assert bad.status_code == 400 and "starting https://" in bad.get_data(as_text=True)
    assert 'value="Know yourself"' in bad.get_data(as_text=True)
    client.post("/admin/resources", data={"element_id": elements["PQ1"].id,
                                            "title": "Know yourself", "url": "https://example.org/a"})
    resource = db.session.execute(sa.select(Resource)).scalar_one()
    client.post(f"/admin/resources/{resource.id}", data={
        "element_id": elements["PQ2"].id, "title": "Manage yourself", "url": "https://example.org/b"})
    db.session.refresh(resource)
    assert resource.title == "Manage yourself" and resource.element_id == elements["PQ2"].id
    client.post(f"/admin/resources/{resource.id}/delete")
    assert db.session.get(Resource, resource.id) is not None
    client.post(f"/admin/resources/{resource.id}/delete", data={"confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Resource, resource.id) is None
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["resource.added", "resource.changed", "resource.deleted"]


def _suggested(client) -> str:
    html = client.get("/me/resources").get_data(as_text=True)
    return html[html.index("Suggested for you"):html.index("Everything, by area")]


def _scores(elements, low: dict[str, int], rest: int = 4):
    codes = [e.code for e in sorted(elements.values(), key=lambda e: e.id)]
    return lambda i: low.get(codes[i], rest)


def test_suggestions_come_from_gaps_that_matter_for_the_members_level(client, auth, users,
                                                                     elements):
    _add(elements, "SD3", "Making good decisions")
    _add(elements, "PQ1", "Self awareness")
    _add(elements, "CV1", "Shaping a vision")
    give_profile(users["member"], level=3, needs=())
    # IS2 has no resource; CV1 is a senior element an operational leader was told to rate 1.
    assess(users["member"], _scores(elements, {"SD3": 1, "IS2": 1, "CV1": 1}))
    auth.login(users["member"].email)
    suggested = _suggested(client)
    assert "Making good decisions" in suggested
    assert "You rated yourself 1 of 4 here" in suggested
    assert "Critically evaluating" not in suggested  # nothing to offer: not suggested
    assert "Shaping a vision" not in suggested and "Self awareness" not in suggested
    assert "have resources for this one yet" not in suggested
    # A strategic leader is asked about the senior elements, so they count.
    give_profile(users["member"], level=4, needs=())
    assert "Shaping a vision" in _suggested(client)


def test_the_help_asked_for_comes_first_with_its_reason(client, auth, users, elements):
    _add(elements, "IS1", "Keeping people safe")
    _add(elements, "SD3", "Making good decisions")
    give_profile(users["member"], level=3, needs=("cqc_inspection",))
    assess(users["member"], _scores(elements, {"IS1": 3, "SD3": 1}))
    auth.login(users["member"].email)
    suggested = _suggested(client)
    assert suggested.index("Keeping people safe") < suggested.index("Making good decisions")
    assert "You asked for help with “Getting ready for CQC inspection”, and rated yourself " \
           "3 of 4 here." in suggested


def test_needs_alone_give_suggestions_before_any_assessment(client, auth, users, elements):
    _add(elements, "PQ2", "Looking after yourself")
    give_profile(users["member"], level=2, needs=("wellbeing",))
    auth.login(users["member"].email)
    suggested = _suggested(client)
    assert "Looking after yourself" in suggested
    assert "You asked for help with “Wellbeing, yours and your team&#39;s”." in suggested or \
        "You asked for help with “Wellbeing, yours and your team's”." in suggested


def test_only_resources_for_the_members_level_are_suggested(client, auth, users, elements):
    senior = _add(elements, "MS3", "Board-level people strategy")
    senior.level_from = 4
    _add(elements, "MS3", "Supervising your team")
    db.session.commit()
    give_profile(users["member"], level=2, needs=())
    assess(users["member"], _scores(elements, {"MS3": 1}))
    auth.login(users["member"].email)
    suggested = _suggested(client)
    assert "Supervising your team" in suggested and "Board-level" not in suggested


def test_demo_resources_cover_the_framework_with_exact_pages(app):
    from urllib.parse import urlparse

    from matching.lqf import ELEMENTS
    from netapp.data.lqf import OTHER_TOPICS, SUPPORT_AREAS
    from netapp.data.resources import RESOURCES, TOPIC_ELEMENTS

    covered = {code for codes, *_ in RESOURCES for code in codes}
    # Every element has real pages; tests/test_learning_resources.py checks every level too.
    assert set(ELEMENTS) - covered == set()
    for codes, title, learn, time_needed, cost, low, high, url in RESOURCES:
        parts = urlparse(url)
        assert parts.scheme == "https" and parts.path.strip("/"), f"{title}: not a home page"
        assert learn and time_needed and cost and 1 <= low <= high <= 4
        assert set(codes) <= set(ELEMENTS)
    assert set(TOPIC_ELEMENTS) == {code for code, _ in SUPPORT_AREAS + OTHER_TOPICS}
    assert {c for codes in TOPIC_ELEMENTS.values() for c in codes} <= set(ELEMENTS)


def test_admin_keeps_time_cost_and_levels(client, auth, users, elements):
    auth.login(users["admin"].email)
    data = {"element_id": elements["PQ1"].id, "title": "Know yourself",
            "url": "https://example.org/a", "summary": "Your strengths", "time_needed": "1 hour",
            "cost": "Free", "level_from": "3", "level_to": "2"}
    bad = client.post("/admin/resources", data=data)
    assert bad.status_code == 400 and "same as or above" in bad.get_data(as_text=True)
    assert client.post("/admin/resources", data=data | {"level_to": "4"}).status_code == 302
    resource = db.session.execute(sa.select(Resource)).scalar_one()
    assert (resource.time_needed, resource.cost, resource.level_from, resource.level_to) == \
        ("1 hour", "Free", 3, 4)


def test_without_an_assessment_members_are_invited_to_take_one(client, auth, users, elements):
    auth.login(users["member"].email)
    html = client.get("/me/resources").get_data(as_text=True)
    assert "Suggested for you" not in html and "self-assessment" in html
    assert "tell us what you&#39;d like help with" in html or \
        "tell us what you'd like help with" in html


def test_one_page_is_suggested_once(client, auth, users, elements):
    for code in ("MS3", "MS4"):
        resource = _add(elements, code, "Effective supervision")
        resource.url = "https://example.org/supervision"
    _add(elements, "WO4", "Team working")
    db.session.commit()
    give_profile(users["member"], level=3, needs=())
    assess(users["member"], _scores(elements, {"MS3": 1, "MS4": 1, "WO4": 2}))
    auth.login(users["member"].email)
    suggested = _suggested(client)
    assert suggested.count(">Effective supervision</a>") == 1 and "Team working" in suggested


def test_the_resources_page_runs_the_same_statements_whatever_the_data(client, auth, users,
                                                                       elements):
    from tests.statements import count_statements

    give_profile(users["member"], level=3, needs=("cqc_inspection", "wellbeing"))
    assess(users["member"], _scores(elements, {"MS3": 1, "IS1": 2}))
    auth.login(users["member"].email)
    _add(elements, "MS3", "One")
    few = count_statements(client, "/me/resources")
    for code in ("MS3", "IS1", "IS2", "PQ2", "WO4", "CV1", "DS1"):
        for n in range(3):
            _add(elements, code, f"{code} resource {n}")
    assert "MS3 resource 2" in _suggested(client)
    assert count_statements(client, "/me/resources") == few


def _done_button(html: str, resource_id: int) -> bool:
    return f'action="/me/resources/{resource_id}/done"' in html


def test_a_member_marks_a_resource_done_sees_it_on_history_and_can_undo(client, auth, users,
                                                                        elements):
    supervision = _add(elements, "MS3", "Effective supervision")
    other = _add(elements, "MS3", "Supervision skills")
    give_profile(users["member"], level=3, needs=())
    assess(users["member"], _scores(elements, {"MS3": 1}))
    auth.login(users["member"].email)
    assert "Effective supervision" in _suggested(client)
    history = client.get("/me/assessments").get_data(as_text=True)
    assert "Learning you've done" in history and "Effective supervision" not in history

    response = client.post(f"/me/resources/{supervision.id}/done")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/resources")
    page = client.get("/me/resources").get_data(as_text=True)
    assert "Marked “Effective supervision” as done" in page
    suggested = page[page.index("Suggested for you"):page.index("Everything, by area")]
    assert ">Effective supervision</a>" not in suggested  # done: not suggested again
    assert ">Supervision skills</a>" in suggested
    assert not _done_button(page, supervision.id) and _done_button(page, other.id)
    today = db.session.get(ResourceDone, (users["member"].id, supervision.id)).done_at
    history = client.get("/me/assessments").get_data(as_text=True)
    learning = history[history.index("Learning you've done"):]
    assert "Effective supervision" in learning and today.strftime("%d %b %Y") in learning
    assert "Supervision skills" not in learning
    # Named with its element (from the process's copy of the framework).
    assert f"{elements['MS3'].name}. Done on {today.strftime('%d %b %Y')}" in learning
    client.post(f"/me/resources/{supervision.id}/done")  # twice is still once
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResourceDone)) == 1

    response = client.post(f"/me/resources/{supervision.id}/undo", data={"back": "history"})
    assert response.headers["Location"].endswith("/me/assessments")
    history = client.get("/me/assessments").get_data(as_text=True)
    assert "Effective supervision" not in history[history.index("Learning you've done"):]
    assert ">Effective supervision</a>" in _suggested(client)
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("resource.")] == [
        "resource.done", "resource.undone"]


def test_done_ticks_are_each_members_own(client, auth, users, elements):
    resource = _add(elements, "PQ1", "Know yourself")
    auth.login(users["member"].email)
    client.post(f"/me/resources/{resource.id}/done")
    auth.logout()
    auth.login(users["other_member"].email)
    page = client.get("/me/resources").get_data(as_text=True)
    assert _done_button(page, resource.id)  # the other member has not done it
    client.post(f"/me/resources/{resource.id}/undo")  # and cannot undo someone else's
    assert db.session.scalars(sa.select(ResourceDone.user_id)).all() == [users["member"].id]
    assert client.post("/me/resources/999999/done").status_code == 404


def test_deleting_a_resource_takes_members_ticks_with_it(client, auth, users, elements):
    resource = _add(elements, "PQ1", "Know yourself")
    auth.login(users["member"].email)
    client.post(f"/me/resources/{resource.id}/done")
    auth.logout()
    auth.login(users["admin"].email)
    client.post(f"/admin/resources/{resource.id}/delete", data={"confirm": "yes"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ResourceDone)) == 0


def test_the_history_page_runs_the_same_statements_whatever_is_done(client, auth, users,
                                                                    elements):
    from tests.statements import count_statements

    give_profile(users["member"], level=3, needs=())
    assess(users["member"])
    auth.login(users["member"].email)
    first = _add(elements, "MS3", "One")
    client.post(f"/me/resources/{first.id}/done")
    few = count_statements(client, "/me/assessments")
    for code in ("MS3", "IS1", "PQ2", "WO4", "CV1"):
        for n in range(3):
            client.post(f"/me/resources/{_add(elements, code, f'{code} {n}').id}/done")
    assert "CV1 2" in client.get("/me/assessments").get_data(as_text=True)
    assert count_statements(client, "/me/assessments") == few


def test_the_history_lists_learning_latest_first_and_says_when_a_draft_is_under_way(
        client, auth, users, elements):
    # The history and the learning done come in one statement: check what the page makes of it.
    from datetime import timedelta

    from netapp.models.base import utcnow
    from netapp.services import lqf
    first = _add(elements, "MS3", "Effective supervision")
    second = _add(elements, "MS3", "Supervision skills")
    give_profile(users["member"], level=3, needs=())
    assess(users["member"], _scores(elements, {"MS3": 1}))
    now = utcnow()
    db.session.add_all([
        ResourceDone(user_id=users["member"].id, resource_id=first.id,
                     done_at=now - timedelta(days=3)),
        ResourceDone(user_id=users["member"].id, resource_id=second.id, done_at=now)])
    db.session.commit()
    auth.login(users["member"].email)
    history = client.get("/me/assessments").get_data(as_text=True)
    learning = history[history.index("Learning you've done"):]
    assert learning.index("Supervision skills") < learning.index("Effective supervision")
    assert "in progress" not in history and "taken 1 self-assessment." in history
    lqf.save_scores(users["member"], lqf.framework(), {})  # a new draft, from the last answers
    history = client.get("/me/assessments").get_data(as_text=True)
    assert "You have a self-assessment in progress" in history
    assert "taken 1 self-assessment." in history  # the draft is not counted as taken


def _everything(html: str) -> str:
    return html[html.index("Everything, by area"):]


def test_everything_folds_by_area_and_says_who_each_resource_suits(client, auth, users,
                                                                   elements):
    # A fresh clone has 84 rows: listed open, the phone page ran to about 27,000 pixels.
    for code, low, high, title in (("MS3", 2, 3, "Team supervision"), ("MS1", 1, 4, "Plans"),
                                   ("PQ1", 3, 3, "Know yourself"), ("CV1", 4, 4, "Vision")):
        resource = _add(elements, code, title)
        resource.level_from, resource.level_to = low, high
    db.session.commit()
    auth.login(users["member"].email)
    page = _everything(client.get("/me/resources").get_data(as_text=True))
    assert page.count('<details class="resource-area"') == 7
    assert '<details class="resource-area" open' not in page
    assert "<summary>Managing services <span class=\"hint\">(2 resources)</span></summary>" in page
    assert "<summary>Improving services <span class=\"hint\">(none yet)</span></summary>" in page
    assert "For front-line leaders to operational leaders" in page
    assert "For every level of leadership" in page
    assert "For operational leaders only" in page and "For strategic leaders only" in page
    opened = _everything(client.get("/me/resources?open=MS").get_data(as_text=True))
    assert opened.count("<details class=\"resource-area\" open") == 1
    assert '<details class="resource-area" open id="area-MS">' in opened
    unknown = client.get("/me/resources?open=<x>")
    assert unknown.status_code == 200
    assert "<details class=\"resource-area\" open" not in unknown.get_data(as_text=True)


def test_marking_done_in_the_full_list_comes_back_to_that_resource(client, auth, users,
                                                                   elements):
    resource = _add(elements, "MS3", "Effective supervision")
    auth.login(users["member"].email)
    for action in ("done", "undo"):
        response = client.post(f"/me/resources/{resource.id}/{action}", data={"back": "all"})
        assert response.headers["Location"].endswith(
            f"/me/resources?open=MS#resource-{resource.id}")
    page = _everything(client.get("/me/resources?open=MS").get_data(as_text=True))
    assert f'<li class="resource" id="resource-{resource.id}">' in page
    assert 'name="back" value="all"' in page


def test_a_real_gap_keeps_a_place_when_the_help_asked_for_fills_the_rest(client, auth, users,
                                                                          elements):
    # Two needs touching six elements rated 3 used to take all three places, so a 1 in
    # supervision was never suggested.
    for code in ("PQ2", "WO4", "IS1", "IS2", "MS4"):
        _add(elements, code, f"About {code}")
    _add(elements, "MS3", "Supervising your team")
    give_profile(users["member"], level=3, needs=("wellbeing", "cqc_inspection"))
    assess(users["member"], _scores(elements, {"MS3": 1}, rest=3))
    auth.login(users["member"].email)
    suggested = _suggested(client)
    assert suggested.count("Why this one:") == 3
    assert suggested.count("You asked for help with") == 2
    assert "Supervising your team" in suggested
    assert "You rated yourself 1 of 4 here, one of your lowest." in suggested
    assert suggested.index("About PQ2") < suggested.index("About WO4") \
        < suggested.index("Supervising your team")


def test_a_mistake_adding_a_resource_shows_above_the_long_list(client, auth, users, elements):
    # With the demo's 84 rows the form sat below the list: a refused add came back with its
    # error summary some 17,000 pixels down a phone screen.
    for n in range(3):
        _add(elements, "PQ1", f"Resource {n}")
    auth.login(users["admin"].email)
    html = client.post("/admin/resources", data={"element_id": elements["PQ1"].id,
                                                 "title": "Know yourself",
                                                 "url": "example.org"}).get_data(as_text=True)
    assert html.index('class="error-summary"') < html.index("<table")
    assert html.index('value="Know yourself"') < html.index("<table")

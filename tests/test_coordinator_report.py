"""The programme report: figures against a hand-built network worked out by hand, the date range
and region filters, small counts hidden, the CSV equal to the page, validation, and a fixed
number of statements."""
from __future__ import annotations

import csv
import html as html_lib
import io
import re
from datetime import date, datetime
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import FeedbackRound, Region, Resource, ResourceDone, SelfAssessment
from netapp.models.base import utcnow
from netapp.models.coordinator import ProgrammeFeedback, ProgrammeUpdate, UpdateKind
from netapp.services import lqf, programme
from tests.factories import make_user
from tests.profile_helpers import give_profile, load_reference
from tests.statements import count_statements

AWARD, RATING, COMPLIANCE = UpdateKind.AWARD, UpdateKind.RATING, UpdateKind.COMPLIANCE


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 12, 0)


def _update(user, kind, value, when):
    db.session.add(ProgrammeUpdate(user_id=user.id, kind=kind, value=value, reported_at=when))


def _region(name: str) -> Region:
    return db.session.scalars(sa.select(Region).where(Region.name == name)).one()


@pytest.fixture
def network(app, users):
    """12 members in Leeds (Yorkshire and the Humber), 3 in Camden (London), and an inactive
    member in Leeds whose reports never count. The figures the tests expect are worked out
    by hand from this, for 1 January to 30 June 2026."""
    load_reference()
    leeds = [make_user(name=f"Leeds {i}") for i in range(12)]
    camden = [make_user(name=f"Camden {i}") for i in range(3)]
    gone = make_user(name="Gone", active=False)
    for person in [*leeds, gone]:
        give_profile(person, "Leeds")
    for person in camden:
        give_profile(person, "Camden")
    L, N = leeds, camden
    # The Award
    for person in L[0:6]:
        _update(person, AWARD, "applying", at(2026, 2, 10))
    _update(L[0], AWARD, "completed", at(2026, 3, 10))
    for person in L[6:11]:
        _update(person, AWARD, "completed", at(2025, 11, 1))
    _update(L[11], AWARD, "applying", at(2026, 7, 15))  # after the range
    _update(N[0], AWARD, "applying", at(2026, 2, 10))
    _update(gone, AWARD, "completed", at(2026, 2, 10))
    # Ratings
    for person in L[0:5]:
        _update(person, RATING, "good", at(2026, 1, 5))
    _update(L[5], RATING, "outstanding", at(2026, 1, 5))
    _update(L[6], RATING, "requires_improvement", at(2026, 1, 5))
    _update(L[7], RATING, "inadequate", at(2026, 1, 5))
    _update(L[8], RATING, "not_rated", at(2026, 1, 5))
    _update(L[9], RATING, "good", at(2025, 10, 1))
    _update(L[9], RATING, "inadequate", at(2026, 8, 1))  # after the range
    for person in L[0:6]:
        _update(person, COMPLIANCE, "none", at(2026, 1, 5))
    for person in L[6:11]:
        _update(person, COMPLIANCE, "action", at(2026, 1, 5))
    # Feedback
    yorkshire, london = _region("Yorkshire and the Humber"), _region("London")
    for rating, comment in [(5, "Great peers"), (5, ""), (4, "Useful events"), (4, ""),
                            (4, ""), (3, ""), (1, "Too far to travel")]:
        db.session.add(ProgrammeFeedback(user_id=L[0].id, region_id=yorkshire.id,
                                         rating=rating, comment=comment,
                                         created_at=at(2026, 4, 1)))
    db.session.add(ProgrammeFeedback(user_id=L[1].id, region_id=yorkshire.id, rating=2,
                                     comment="Old news", created_at=at(2025, 12, 31)))
    db.session.add(ProgrammeFeedback(user_id=N[0].id, region_id=london.id, rating=5,
                                     comment="London only", created_at=at(2026, 4, 1)))
    # Use of the LQF
    fw = lqf.framework()
    for person in L[0:6]:
        db.session.add(SelfAssessment(user_id=person.id, framework_id=fw.id,
                                      completed_at=at(2026, 2, 1)))
    db.session.add(SelfAssessment(user_id=L[0].id, framework_id=fw.id,
                                  completed_at=at(2026, 5, 1)))
    db.session.add(SelfAssessment(user_id=L[6].id, framework_id=fw.id,
                                  completed_at=at(2025, 6, 1)))  # before the range
    db.session.add(SelfAssessment(user_id=L[7].id, framework_id=fw.id))  # a draft
    db.session.add(SelfAssessment(user_id=N[0].id, framework_id=fw.id,
                                  completed_at=at(2026, 2, 1)))
    db.session.add(SelfAssessment(user_id=None, framework_id=fw.id,
                                  completed_at=at(2026, 2, 1)))  # an erased member's
    for person in L[0:2]:
        db.session.add(FeedbackRound(user_id=person.id, framework_id=fw.id,
                                     created_at=at(2026, 3, 1)))
    resource = Resource(element_id=fw.dimensions[0].elements[0].id, title="Know yourself",
                        url="https://example.org/know")
    db.session.add(resource)
    db.session.flush()
    for person in L[6:11]:
        db.session.add(ResourceDone(user_id=person.id, resource_id=resource.id,
                                    done_at=at(2026, 6, 30)))
    db.session.commit()
    return {"leeds": L, "camden": N, "yorkshire": yorkshire, "london": london}


def _figures(result: programme.Report) -> dict[str, tuple[str, str]]:
    return {f.key: (f.shown, f.percent) for s in result.sections for f in s.figures}


H1 = (date(2026, 1, 1), date(2026, 6, 30))


def test_figures_for_one_region_match_the_hand_count(network):
    result = programme.report(*H1, network["yorkshire"])
    assert result.members == 12
    fig = _figures(result)
    # Feedback: 7 responses in range, 26 / 7 = 3.71; 5 of 7 rated 4 or 5.
    assert fig["feedback_responses"] == ("7", "")
    assert fig["feedback_average"] == ("3.7 out of 5", "")
    assert fig["feedback_helpful"] == ("5", "71%")
    assert fig["feedback_rating_5"] == ("fewer than 5", "")
    assert fig["feedback_rating_2"] == ("0", "0%")
    # The Award: applying L1-L5; completed L0 and L6-L10; in range: L0-L5 applied, L0 done.
    assert fig["award_applying"] == ("5", "42%")
    assert fig["award_completed"] == ("6", "50%")
    assert fig["award_started_in_range"] == ("6", "50%")
    assert fig["award_completed_in_range"] == ("fewer than 5", "")
    # Ratings: L0-L9 told us; 9 rated; good or better L0-L5 and L9 (good until August).
    assert fig["rating_reported"] == ("10", "83%")
    assert fig["rating_good_or_better"] == ("7", "78%")
    assert fig["rating_good"] == ("6", "67%")
    assert fig["rating_outstanding"] == ("fewer than 5", "")
    assert fig["rating_not_rated"] == ("fewer than 5", "")
    assert fig["compliance_action"] == ("5", "45%")
    # The LQF: 7 assessments by 6 members; 2 rounds; 5 resources by 5; 11 of 12 employers.
    assert fig["lqf_assessments"] == ("7", "")
    assert fig["lqf_assessed"] == ("6", "50%")
    assert fig["lqf_rounds"] == ("fewer than 5", "")
    assert fig["lqf_asked"] == ("fewer than 5", "")
    assert fig["lqf_resources"] == ("5", "")
    assert fig["lqf_learners"] == ("5", "42%")
    assert fig["lqf_organisations"] == ("11", "92%")
    # newest first (the same day here, so the last saved first); the empty ones left out
    assert result.comments == ["Too far to travel", "Useful events", "Great peers"]


def test_all_regions_add_the_other_region(network):
    fig = _figures(programme.report(*H1, None))
    assert fig["feedback_responses"] == ("8", "")
    assert fig["feedback_average"] == ("3.9 out of 5", "")  # 31 / 8
    assert fig["feedback_helpful"] == ("6", "75%")
    assert fig["award_applying"] == ("6", "40%")  # of 15 members
    assert fig["award_started_in_range"] == ("7", "47%")
    assert fig["lqf_assessments"] == ("8", "")  # the erased member's is not counted
    assert fig["lqf_organisations"] == ("12", "80%")


def test_a_small_region_shows_nothing_that_could_single_someone_out(network):
    result = programme.report(*H1, network["london"])
    fig = _figures(result)
    assert result.members == 3
    assert fig["feedback_responses"] == ("fewer than 5", "")
    assert fig["feedback_average"] == ("not shown (fewer than 5 responses)", "")
    assert fig["feedback_rating_5"] == ("fewer than 5", "")
    assert fig["award_applying"] == ("fewer than 5", "")
    assert result.comments == []


def test_the_end_date_moves_each_members_latest_report(network):
    fig = _figures(programme.report(date(2026, 1, 1), date(2026, 12, 31), network["yorkshire"]))
    # L9 said inadequate in August; L11 applied in July.
    assert fig["rating_good_or_better"] == ("6", "67%")
    assert fig["rating_inadequate"] == ("fewer than 5", "")
    assert fig["award_applying"] == ("6", "50%")
    # Feedback before the start is left out, and moving the start brings it in.
    assert _figures(programme.report(date(2025, 12, 31), date(2026, 6, 30),
                                     network["yorkshire"]))["feedback_responses"] == ("8", "")


def test_an_inactive_members_reports_never_count(network):
    fig = _figures(programme.report(date(2026, 2, 10), date(2026, 2, 10), network["yorkshire"]))
    assert fig["award_started_in_range"] == ("6", "50%")  # L0-L5; not the closed account


# ---------------------------------------------------------------- the pages


def _path(start="2026-01-01", end="2026-06-30", region="", csv_file=False) -> str:
    base = "/coordinator/report.csv" if csv_file else "/coordinator/report"
    return base + "?" + urlencode({"start": start, "end": end, "region": region})


ROW = re.compile(r'<div class="figure" id="figure-([a-z0-9_]+)">\s*'
                 r'<dt class="figure-label">(.*?)</dt>\s*'
                 r'<dd class="figure-value"><span class="figure-count">(.*?)</span>'
                 r'(?: <span class="figure-percent">\((.*?)\)</span>)?</dd>', re.S)


def test_the_csv_has_the_same_figures_as_the_page(client, auth, users, network):
    auth.login(users["coordinator"].email)
    region = str(network["yorkshire"].id)
    page = client.get(_path(region=region))
    assert page.status_code == 200
    shown = [(html_lib.unescape(label), html_lib.unescape(value), pct)
             for _, label, value, pct in ROW.findall(page.get_data(as_text=True))]
    assert len(shown) == 27
    response = client.get(_path(region=region, csv_file=True))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "programme-report-yorkshire-and-the-humber-2026-01-01-to-2026-06-30.csv" in \
        response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Programme report", "2026-01-01 to 2026-06-30",
                           "Yorkshire and the Humber"]
    assert rows[2][2] == "12"
    assert [(r[1], r[2], r[3]) for r in rows[3:]] == shown
    assert ("Applying for the Award", "5", "42%") in shown


def test_the_page_says_the_range_and_region_and_shows_comments_without_names(client, auth,
                                                                             users, network):
    auth.login(users["admin"].email)
    html = client.get(_path(region=str(network["yorkshire"].id))).get_data(as_text=True)
    assert "Yorkshire and the Humber</strong>, 1 January 2026 to 30 June 2026" in html
    assert "Great peers" in html and "Old news" not in html and "London only" not in html
    assert "Leeds 0" not in html  # never a name
    assert f"Printed {utcnow().date().strftime('%-d %B %Y')}" in html


def test_the_page_opens_on_the_last_12_months_for_all_regions(client, auth, users, network):
    auth.login(users["coordinator"].email)
    html = client.get("/coordinator/report").get_data(as_text=True)
    start, end = programme.default_range(utcnow().date())
    assert f'value="{start.isoformat()}"' in html and f'value="{end.isoformat()}"' in html
    assert "All regions</strong>" in html


@pytest.mark.parametrize("args, message", [
    ({"start": "2026-06-30", "end": "2026-01-01"},
     "The last day must be on or after the first day."),
    ({"start": "2026-02-31", "end": "2026-06-30"}, "Enter a date, for example 31/12/2026."),
    ({"start": "", "end": "2026-06-30"}, "Enter the first day of the report"),
    ({"start": "2026-01-01", "end": "9999-12-31"}, "Enter a date between 2000 and 2100"),
    ({"start": "0001-01-01", "end": "2026-06-30"}, "Enter a date between 2000 and 2100"),
    ({"start": "2026-01-01", "end": "2026-06-30", "region": "999"},
     "Choose one of the options shown."),
    ({"start": "2026-01-01", "end": "2026-06-30", "region": "north"},
     "Choose one of the options shown."),
])
def test_bad_choices_get_a_clear_message_and_keep_what_was_typed(client, auth, users, app,
                                                                 args, message):
    load_reference()
    auth.login(users["coordinator"].email)
    for csv_file in (False, True):
        base = "/coordinator/report.csv" if csv_file else "/coordinator/report"
        response = client.get(base + "?" + urlencode(args))
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert message in html
        assert f'value="{args["start"]}"' in html or args["start"] in ("", "2026-02-31")
        assert "figure-value" not in html


@pytest.mark.parametrize("role, status", [("member", 403), ("mentor", 403),
                                          ("coordinator", 200), ("admin", 200)])
def test_only_coordinators_and_admins_see_the_report(client, auth, users, network, role,
                                                     status):
    auth.as_role(users, role)
    assert client.get(_path()).status_code == status
    assert client.get(_path(csv_file=True)).status_code == status


def test_the_report_runs_the_same_statements_whatever_the_data(client, auth, users, network):
    auth.login(users["coordinator"].email)
    paths = [_path(), _path(region=str(network["yorkshire"].id)),
             _path(region=str(network["yorkshire"].id), csv_file=True)]
    for path in paths:  # warm-up: reference data a serving process already holds
        client.get(path)
    few = {p: count_statements(client, p) for p in paths}
    fw = lqf.framework()
    more = [make_user(name=f"More {i}") for i in range(20)]
    for i, person in enumerate(more):
        give_profile(person, "Leeds" if i % 2 else "Camden")
        _update(person, AWARD, "applying", at(2026, 2, 1))
        _update(person, RATING, "good", at(2026, 2, 1))
        db.session.add(ProgrammeFeedback(user_id=person.id, rating=4, comment=f"Note {i}",
                                         region_id=network["yorkshire"].id,
                                         created_at=at(2026, 3, 1)))
        db.session.add(SelfAssessment(user_id=person.id, framework_id=fw.id,
                                      completed_at=at(2026, 2, 1)))
    db.session.commit()
    assert "Note 19" in client.get(paths[1]).get_data(as_text=True)
    assert {p: count_statements(client, p) for p in paths} == few


def test_the_demo_gives_the_report_figures_from_the_first_command(app, client):
    from netapp.services.demo import seed_demo
    from netapp.services.reference import ensure_reference_data

    ensure_reference_data()
    logins = {login.role: login for login in seed_demo(members=300, seed=7)}
    client.post("/account/login", data={"email": logins["coordinator"].email,
                                        "password": logins["coordinator"].password})
    response = client.get("/coordinator/report")
    assert response.status_code == 200
    shown = {key: value for key, _, value, _ in ROW.findall(response.get_data(as_text=True))}
    for key in ("feedback_responses", "award_applying", "rating_good_or_better",
                "rating_reported", "lqf_learners", "lqf_rounds", "lqf_asked"):
        assert shown[key] not in ("0", "fewer than 5"), key
    assert "out of 5" in shown["feedback_average"]

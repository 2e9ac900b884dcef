"""The onboarding wizard: each step saves, validates kindly, and can be left and resumed."""
import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    Network,
    NetworkKind,
    NetworkMembership,
    Organisation,
    Profile,
    SelfAssessment,
)
from netapp.models.networks import member_offers
from netapp.services import lqf, profiles
from tests.profile_helpers import about_form, council, load_reference

DIMENSIONS = ["PQ", "WO", "MS", "IS", "SD", "CV", "DS"]


@pytest.fixture
def member(app, users, auth):
    load_reference()
    auth.login(users["member"].email)
    return users["member"]


def _all_scores(code: str, score: int = 3) -> dict:
    return {f"{code}{k}": str(score) for k in range(1, 5)}


def test_wizard_starts_with_about_me(client, member):
    response = client.get("/me/start")
    assert response.headers["Location"].endswith("/me/start/about")
    html = client.get("/me/start/about").get_data(as_text=True)
    assert "Step 1 of 5" in html
    assert "<legend" in html and "What kind of service is it?" in html
    assert '<optgroup label="Yorkshire and the Humber">' in html


def test_about_me_saves_profile_joins_local_network_and_moves_on(client, member):
    leeds = council("Leeds")
    response = client.post("/me/start/about", data=about_form(leeds.id))
    assert response.status_code == 302
    assert client.get("/me/start").headers["Location"].endswith("/me/start/assessment/PQ")
    profile = db.session.get(Profile, member.id)
    assert profile.job_title == "Registered Manager"
    assert profile.level == 3 and profile.years_as_manager == 6 and profile.meets_online
    assert profile.organisation.name == "Oak Lodge Care Home"
    assert profile.organisation.local_authority_id == leeds.id
    assert profile.local_authority.region.name == "Yorkshire and the Humber"
    local = db.session.execute(
        sa.select(Network).join(NetworkMembership)
        .where(NetworkMembership.user_id == member.id)
    ).scalar_one()
    assert local.kind is NetworkKind.LOCAL and local.local_authority_id == leeds.id


def test_existing_organisation_is_reused_and_a_new_one_added(client, member, users):
    leeds = council("Leeds")
    client.post("/me/start/about", data=about_form(leeds.id))
    client.post("/me/edit", data=about_form(leeds.id, organisation_name="  oak lodge CARE home "))
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1
    client.post("/me/edit", data=about_form(leeds.id, organisation_name="Birch Home Care",
                                            service_type="home_care"))
    # The new service is added; the old one, with nobody left in it, goes.
    assert db.session.scalars(sa.select(Organisation.name)).all() == ["Birch Home Care"]


def test_changing_council_moves_the_local_network(client, member):
    client.post("/me/start/about", data=about_form(council("Leeds").id))
    client.post("/me/edit", data=about_form(council("Bristol").id))
    names = db.session.scalars(
        sa.select(Network.name).join(NetworkMembership)
        .where(NetworkMembership.user_id == member.id)
    ).all()
    assert names == ["Bristol Registered Managers network"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"display_name": ""}, "Tell us your name."),
        ({"job_title": ""}, "Tell us your job title"),
        ({"organisation_name": ""}, "Tell us the name of the service you manage."),
        ({"service_type": ""}, "Choose the kind of service you manage."),
        ({"service_type": "castle"}, "Choose one of the options shown."),
        ({"local_authority_id": ""}, "Choose the council area your service is in."),
        ({"local_authority_id": "999999"}, "Choose the council area your service is in."),
        ({"level": "7"}, "Choose one of the options shown."),
        ({"level": ""}, "Choose the level that fits your role best."),
        ({"years_as_manager": "lots"}, "Enter a number of years"),
        ({"years_as_manager": "-1"}, "Enter a number of years from 0 to 60."),
        ({"meets_online": ""}, "Tell us whether you&#39;re happy to meet online."),
    ],
)
def test_about_me_validation_keeps_what_was_typed(client, member, change, message):
    data = about_form(council("Leeds").id, **change)
    if data[next(iter(change))] == "":
        del data[next(iter(change))]
    response = client.post("/me/start/about", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    if "job_title" in data:
        assert 'value="Registered Manager"' in html
    # The other answers are saved, but the step isn't done until every answer is in.
    assert db.session.get(Profile, member.id).onboarding_step is None
    assert client.get("/me/start").headers["Location"].endswith("/me/start/about")


def test_step_one_saves_what_was_typed_before_every_field_is_filled(client, member):
    leeds = council("Leeds")
    response = client.post("/me/start/about", data={
        "display_name": "Mina M", "job_title": "Deputy Manager",
        "organisation_name": "Oak Lodge", "service_type": "care_home",
        "local_authority_id": str(leeds.id), "years_as_manager": "lots"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "saved the answers you've given so far" in html
    profile = db.session.get(Profile, member.id)
    assert member.display_name == "Mina M" and profile.job_title == "Deputy Manager"
    assert profile.local_authority_id == leeds.id
    assert profile.organisation.name == "Oak Lodge" and profile.level is None
    assert profile.years_as_manager is None and profile.onboarding_step is None
    # Coming back, the page shows what was saved.
    html = client.get("/me/start/about").get_data(as_text=True)
    assert 'value="Deputy Manager"' in html and 'value="Oak Lodge"' in html
    # The rest, later: the step is done and the wizard moves on.
    assert client.post("/me/start/about", data=about_form(leeds.id)).status_code == 302
    assert client.get("/me/start").headers["Location"].endswith("/me/start/assessment/PQ")


def test_changing_council_keeps_one_organisation_and_erasure_leaves_none(client, member, users):
    from netapp.services import privacy

    client.post("/me/start/about", data=about_form(council("Leeds").id,
                                                   organisation_name="Oak Lodge"))
    client.post("/me/edit", data=about_form(council("Bradford").id,
                                            organisation_name="Oak Lodge"))
    (oak,) = db.session.scalars(sa.select(Organisation)).all()
    assert oak.name == "Oak Lodge" and oak.local_authority_id == council("Bradford").id
    # Someone else works at the Bradford Oak Lodge: moving back leaves theirs alone.
    other = users["other_member"]
    profiles.save_about(other, display_name="Otto Other", job_title="Manager",
                        organisation_name="Oak Lodge", service_type=oak.service_type,
                        local_authority_id=council("Bradford").id, level=3,
                        years_as_manager=2, meets_online=True)
    client.post("/me/edit", data=about_form(council("Leeds").id, organisation_name="Oak Lodge"))
    rows = db.session.execute(sa.select(Organisation.name, Organisation.local_authority_id)
                              .order_by(Organisation.id)).all()
    assert rows == [("Oak Lodge", council("Bradford").id), ("Oak Lodge", council("Leeds").id)]
    # And moving again to a service that already exists re-uses it, deleting the one left empty.
    client.post("/me/edit", data=about_form(council("Bradford").id, organisation_name="Oak Lodge"))
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 1
    privacy.erase(other)
    privacy.erase(member)
    assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_assessment_one_dimension_per_page_with_progress(client, member):
    html = client.get("/me/start/assessment/PQ").get_data(as_text=True)
    assert "Step 2 of 5: Your leadership, part 1 of 7" in html
    assert html.count("<fieldset") == 4
    assert "Developing self awareness" in html
    assert "4 – Strong" in html and "1 – Just starting" in html
    assert client.get("/me/start/assessment/XX").status_code == 404


def test_assessment_page_needs_every_element(client, member):
    data = _all_scores("PQ")
    del data["PQ3"]
    response = client.post("/me/start/assessment/PQ", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose a number from 1 to 4 for “Continuing personal development”." in html
    assert 'checked id="PQ1-2"' in html  # the answers already given are kept
    response = client.post("/me/start/assessment/PQ", data=_all_scores("PQ") | {"PQ1": "5"})
    assert response.status_code == 400


def test_leave_mid_assessment_and_come_back_where_you_stopped(client, member):
    client.post("/me/start/about", data=about_form(council("Leeds").id))
    for code in DIMENSIONS[:3]:
        assert client.post(f"/me/start/assessment/{code}",
                           data=_all_scores(code, 2)).status_code == 302
    assert client.get("/me/start").headers["Location"].endswith("/me/start/assessment/IS")
    html = client.get("/me/start/assessment/MS").get_data(as_text=True)
    assert 'checked id="MS1-1"' in html  # saved answers are shown again


def test_whole_wizard_saves_everything(client, member):
    client.post("/me/start/about", data=about_form(council("Leeds").id))
    for n, code in enumerate(DIMENSIONS):
        response = client.post(f"/me/start/assessment/{code}", data=_all_scores(code, 1 + n % 4))
        assert response.status_code == 302
    fw = lqf.framework()
    done = lqf.latest(member.id, fw)
    assert done is not None and len(done.scores) == 28
    assert client.get("/me/start").headers["Location"].endswith("/me/start/needs")

    topics = {t.code: t.id for t in profiles.topics()}
    response = client.post("/me/start/needs", data={})
    assert response.status_code == 400
    assert "Choose at least one area or topic" in response.get_data(as_text=True)
    client.post("/me/start/needs", data={"areas": [topics["leadership"]],
                                         "topics": [topics["finance"]]})
    assert sorted(profiles.need_names(member.id)) == ["Finance and budgets", "Leadership"]

    response = client.post("/me/start/mentoring", data={"will_mentor": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose how many people you could mentor" in html
    assert "Choose at least one area or topic you could help with." in html
    assert "Tell mentees roughly when you" in html
    client.post("/me/start/mentoring", data={
        "will_mentor": "yes", "capacity": "2", "offer_areas": [topics["people_management"]],
        "availability": "Tuesday afternoons", "note": "Ten years in home care."})
    profile = db.session.get(Profile, member.id)
    assert profile.mentor_capacity == 2 and profile.mentor_availability == "Tuesday afternoons"
    assert profiles.offer_names(member.id) == ["People management"]

    html = client.get("/me/start/networks").get_data(as_text=True)
    assert "Leeds Registered Managers network" in html
    assert "What we store" in html and "Who sees it" in html and "How to leave" in html
    response = client.post("/me/start/networks", data={"join_women": "y"})
    assert response.headers["Location"].endswith("/me")
    assert profiles.next_step(db.session.get(Profile, member.id)) is None
    assert client.get("/me/start").headers["Location"].endswith("/me")
    codes = db.session.scalars(sa.select(Network.code).join(NetworkMembership)
                               .where(NetworkMembership.user_id == member.id)).all()
    assert sorted(codes) == [f"local-{council('Leeds').id}", "women"]


def test_mentoring_no_clears_the_offer(client, member):
    client.post("/me/start/about", data=about_form(council("Leeds").id))
    topics = {t.code: t.id for t in profiles.topics()}
    client.post("/me/mentoring", data={"will_mentor": "yes", "capacity": "3",
                                       "offers": [topics["finance"]], "availability": "Fridays"})

    def offered() -> list[int]:
        return list(db.session.scalars(sa.select(member_offers.c.topic_id)
                                       .where(member_offers.c.user_id == member.id)))

    assert offered() == [topics["finance"]]
    client.post("/me/mentoring", data={"will_mentor": "no", "capacity": "3"})
    profile = db.session.get(Profile, member.id)
    assert profile.mentor_capacity == 0 and profile.mentor_availability == ""
    assert offered() == []


def test_needs_can_be_skipped_in_the_wizard(client, member):
    client.post("/me/start/about", data=about_form(council("Leeds").id))
    profile = db.session.get(Profile, member.id)
    profile.onboarding_step = "assessment"
    db.session.commit()
    assert client.post("/me/start/needs", data={"skip": "1"}).status_code == 302
    assert client.get("/me/start").headers["Location"].endswith("/me/start/mentoring")


def test_reassessment_keeps_the_old_one(client, member):
    for round_score in (2, 4):
        for code in DIMENSIONS:
            client.post(f"/me/assessment/{code}", data=_all_scores(code, round_score))
    history = db.session.scalars(sa.select(SelfAssessment).where(
        SelfAssessment.user_id == member.id).order_by(SelfAssessment.id)).all()
    assert [a.completed_at is not None for a in history] == [True, True]
    assert {s.score for s in history[0].scores} == {2}
    assert {s.score for s in history[1].scores} == {4}
    html = client.get("/me/assessments").get_data(as_text=True)
    assert "You've taken 2 self-assessments" in html
    assert "radar-history-title" in html


def test_wizard_skips_the_assessment_when_one_is_already_done(client, member):
    from tests.profile_helpers import assess

    client.post("/me/start/about", data=about_form(council("Leeds").id))
    assess(member)
    response = client.get("/me/start", follow_redirects=True)
    assert response.request.path == "/me/start/needs"
    assert client.get("/me/start").headers["Location"].endswith("/me/start/needs")


def test_edit_page_shows_saved_answers(client, member):
    client.post("/me/start/about", data=about_form(council("Leeds").id, meets_online="no"))
    html = client.get("/me/edit").get_data(as_text=True)
    assert 'checked id="meets_online-1"' in html
    assert 'checked id="level-2"' in html
    assert 'value="Oak Lodge Care Home"' in html
    assert "<option value=\"Oak Lodge Care Home\">" in html  # suggested from the same council


def test_needs_come_in_two_groups_and_refuse_unknown_topics(client, member):
    topics = {t.code: t.id for t in profiles.topics()}
    html = client.get("/me/needs").get_data(as_text=True)
    assert html.count("<fieldset") == 2
    assert (html.index("People management") < html.index("More specific topics")
            < html.index("Safeguarding"))
    # An area sent as a specific topic is not a valid choice there.
    response = client.post("/me/needs", data={"topics": [topics["leadership"]]})
    assert response.status_code == 400
    client.post("/me/needs", data={"areas": [topics["communication"]],
                                   "topics": [topics["safeguarding"], topics["digital"]]})
    assert profiles.need_names(member.id) == ["Communication", "Safeguarding",
                                              "Digital records and technology"]
    html = client.get("/me/needs").get_data(as_text=True)
    assert 'checked id="areas-3"' in html


def test_jumping_ahead_saves_but_does_not_skip_earlier_steps(client, member):
    topics = {t.code: t.id for t in profiles.topics()}
    client.post("/me/start/needs", data={"areas": [topics["leadership"]]})
    assert profiles.need_names(member.id) == ["Leadership"]
    response = client.post("/me/start/networks", data={})
    assert response.headers["Location"].endswith("/me/start")
    assert client.get("/me/start").headers["Location"].endswith("/me/start/about")
    assert db.session.get(Profile, member.id).onboarded_at is None

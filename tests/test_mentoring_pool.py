"""A round's pool and pairs pages read the pool in names from the database: the same people,
places and reasons as the engine's pool (``bridge.load_pool``), a page at a time."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    MentoringRound,
    MentorshipStatus,
    Profile,
    Region,
    Role,
    RoundStatus,
    SelfAssessment,
    ServiceType,
    User,
    mentoring_pool,
)
from netapp.models.base import utcnow
from netapp.services import accounts, lqf, profiles
from netapp.services import matching_bridge as bridge
from netapp.services import mentoring_rounds as rounds
from tests.factories import make_user
from tests.mentoring_people import mentee, mentor, offer
from tests.profile_helpers import assess, council, give_profile, load_reference
from tests.statements import statements_per_page


def _profile(user) -> Profile:
    return profiles.profile_of(user)


def _waiting(name: str, email: str, council: str = "Leeds", verified: bool = True):
    user = make_user(email=email, name=name, verified=verified)
    give_profile(user, council, level=2, needs=("finance",))
    assess(user)
    _profile(user).wants_mentor = True
    db.session.commit()
    return user


def _pool_with_every_reason() -> dict:
    """Mentees and mentors in and out of the pool, for every reason the engine gives."""
    load_reference()
    people = {
        "ann": mentee("Ann Waiting"),
        "anne": mentee("anne waiting", "Camden"),  # sorts by name whatever the case
        "twin1": mentee("Sam Same", "Camden"),
        "zoe": mentee("Zoe Camden", "Camden"),
        "unassessed": mentee("Una Unassessed", assessed=False),
        "half": mentee("Hal Halfdone", "Camden"),
        "nolevel": mentee("Nel Nolevel", "Camden"),
        "nocouncil": mentee("Cole Nocouncil"),
        "noservice": mentee("Serv Noservice", "Camden"),
        "busy": mentee("Bea Busy", "Camden"),
        "gone": mentee("Gus Gone", "Camden"),
        "notasking": mentee("Nat Notasking", wants=False),
        "max": mentor("Max Mentor", capacity=2),
        "meg": mentor("Meg Mentor", "Camden", capacity=3),
        "away": mentor("Ava Away", "Camden"),
        "full": mentor("Fay Full", "Camden"),
        "shut": mentor("Pam Paused", "Camden"),
        "mix": mentor("Mo Both", "Camden"),
        "mixfull": mentor("Mia Bothfull", "Camden"),
        "mentornolevel": mentor("Lev Nolevel", "Camden"),
        "inperson": mentor("Ian Inperson"),
    }
    people["twin2"] = _waiting("sam same", "twin@example.org")  # member number decides
    people["unconfirmed"] = _waiting("Uma Unconfirmed", "uma@example.org", verified=False)
    people["unconfirmedmentor"] = make_user(email="umo@example.org", name="Umo Unconfirmed",
                                            roles=[Role.MENTOR], verified=False)
    give_profile(people["unconfirmedmentor"], "Camden", level=4, capacity=1, needs=(),
                 offers=("finance",))
    assess(people["unconfirmedmentor"], lambda i: 4)
    # The latest finished assessment misses an element; an older one was complete.
    assess(people["half"])
    latest = db.session.scalars(
        sa.select(SelfAssessment.id).where(SelfAssessment.user_id == people["half"].id)
        .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())).first()
    db.session.execute(sa.delete(AssessmentScore).where(
        AssessmentScore.assessment_id == latest,
        AssessmentScore.element_id == sa.select(sa.func.min(AssessmentScore.element_id))
        .where(AssessmentScore.assessment_id == latest).scalar_subquery()))
    _profile(people["nolevel"]).level = None
    _profile(people["mentornolevel"]).level = None
    _profile(people["nocouncil"]).local_authority_id = None
    _profile(people["noservice"]).organisation_id = None
    _profile(people["shut"]).mentoring_paused = True
    _profile(people["inperson"]).meets_online = False
    people["gone"].is_active_account = False
    # Someone who asked for a mentor and is a mentor too: in both lists, or waiting and
    # left out as a mentor.
    for both in ("mix", "mixfull"):
        _profile(people[both]).wants_mentor = True
    db.session.commit()
    offer(people["busy"], people["max"])  # Bea waits for Max's answer; Max has one place left
    offer(people["notasking"], people["full"], status=MentorshipStatus.ACCEPTED)
    offer(people["notasking"], people["mixfull"], status=MentorshipStatus.REQUESTED)
    return people


def _expected(region_id):
    """The pool's lists as the engine's pool has them, in the page's order."""
    pool = bridge.load_pool(region_id)
    names = dict(db.session.execute(sa.select(User.id, User.display_name)).all())

    def ordered(items):
        return sorted(items, key=lambda p: (p[1].casefold(), p[0]))

    free = {bridge.user_id(m.id): m.capacity for m in pool.mentors}
    return {
        "mentees": ordered((bridge.user_id(m.id), names[bridge.user_id(m.id)], "")
                           for m in pool.mentees),
        "mentors": ordered((u, names[u], rounds._places(n)) for u, n in free.items()),
        "left_out": ordered((u, names[u], why) for u, why in pool.left_out.items()),
    }, sum(free.values()), pool


def _every_page(rnd, show, per_page):
    seen, number = [], 1
    while True:
        counts, page = rounds.pool_page(rnd, show, number, per_page)
        assert page.page == number
        seen += [(p.user_id, p.name, p.detail) for p in page.items]
        if not page.has_next:
            return counts, seen, page
        number += 1


@pytest.mark.parametrize("regional", [False, True])
def test_the_pool_pages_list_exactly_what_the_engines_pool_decides(app, regional):
    people = _pool_with_every_reason()
    london = db.session.scalar(sa.select(Region.id).where(Region.name == "London"))
    rnd = MentoringRound(name="Round", region_id=london if regional else None,
                         status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()
    expected, places, pool = _expected(rnd.region_id)
    reasons = set(pool.left_out.values())
    if not regional:
        # every reason the engine gives is on this pool's list, and both kinds of overlap
        assert reasons == {bridge.NOT_CONFIRMED, bridge.NO_COUNCIL, bridge.NO_LEVEL,
                           bridge.NO_SERVICE, bridge.NO_ASSESSMENT, bridge.PAUSED, bridge.FULL}
    else:
        assert {bridge.NOT_CONFIRMED, bridge.NO_LEVEL, bridge.NO_SERVICE, bridge.NO_ASSESSMENT,
                bridge.PAUSED, bridge.FULL} <= reasons
        assert people["ann"].id not in {p[0] for p in expected["mentees"]}
        assert people["inperson"].id not in {p[0] for p in expected["mentors"]}
    assert people["mix"].id in {p[0] for p in expected["mentees"]} & {
        p[0] for p in expected["mentors"]}
    assert people["mixfull"].id in {p[0] for p in expected["mentees"]} & {
        p[0] for p in expected["left_out"]}
    for show in ("mentees", "mentors", "left_out"):
        for per_page in (2, 3, 25):
            counts, seen, last = _every_page(rnd, show, per_page)
            assert seen == expected[show], (show, per_page)
            assert last.total == len(expected[show])
            assert counts == rounds.PoolCounts(len(expected["mentees"]),
                                               len(expected["mentors"]), places,
                                               len(expected["left_out"]))
        # a page past the end is the last page
        counts, page = rounds.pool_page(rnd, show, 99, 2)
        assert page.page == max(1, -(-len(expected[show]) // 2))
        assert [(p.user_id, p.name, p.detail) for p in page.items] == expected[show][
            (page.page - 1) * 2:page.page * 2]
    # The engine's people for a few members (locking a pair) are the pool's own.
    for some in ([u.id for u in people.values()][::2], [u.id for u in people.values()][1::2]):
        few = bridge.load_pool_of(rnd.region_id, some)
        assert few.mentees == [m for m in pool.mentees if bridge.user_id(m.id) in some]
        assert few.mentors == [m for m in pool.mentors if bridge.user_id(m.id) in some]
    mentees, mentors = rounds.pick_lists(rnd)
    assert [(p.user_id, p.name) for p in mentees] == [p[:2] for p in expected["mentees"]]
    assert [(p.user_id, p.name) for p in mentors] == [p[:2] for p in expected["mentors"]]
    mentees, mentors = rounds.pick_lists(rnd, limit=2)
    assert [p.user_id for p in mentees] == [p[0] for p in expected["mentees"][:2]]
    assert [p.user_id for p in mentors] == [p[0] for p in expected["mentors"][:2]]


def test_an_empty_pool_shows_its_counts_and_no_one(app):
    load_reference()
    rnd = MentoringRound(name="Round", status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()
    for show in ("mentees", "mentors", "left_out"):
        counts, page = rounds.pool_page(rnd, show, 3, 25)
        assert counts == rounds.PoolCounts(0, 0, 0, 0)
        assert (page.items, page.total, page.page) == ([], 0, 1)
    assert rounds.pick_lists(rnd) == ([], [])


def test_a_pair_is_found_by_label_or_exact_name_in_one_statement(app):
    people = _pool_with_every_reason()
    rnd = MentoringRound(name="Round", status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()
    ann, meg = people["ann"], people["meg"]
    expected = (ann.id, meg.id)
    rnd.region_id  # noqa: B018 (read before counting)
    statements = []

    def count(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        found = rounds.find_pair(rnd, "  ann   WAITING ", "Meg Mentor")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert found == expected and len(statements) == 1
    twin = people["twin2"]
    label = rounds.label(rounds.Person(twin.id, twin.display_name))
    assert rounds.find_pair(rnd, label, f"Meg Mentor (member {meg.id})") == (twin.id, meg.id)

    def problem(mentee_typed, mentor_typed):
        with pytest.raises(rounds.RoundError) as caught:
            rounds.find_pair(rnd, mentee_typed, mentor_typed)
        return str(caught.value)

    assert problem("Sam Same", "Meg Mentor") == (
        "2 mentees are called Sam Same: pick one from the list, which adds their member number.")
    assert problem("Nobody", "Nobody Else") == (
        "No mentee in this round's pool is called Nobody. Check the spelling or pick from the "
        "list.")
    assert problem("Ann Waiting", "Nobody Else") == (
        "No mentor in this round's pool is called Nobody Else. Check the spelling or pick from "
        "the list.")
    # left out, or on the other side only
    assert problem("Una Unassessed", "Meg Mentor").startswith("No mentee in this round's pool")
    assert problem("Ann Waiting", "Pam Paused").startswith("No mentor in this round's pool")
    assert problem(f"Meg Mentor (member {meg.id})", "Meg Mentor") == (
        f"Member {meg.id} isn't one of the mentees in this round's pool.")
    assert problem("Ann Waiting (member 99999999999)", "Meg Mentor") == (
        "Member 99999999999 isn't one of the mentees in this round's pool.")


def test_the_pool_and_pairs_pages_run_a_fixed_number_of_statements(app, client, auth):
    load_reference()
    coordinator = make_user(email="cora@example.org", name="Cora Coordinator",
                            roles=[Role.COORDINATOR])
    auth.login(coordinator.email)
    mentee("Abe First")
    mentor("Mel First")
    rnd = MentoringRound(name="Round", status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()
    base = f"/mentoring/rounds/{rnd.id}"
    paths = [f"{base}/pool", f"{base}/pool?show=mentors", f"{base}/pool?show=left_out&page=2",
             f"{base}/pairs", base]
    statements_per_page(client, paths)  # warm-up
    small = statements_per_page(client, paths)
    _pool_with_every_reason()
    for n in range(30):
        mentee(f"More Waiting {n}", "Camden" if n % 2 else "Leeds")
    big = statements_per_page(client, paths)
    assert small == big
    # The signed-in account, then on the pool page the round with the counts and page; on the
    # pairs page the round with its rules and the pick lists; on the round's page the round
    # with its job and its rules.
    assert big[f"{base}/pool"] <= 2 and big[f"{base}/pairs"] <= 2 and big[base] <= 2, big
    assert "waiting for a mentor" in client.get(f"{base}/pool").text



@pytest.mark.parametrize("regional", [False, True])
def test_the_pool_pages_follow_a_council_moved_or_a_region_renamed_at_once(app, regional):
    """The counts and pick lists read the council areas from the process's copy of them (no
    join): a change to a council's region, or a region without a name, shows at once."""
    _pool_with_every_reason()
    london = db.session.scalar(sa.select(Region.id).where(Region.name == "London"))
    rnd = MentoringRound(name="Round", region_id=london if regional else None,
                         status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()

    def same_as_the_engine():
        expected, places, _ = _expected(rnd.region_id)
        for show in ("mentees", "mentors", "left_out"):
            counts, seen, _ = _every_page(rnd, show, 25)
            assert seen == expected[show], show
            assert counts == rounds.PoolCounts(len(expected["mentees"]),
                                               len(expected["mentors"]), places,
                                               len(expected["left_out"]))
        mentees, mentors = rounds.pick_lists(rnd)
        assert [(p.user_id, p.name) for p in mentees] == [p[:2] for p in expected["mentees"]]
        assert [(p.user_id, p.name) for p in mentors] == [p[:2] for p in expected["mentors"]]
        return expected

    before = same_as_the_engine()
    assert before["mentees"]
    leeds, camden = council("Leeds"), council("Camden")
    leeds.region_id, camden.region_id = camden.region_id, leeds.region_id
    db.session.commit()
    moved = same_as_the_engine()
    if regional:
        assert moved != before
    db.session.get(Region, london).name = ""  # no region: NO_COUNCIL for its councils
    db.session.commit()
    renamed = same_as_the_engine()
    assert renamed != moved
    assert bridge.NO_COUNCIL in {why for _, _, why in renamed["left_out"]}


def _london_round_seen_by_a_coordinator(auth) -> MentoringRound:
    """A draft round for London over ``_pool_with_every_reason``'s pool, a coordinator signed in."""
    _pool_with_every_reason()
    coordinator = make_user(email="cora@example.org", name="Cora Coordinator",
                            roles=[Role.COORDINATOR])
    auth.login(coordinator.email)
    london = db.session.scalar(sa.select(Region.id).where(Region.name == "London"))
    rnd = MentoringRound(name="Round", region_id=london, status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()
    return rnd


def test_the_pool_page_reads_a_round_again_when_its_region_is_not_the_one_known(
        app, client, auth):
    """The pool page's one statement is written for the region this process knows the round
    by; the region read with it is checked, so a round in another region, or none, shows its
    own pool."""
    rnd = _london_round_seen_by_a_coordinator(auth)
    url = f"/mentoring/rounds/{rnd.id}/pool"

    def shown():
        text = client.get(url).text
        return (re.search(r"As things stand now for ([^.]+)\.", text).group(1),
                re.findall(r"<strong>(\d+)</strong>", text))

    def counted():
        counts, _ = rounds.pool_page(rnd, "mentees", 1, 25)
        return [str(counts.mentees), str(counts.mentors), str(counts.left_out)]

    assert shown() == ("London", counted())
    rnd.region_id = None  # as nothing in the app does: a round keeps its region
    db.session.commit()
    assert shown() == ("the whole country", counted())
    assert shown() == ("the whole country", counted())
    db.session.delete(rnd)
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_pairs_page_reads_a_round_again_when_its_region_is_not_the_one_known(
        app, client, auth):
    """The pairs page's one statement reads the pick lists of the region this process knows
    the round by; the region read with them is checked, so a round in another region, or
    none, shows its own pool's people."""
    rnd = _london_round_seen_by_a_coordinator(auth)
    url = f"/mentoring/rounds/{rnd.id}/pairs"

    def shown():
        text = client.get(url).get_data(as_text=True)
        return [re.findall(r'<option value="[^"]*\(member (\d+)\)"></option>',
                           text[text.index(f'id="{i}"'):].split("</datalist>")[0])
                for i in ("pool-mentees", "pool-mentors")]

    def listed():
        return [[str(p.user_id) for p in people] for people in rounds.pick_lists(rnd)]

    regional = listed()
    assert shown() == regional
    rnd.region_id = None  # as nothing in the app does: a round keeps its region
    db.session.commit()
    assert listed() != regional
    assert shown() == listed()
    assert shown() == listed()
    rnd.status = RoundStatus.PUBLISHED  # no pick lists for a round that can't change
    db.session.commit()
    found, rules, picks = rounds.round_rules_and_picks(rnd.id)
    assert (found.status, rules, picks) == (RoundStatus.PUBLISHED, [], None)
    assert 'id="pool-mentees"' not in client.get(url).get_data(as_text=True)
    db.session.delete(rnd)
    db.session.commit()
    assert client.get(url).status_code == 404


def _kept_and_worked_out():
    """The database's kept pool rows (``mentoring_pool``), and the same rows worked out from
    scratch by the SQL its triggers run."""
    columns = mentoring_pool._COLUMNS
    fresh = mentoring_pool.pool_rows_sql("1 = 1")
    fresh = fresh[fresh.index(") SELECT ") + 2:]
    kept = db.session.execute(sa.text(f"SELECT {columns} FROM mentoring_pool ORDER BY user_id"))
    return ([tuple(r) for r in kept],
            sorted(tuple(r) for r in db.session.execute(sa.text(fresh))))


def _same_pool_everywhere(rnd) -> None:
    kept, fresh = _kept_and_worked_out()
    assert kept == fresh
    expected, places, _ = _expected(rnd.region_id)
    for show in ("mentees", "mentors", "left_out"):
        counts, seen, _ = _every_page(rnd, show, 25)
        assert seen == expected[show], show
        assert counts.places == places


def test_the_kept_pool_follows_every_change_to_the_tables_it_comes_from(app):
    people = _pool_with_every_reason()
    rnd = MentoringRound(name="Round", status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()
    kept, _ = _kept_and_worked_out()
    assert {r[0] for r in kept} >= {people[k].id for k in ("ann", "max", "shut", "half")}
    assert people["notasking"].id not in {r[0] for r in kept}
    assert people["gone"].id not in {r[0] for r in kept}
    _same_pool_everywhere(rnd)
    leeds = db.session.scalar(sa.select(Profile.local_authority_id)
                              .where(Profile.user_id == people["ann"].id))

    def latest(user):
        return db.session.scalars(
            sa.select(SelfAssessment).where(SelfAssessment.user_id == user.id)
            .order_by(SelfAssessment.completed_at.desc(), SelfAssessment.id.desc())).first()

    def change(*steps):
        for step in steps:
            step()
            db.session.commit()
            _same_pool_everywhere(rnd)

    def update(user, **values):
        return lambda: setattr_all(_profile(user), values)

    def setattr_all(row, values):
        for key, value in values.items():
            setattr(row, key, value)

    ann, meg, max_ = people["ann"], people["meg"], people["max"]
    change(
        # accounts: renamed, confirmed, closed and opened again
        lambda: setattr(ann, "display_name", "Annie Waiting"),
        lambda: setattr(people["unconfirmed"], "email_verified_at", ann.email_verified_at),
        lambda: setattr(meg, "is_active_account", False),
        lambda: setattr(meg, "is_active_account", True),
        # profiles: asked, stopped asking, each thing the rules read
        update(people["notasking"], wants_mentor=True),
        update(ann, wants_mentor=False),
        update(ann, wants_mentor=True, level=None),
        update(ann, level=3, local_authority_id=None),
        update(ann, local_authority_id=leeds, organisation_id=None),
        update(ann, organisation_id=_profile(people["anne"]).organisation_id),
        update(meg, mentoring_paused=True),
        update(meg, mentoring_paused=False, mentor_capacity=1, meets_online=False),
        # roles given and taken away
        lambda: accounts.change_role(people["ann"], people["anne"], Role.MENTOR, grant=True),
        lambda: accounts.change_role(people["ann"], people["max"], Role.MENTOR, grant=False),
        lambda: accounts.change_role(people["ann"], people["max"], Role.MENTOR, grant=True),
    )
    # mentorships: offered, declined, asked for again, gone
    pair = offer(ann, meg)
    _same_pool_everywhere(rnd)
    change(lambda: setattr(pair, "status", MentorshipStatus.DECLINED),
           lambda: setattr(pair, "status", MentorshipStatus.REQUESTED),
           lambda: setattr(pair, "mentor_id", max_.id),
           lambda: db.session.delete(pair))
    # self-assessments: a newer unfinished one, finished with a score missing, a score added,
    # moved, and the latest deleted
    fw = lqf.framework()
    elements = [e for d in fw.dimensions for e in d.elements]
    newest = SelfAssessment(user_id=max_.id, framework_id=fw.id,
                            scores=[AssessmentScore(element_id=e.id, score=2)
                                    for e in elements[1:]])
    change(lambda: db.session.add(newest),
           lambda: setattr(newest, "completed_at", utcnow()))
    assert latest(max_).id == newest.id
    assert not db.session.scalar(sa.text("SELECT assessed FROM mentoring_pool WHERE user_id = "
                                         f"{max_.id}"))
    change(lambda: db.session.add(AssessmentScore(assessment_id=newest.id,
                                                  element_id=elements[0].id, score=3)))
    assert db.session.scalar(sa.text(f"SELECT assessed FROM mentoring_pool WHERE user_id = "
                                     f"{max_.id}"))
    # a score moved from one person's latest assessment to another's, one deleted, the
    # assessment given to someone else, unfinished again and deleted
    moved = elements[5].id
    megs = latest(meg)
    change(lambda: db.session.execute(sa.delete(AssessmentScore).where(
               AssessmentScore.assessment_id == megs.id, AssessmentScore.element_id == moved)),
           lambda: db.session.execute(
               sa.update(AssessmentScore)
               .where(AssessmentScore.assessment_id == newest.id,
                      AssessmentScore.element_id == moved)
               .values(assessment_id=megs.id)))
    assert db.session.scalar(sa.text(f"SELECT assessed FROM mentoring_pool WHERE user_id = "
                                     f"{meg.id}"))
    change(lambda: db.session.execute(sa.delete(AssessmentScore).where(
               AssessmentScore.assessment_id == megs.id,
               AssessmentScore.element_id == elements[3].id)),
           lambda: setattr(newest, "user_id", people["zoe"].id),
           lambda: setattr(newest, "completed_at", None),
           lambda: db.session.delete(newest))
    # an organisation's type of service
    house = _profile(ann).organisation
    change(lambda: setattr(house, "service_type", ServiceType.HOME_CARE))
    # a profile and an account removed
    change(lambda: db.session.delete(_profile(people["zoe"])),
           lambda: db.session.delete(db.session.get(User, people["twin1"].id)),
           # straight from the table, as nothing in the app does
           lambda: db.session.execute(sa.delete(User).where(User.id == people["mix"].id)))


def test_the_pick_lists_show_each_change_at_once(app, client, auth):
    load_reference()
    coordinator = make_user(email="cora@example.org", name="Cora Coordinator",
                            roles=[Role.COORDINATOR])
    auth.login(coordinator.email)
    ann = mentee("Ann <Waiting>")
    meg = mentor("Meg Mentor")
    rnd = MentoringRound(name="Round", status=RoundStatus.DRAFT, weights={})
    db.session.add(rnd)
    db.session.commit()
    url = f"/mentoring/rounds/{rnd.id}/pairs"

    def options():
        text = client.get(url).get_data(as_text=True)
        return [re.findall(r'<option value="([^"]*)"></option>', text[text.index(f'id="{i}"'):]
                           .split("</datalist>")[0]) for i in ("pool-mentees", "pool-mentors")]

    assert options() == [[f"Ann &lt;Waiting&gt; (member {ann.id})"],
                         [f"Meg Mentor (member {meg.id})"]]
    assert options() == options()  # shown again, the same
    ann.display_name = "Annie"
    db.session.commit()
    assert options() == [[f"Annie (member {ann.id})"], [f"Meg Mentor (member {meg.id})"]]
    abe = mentee("Abe Later")
    _profile(meg).mentoring_paused = True
    db.session.commit()
    assert options() == [[f"Abe Later (member {abe.id})", f"Annie (member {ann.id})"], []]


@pytest.mark.parametrize("regional", [False, True])
def test_the_pick_lists_are_read_in_name_order_from_their_own_indexes(app, regional):
    """The first thousand mentees and mentors by name are read in name order from an index,
    not sorted from every row that qualifies. On PostgreSQL each comes from its list's
    partial index, whose conditions are among the list's own (``bridge._pool_checks``), so
    the planner can use it; the tables here are small, so it is asked to avoid scanning the
    table and sorting where it can. SQLite reads the pool by name and stops at the limit."""
    _pool_with_every_reason()
    london = db.session.scalar(sa.select(Region.id).where(Region.name == "London"))
    statement = rounds._pick_statement(db.engine.dialect.name,
                                       bridge.councils(london if regional else None), 1000)
    conn = db.session.connection()
    if db.engine.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        conn.exec_driver_sql("SET LOCAL enable_sort = off")
        plan = "\n".join(row[0] for row in conn.exec_driver_sql(
            "EXPLAIN " + rounds._pool_sql(statement, db.engine.dialect)))
        assert "ix_mentoring_pool_mentees" in plan and "ix_mentoring_pool_mentors" in plan, plan
        assert "Sort" not in plan, plan
    else:
        text = str(statement.compile(dialect=db.engine.dialect,
                                     compile_kwargs={"literal_binds": True}))
        plan = "\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + text))
        assert plan.count("SCAN mentoring_pool USING INDEX ix_mentoring_pool_") == 2, plan
        assert "TEMP B-TREE" not in plan, plan

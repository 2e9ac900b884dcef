"""The bridge turns profiles into the engine's people, with a reason for everyone left out."""
import sqlalchemy as sa

from matching import match_mentors
from matching.lqf import ELEMENT_CODES
from netapp.extensions import db
from netapp.models import Mentorship, MentorshipStatus, Profile, Role, UserRole
from netapp.services import matching_bridge as bridge
from netapp.services import profiles
from netapp.services.demo import seed_demo


def _ask_for_mentors(fraction_every: int = 3) -> None:
    # Only a few demo members ask for a mentor; a third of the non-mentors do here.
    mentors = sa.select(UserRole.user_id).where(UserRole.role == Role.MENTOR)
    db.session.execute(
        sa.update(Profile).where(Profile.user_id.not_in(mentors),
                                 Profile.user_id % fraction_every == 0)
        .values(wants_mentor=True)
    )
    db.session.commit()


def test_demo_profiles_become_engine_people_and_everyone_left_out_has_a_reason(app):
    seed_demo(members=300, seed=5)
    _ask_for_mentors()
    rows = {r["user_id"]: r for r in profiles.matching_rows()}
    pool = bridge.load_pool()
    assert pool.mentees and pool.mentors
    wanting = set(db.session.scalars(sa.select(Profile.user_id).where(Profile.wants_mentor)))
    mentors = set(db.session.scalars(
        sa.select(UserRole.user_id).where(UserRole.role == Role.MENTOR)))
    placed = {bridge.user_id(p.id) for p in pool.mentees} | {bridge.user_id(p.id)
                                                            for p in pool.mentors}
    # everyone who asked, and every mentor, is either in the pool or told why not; a member
    # whose offer or request is under way (the demo has one) waits for that answer instead
    under_way = set(db.session.scalars(
        sa.select(Mentorship.mentee_id).where(Mentorship.status.in_(bridge.BUSY))))
    assert (wanting - under_way) | mentors <= placed | set(pool.left_out)
    assert not under_way & placed
    for mentee in pool.mentees:
        row = rows[bridge.user_id(mentee.id)]
        assert mentee.lqf == tuple(row["lqf"][c] for c in ELEMENT_CODES)
        assert mentee.level == row["level"] and mentee.region == row["region"]
        assert mentee.needs == tuple(row["needs"]) and mentee.service_type == row["service_type"]
    for uid, reason in pool.left_out.items():
        if reason == bridge.NO_ASSESSMENT:
            assert len(rows[uid]["lqf"]) < 28
    assert any(r == bridge.NO_ASSESSMENT for r in pool.left_out.values())
    # the engine takes the pool as it is
    result = match_mentors(pool.mentees, pool.mentors)
    assert result.pairs
    assert all(bridge.user_id(p.mentee_id) in wanting for p in result.pairs)


def test_a_regional_pool_keeps_mentees_in_the_region_and_counts_taken_places(app):
    seed_demo(members=300, seed=6)
    _ask_for_mentors(2)
    from netapp.models import LocalAuthority, Region

    london = db.session.scalar(sa.select(Region.id).where(Region.name == "London"))
    pool = bridge.load_pool(region_id=london)
    assert pool.mentees and {m.region for m in pool.mentees} == {"London"}
    assert all(m.region == "London" or m.online for m in pool.mentors)
    # a mentor with one place and an open offer is full; a paused mentor is left out too
    mentor = pool.mentors[0]
    uid = bridge.user_id(mentor.id)
    mentee = bridge.user_id(pool.mentees[0].id)
    for _ in range(mentor.capacity):
        db.session.add(Mentorship(mentee_id=mentee, mentor_id=uid,
                                  status=MentorshipStatus.OFFERED))
    db.session.commit()
    again = bridge.load_pool(region_id=london)
    assert again.left_out[uid] == bridge.FULL
    assert mentee not in {bridge.user_id(m.id) for m in again.mentees}
    assert db.session.get(LocalAuthority, 1) is not None


def test_a_blank_organisation_is_unknown_not_shared(app):
    seed_demo(members=60, seed=7)
    row = profiles.matching_rows()[0]
    row = dict(row, organisation_id=None, lqf={c: 2 for c in ELEMENT_CODES})
    assert bridge.to_mentee(row).organisation == ""
    row2 = dict(row, organisation_id=12)
    assert bridge.to_mentor(row2, 1).organisation == "org-12"
    assert bridge.to_mentee(dict(row, level=None)) == bridge.NO_LEVEL
    assert bridge.to_mentee(dict(row, local_authority_id=None, region=None)) == bridge.NO_COUNCIL

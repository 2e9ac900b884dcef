"""The flask commands: reference data, demo data, first admin."""
import sqlalchemy as sa

from netapp.data.places import REGIONS
from netapp.extensions import db
from netapp.models import (
    LocalAuthority,
    Organisation,
    Profile,
    Region,
    Role,
    ServiceType,
    User,
    UserRole,
)


def test_seed_places_loads_nine_regions_and_every_council_once(runner):
    first = runner.invoke(args=["seed-places"])
    assert first.exit_code == 0
    again = runner.invoke(args=["seed-places"])
    assert "(0 added)" in again.output
    assert db.session.scalar(sa.select(sa.func.count(Region.id))) == 9
    councils = db.session.execute(
        sa.select(LocalAuthority.name, Region.name).join(Region)
    ).all()
    assert len(councils) == sum(len(v) for v in REGIONS.values()) == 153
    assert ("Leeds", "Yorkshire and the Humber") in councils
    assert ("Cornwall", "South West") in councils


def test_seed_demo_is_realistic_and_deterministic(runner):
    result = runner.invoke(args=["seed-demo", "--members", "300", "--seed", "7"])
    assert result.exit_code == 0, result.output
    for role in ("admin", "coordinator", "mentor", "member"):
        assert f"{role}@demo.example.org" in result.output
    users = db.session.scalar(sa.select(sa.func.count(User.id)))
    assert users == 304
    kinds = set(db.session.scalars(sa.select(Organisation.service_type).distinct()))
    assert kinds == set(ServiceType)
    mentors = db.session.execute(
        sa.select(Profile.mentor_capacity).join(UserRole, UserRole.user_id == Profile.user_id)
        .where(UserRole.role == Role.MENTOR)
    ).scalars().all()
    assert mentors and all(1 <= c <= 3 for c in mentors)
    regions_used = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(LocalAuthority.region_id)))
        .join(Profile, Profile.local_authority_id == LocalAuthority.id)
    )
    assert regions_used == 9
    names = sorted(db.session.scalars(sa.select(User.email)))
    # The demo logins work with the printed password.
    admin = db.session.execute(
        sa.select(User).where(User.email == "admin@demo.example.org")
    ).scalar_one()
    assert admin.has_role(Role.ADMIN) and admin.check_password("network-demo-2026")

    # Same seed, same people.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    assert runner.invoke(args=["seed-demo", "--members", "300", "--seed", "7"]).exit_code == 0
    assert sorted(db.session.scalars(sa.select(User.email))) == names


def test_seed_demo_refuses_a_database_with_accounts(runner, users):
    result = runner.invoke(args=["seed-demo", "--members", "50"])
    assert result.exit_code != 0
    assert "already has accounts" in result.output
    ok = runner.invoke(args=["seed-demo", "--members", "50", "--if-empty"])
    assert ok.exit_code == 0 and "leaving it as it is" in ok.output


def test_create_admin_command(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "Boss@Example.org", "--name", "Bo Boss"],
        input="a strong password\na strong password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(sa.select(User).where(User.email == "boss@example.org")).scalar_one()
    assert user.has_role(Role.ADMIN) and user.check_password("a strong password")


def test_create_admin_rejects_short_password(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "boss@example.org", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0

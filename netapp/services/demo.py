"""Realistic, deterministic demo data: members, organisations, mentors and coordinators."""
from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import LocalAuthority, Organisation, Profile, Role, ServiceType, User, UserRole
from netapp.models.accounts import hash_password
from netapp.models.base import utcnow
from netapp.services.places import ensure_places

DEMO_PASSWORD = "network-demo-2026"
DEMO_DOMAIN = "demo.example.org"

FIRST_NAMES = [
    "Aisha", "Amara", "Amelia", "Amir", "Ana", "Andrew", "Angela", "Anita", "Bola", "Carol",
    "Chen", "Chloe", "Claire", "Daniel", "David", "Deborah", "Deepa", "Dorota", "Ebony", "Elaine",
    "Emma", "Fatima", "Femi", "Fiona", "Gareth", "Grace", "Hannah", "Harpreet", "Helen", "Ian",
    "Imran", "Jacqueline", "James", "Janet", "Jasmine", "Jennifer", "Joanne", "John", "Joseph",
    "Julie", "Karen", "Kemi", "Kwame", "Laura", "Leanne", "Lisa", "Lorraine", "Mandeep",
    "Margaret", "Maria", "Mark", "Mary", "Michelle", "Mohammed", "Nadia", "Natalie", "Nicola",
    "Nkechi", "Olu", "Patricia", "Paul", "Priya", "Rachel", "Rebecca", "Richard", "Rosa", "Ruth",
    "Samantha", "Sandra", "Sarah", "Shabana", "Sharon", "Simon", "Sophie", "Stephen", "Susan",
    "Tendai", "Theresa", "Tomasz", "Tracey", "Victoria", "Wendy", "Yasmin", "Yusuf", "Zainab",
    "Zoe"
]
LAST_NAMES = [
    "Adeyemi", "Ahmed", "Ali", "Allen", "Anderson", "Asante", "Bailey", "Baker", "Banda", "Begum",
    "Bell", "Bennett", "Brown", "Campbell", "Chowdhury", "Clarke", "Collins", "Cooper", "Davies",
    "Evans", "Fernandes", "Fletcher", "Green", "Hall", "Harris", "Hughes", "Hussain", "Jackson",
    "James", "Johnson", "Jones", "Kaur", "Khan", "King", "Kowalski", "Lee", "Lewis", "Martin",
    "Mensah", "Mistry", "Moore", "Morgan", "Morris", "Murphy", "Nowak", "Okafor", "Okonkwo",
    "Owusu", "Patel", "Phillips", "Price", "Reid", "Roberts", "Robinson", "Sharma", "Shaw",
    "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson",
    "White", "Williams", "Wilson", "Wood", "Wright", "Young"
]
PLACE_WORDS = [
    "Acorn", "Alder", "Ashgrove", "Beech", "Birchwood", "Bluebell", "Briar", "Brook", "Cedar",
    "Chestnut", "Clover", "Elm", "Fern", "Foxglove", "Hawthorn", "Hazel", "Heather", "Holly",
    "Juniper", "Larch", "Laurel", "Lavender", "Linden", "Maple", "Meadow", "Oak", "Orchard",
    "Poplar", "Riverside", "Rowan", "Sycamore", "Thistle", "Willow", "Woodland", "Heron",
    "Kestrel", "Lark", "Mill", "Priory", "Abbey", "Vale", "Ridge", "Harbour", "Fairfield",
    "Greenacre", "Southview", "Parkside"
]
SUFFIX = {
    ServiceType.CARE_HOME: ("Care Home", "House", "Lodge", "Court"),
    ServiceType.NURSING_HOME: ("Nursing Home", "Nursing and Residential Home", "Manor"),
    ServiceType.HOME_CARE: ("Home Care", "Care at Home", "Homecare Services"),
    ServiceType.SUPPORTED_LIVING: ("Supported Living", "Support Services"),
    ServiceType.EXTRA_CARE_HOUSING: ("Extra Care Scheme", "Extra Care Housing"),
    ServiceType.SHARED_LIVES: ("Shared Lives Scheme",),
    ServiceType.DAY_SERVICE: ("Day Centre", "Day Opportunities"),
}
# Rough shape of the sector: most services are care homes or home care.
SERVICE_MIX = (
    (ServiceType.CARE_HOME, 34), (ServiceType.HOME_CARE, 30), (ServiceType.NURSING_HOME, 14),
    (ServiceType.SUPPORTED_LIVING, 12), (ServiceType.EXTRA_CARE_HOUSING, 4),
    (ServiceType.DAY_SERVICE, 4), (ServiceType.SHARED_LIVES, 2),
)
JOB_TITLES = ("Registered Manager", "Registered Manager", "Registered Manager",
              "Deputy Manager", "Care Manager", "Service Manager", "Home Manager",
              "Registered Manager and Nominated Individual")


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


def _is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def seed_demo(members: int = 3000, seed: int = 2026) -> list[DemoLogin]:
    """Fill an empty database with demo data; return the known demo logins.

    Raises ValueError when the database already has accounts, so nothing is ever mixed in.
    """
    if members < 10:
        raise ValueError(f"members must be at least 10, got {members}")
    if not _is_empty():
        raise ValueError(
            "The database already has accounts; demo data goes only into an empty one."
        )
    rng = random.Random(seed)
    ensure_places()
    councils = db.session.execute(sa.select(LocalAuthority.id, LocalAuthority.name)).all()
    shared_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()

    org_ids, org_council = _seed_organisations(rng, councils, max(40, members // 8))
    names_seen: set[str] = set()
    user_rows = []
    for _ in range(members):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        handle = f"{first}.{last}".lower()
        n = 1
        while f"{handle}{n}" in names_seen:
            n += 1
        names_seen.add(f"{handle}{n}")
        user_rows.append({
            "email": f"{handle}{n}@{DEMO_DOMAIN}",
            "display_name": f"{first} {last}",
            "password_hash": shared_hash,
            "is_active_account": True,
            "email_verified_at": now,
            "created_at": now,
        })
    logins = [
        ("admin", "admin", "Alex Shah"),
        ("coordinator", "coordinator", "Chris Okafor"),
        ("mentor", "mentor", "Morgan Mentor"),
        ("member", "member", "Sam Member"),
    ]
    for _, local, name in logins:
        user_rows.append({"email": f"{local}@{DEMO_DOMAIN}", "display_name": name,
                          "password_hash": shared_hash, "is_active_account": True,
                          "email_verified_at": now, "created_at": now})
    # sort_by_parameter_order: ids come back in the order of the rows, so they can be paired up.
    new_users = sa.insert(User).returning(User.id, sort_by_parameter_order=True)
    user_ids = list(db.session.scalars(new_users, user_rows))
    if len(user_ids) != len(user_rows):
        raise RuntimeError("the database did not return an id for every new account")

    role_rows, profile_rows = [], []
    special = dict(zip((login[0] for login in logins), user_ids[members:], strict=True))
    mentor_ids = set(rng.sample(user_ids[:members], k=max(1, members // 6)))
    mentor_ids.add(special["mentor"])
    coordinator_ids = set(rng.sample(user_ids[:members], k=max(2, members // 500)))
    coordinator_ids.add(special["coordinator"])
    for uid in user_ids:
        role_rows.append({"user_id": uid, "role": Role.MEMBER, "granted_at": now})
        if uid in mentor_ids:
            role_rows.append({"user_id": uid, "role": Role.MENTOR, "granted_at": now})
        if uid in coordinator_ids:
            role_rows.append({"user_id": uid, "role": Role.COORDINATOR, "granted_at": now})
    role_rows.append({"user_id": special["admin"], "role": Role.ADMIN, "granted_at": now})

    for uid in user_ids:
        org = rng.choice(org_ids)
        # Most managers work in the council area of their service; a few cover a neighbour.
        council = org_council[org] if rng.random() < 0.9 else rng.choice(councils)[0]
        is_mentor = uid in mentor_ids
        level = rng.choices((1, 2, 3, 4), weights=(5, 45, 40, 10))[0]
        if is_mentor:
            level = max(level, 3)
        profile_rows.append({
            "user_id": uid,
            "job_title": rng.choice(JOB_TITLES),
            "organisation_id": org,
            "local_authority_id": council,
            "level": level,
            "years_as_manager": rng.randint(8, 25) if is_mentor else rng.randint(0, 20),
            "meets_online": rng.random() < 0.8,
            "mentor_capacity": rng.choices((1, 2, 3), weights=(4, 4, 2))[0] if is_mentor else 0,
            "updated_at": now,
        })
    db.session.execute(sa.insert(UserRole), role_rows)
    db.session.execute(sa.insert(Profile), profile_rows)
    # Member profiles (issue 5): its own random stream, so the people above stay the same.
    from netapp.services.demo_profiles import seed_member_assessment, seed_profiles

    seed_profiles(random.Random(seed + 5), profile_rows, mentor_ids, now)
    seed_member_assessment(special["member"], now)
    # Mentoring (issue 10): members asking, the demo pair, an offer and a round in preview.
    from netapp.services.demo_mentoring import seed_mentoring

    seed_mentoring(random.Random(seed + 10), profile_rows, mentor_ids, special, now)
    # Action learning sets (issue 11): a published set with the demo member, and members asking.
    from netapp.services.demo_sets import seed_sets

    seed_sets(random.Random(seed + 20), profile_rows, special, now)
    # Dashboard (issue 14): joining dates, sign-ins and a mentoring history, before the
    # isolation index is worked out below.
    from netapp.services.demo_dashboard import seed_dashboard

    seed_dashboard(random.Random(seed + 40), profile_rows, mentor_ids, special, now)
    # Networks (issue 12): leads and follows, events, discussions and stories, isolation index.
    from netapp.services.demo_networks import seed_networks

    seed_networks(random.Random(seed + 30), profile_rows, special, now)
    # Programme report (issue 14): the Award, services' ratings and feedback on the network.
    from netapp.services.demo_programme import seed_programme

    seed_programme(random.Random(seed + 50), profile_rows, special, now)
    db.session.commit()
    return [DemoLogin(role, f"{local}@{DEMO_DOMAIN}", DEMO_PASSWORD) for role, local, _ in logins]


def _seed_organisations(
    rng: random.Random, councils, count: int
) -> tuple[list[int], dict[int, int]]:
    kinds, weights = zip(*SERVICE_MIX, strict=True)
    rows, seen = [], set()
    now = utcnow()
    while len(rows) < count:
        kind = rng.choices(kinds, weights=weights)[0]
        council_id, council_name = rng.choice(councils)
        name = f"{rng.choice(PLACE_WORDS)} {rng.choice(SUFFIX[kind])}"
        if name in seen:
            name = f"{name}, {council_name}"
        if name in seen:
            continue
        seen.add(name)
        rows.append({"name": name, "service_type": kind, "local_authority_id": council_id,
                     "created_at": now})
    new_orgs = sa.insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True)
    ids = list(db.session.scalars(new_orgs, rows))
    return ids, {oid: row["local_authority_id"] for oid, row in zip(ids, rows, strict=True)}

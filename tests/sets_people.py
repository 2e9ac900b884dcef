"""Ready-made members who asked to join a set, and a formed pool, for the sets formation tests."""
from __future__ import annotations

import re

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import MeetingMode, Role, ServiceType, SetFormation, User
from netapp.services import profiles
from netapp.services import sets_formation as service
from tests.factories import make_user
from tests.profile_helpers import assess, council, join, load_reference


def asker(name: str, council_name: str = "Leeds", *, mode: str = "online",
          organisation: str | None = None, needs=("finance", "leadership"),
          service_type: ServiceType = ServiceType.CARE_HOME, tag: str | None = None,
          roles=()) -> User:
    """A confirmed member with a full profile who asked to join a set (``mode``)."""
    email = re.sub(r"[^a-z]+", ".", name.lower()) + "@example.org"
    user = make_user(email=email, name=name, roles=list(roles))
    profiles.save_about(user, display_name=name, job_title="Registered Manager",
                        organisation_name=organisation or f"{name} House",
                        service_type=service_type, local_authority_id=council(council_name).id,
                        level=3, years_as_manager=4, meets_online=mode != "in_person")
    by_code = {t.code: t.id for t in profiles.topics()}
    profiles.save_needs(user, [by_code[c] for c in needs])
    assess(user, lambda i: 1 + (i + len(name)) % 4)
    if tag:
        join(user, tag)
    if mode:
        service.ask_to_join(user, MeetingMode(mode), "")
    return user


def leeds_and_camden() -> dict[str, User]:
    """12 Leeds members meeting online (Lea and Lou work for one organisation) and 6 Camden
    members who meet only in person: two online sets in Leeds' region and one in-person set
    in London, with sizes 5-8."""
    load_reference()
    people = {}
    for n in range(12):
        name = f"Leeds {chr(65 + n)}"
        org = "Shared Care Ltd" if n in (0, 1) else None
        people[name] = asker(name, "Leeds", organisation=org,
                             service_type=list(ServiceType)[0 if org else n % 3])
    for n in range(6):
        name = f"Camden {chr(65 + n)}"
        people[name] = asker(name, "Camden", mode="in_person",
                             service_type=list(ServiceType)[n % 3])
    return people


def coordinator_user() -> User:
    return make_user(email="cora@example.org", name="Cora Coordinator",
                     roles=[Role.COORDINATOR])


def create(client, name="Spring sets", region="all", only_asked="yes", min_size=5,
           max_size=8, **weights) -> SetFormation:
    data = {"name": name, "region": region, "only_asked": only_asked, "min_size": min_size,
            "max_size": max_size, **service.default_weights(), **weights}
    response = client.post("/sets/formations/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(SetFormation).order_by(SetFormation.id.desc())).first()


def run(client, formation) -> None:
    response = client.post(f"/sets/formations/{formation.id}/run")
    assert response.status_code == 302
    db.session.expire_all()

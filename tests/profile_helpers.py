"""Helpers shared by the member-profile tests: reference data and ready-made profiles."""
from __future__ import annotations

import sqlalchemy as sa

from netapp.extensions import db
from netapp.models import LocalAuthority, ServiceType, User
from netapp.services import lqf, networks, profiles
from tests.reference_rows import load_reference as load_reference  # shared by the helpers' users


def council(name: str = "Leeds") -> LocalAuthority:
    return db.session.execute(
        sa.select(LocalAuthority).where(LocalAuthority.name == name)
    ).scalar_one()


def about_form(council_id: int, **changes) -> dict:
    data = {
        "display_name": "Mina Member",
        "job_title": "Registered Manager",
        "organisation_name": "Oak Lodge Care Home",
        "service_type": "care_home",
        "local_authority_id": str(council_id),
        "level": "3",
        "years_as_manager": "6",
        "meets_online": "yes",
    }
    data.update(changes)
    return data


def give_profile(user: User, council_name: str = "Leeds", *, level: int = 3, capacity: int = 0,
                 needs: tuple[str, ...] = ("leadership",), offers: tuple[str, ...] = (),
                 job_title: str = "Registered Manager") -> None:
    """A full profile through the services, as the wizard would save it."""
    profiles.save_about(user, display_name=user.display_name, job_title=job_title,
                        organisation_name=f"{user.display_name} House",
                        service_type=ServiceType.CARE_HOME,
                        local_authority_id=council(council_name).id, level=level,
                        years_as_manager=5, meets_online=True)
    by_code = {t.code: t.id for t in profiles.topics()}
    profiles.save_needs(user, [by_code[c] for c in needs])
    profiles.save_offer(user, capacity=capacity, topic_ids=[by_code[c] for c in offers],
                        availability="An hour a month" if capacity else "",
                        note="Happy to help" if capacity else "")


def assess(user: User, score_for=lambda i: 1 + i % 4) -> None:
    """A finished self-assessment; element i (0..27) gets score_for(i)."""
    fw = lqf.framework()
    elements = [e for d in fw.dimensions for e in d.elements]
    lqf.save_scores(user, fw, {e.id: score_for(i) for i, e in enumerate(elements)})
    lqf.complete(user, fw)


def join(user: User, code: str) -> None:
    networks.join_affinity(user, networks.by_code(code))

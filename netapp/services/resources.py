"""Learning resources for framework elements: admins keep the list; members get suggestions."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from netapp.extensions import db
from netapp.models import Dimension, Element, Framework, Resource, User
from netapp.services import audit, lqf


def all_resources(fw: Framework) -> list[Resource]:
    return list(db.session.scalars(
        sa.select(Resource).join(Element).join(Dimension)
        .where(Dimension.framework_id == fw.id)
        .order_by(Dimension.position, Element.position, Resource.title)
        .options(selectinload(Resource.element))
    ))


def by_element(fw: Framework) -> dict[int, list[Resource]]:
    out: dict[int, list[Resource]] = {}
    for resource in all_resources(fw):
        out.setdefault(resource.element_id, []).append(resource)
    return out


def suggestions(user: User, fw: Framework, n: int = 3) -> list[tuple[Element, list[Resource]]]:
    """The member's n weakest elements (latest self-assessment) with their resources."""
    scores = lqf.as_dict(lqf.latest(user.id, fw))
    if not scores:
        return []
    resources = by_element(fw)
    return [(e, resources.get(e.id, [])) for e in lqf.weakest_elements(fw, scores, n)]


def save(actor: User, resource: Resource | None, *, element_id: int, title: str, url: str,
         summary: str) -> Resource:
    if db.session.get(Element, element_id) is None:
        raise ValueError(f"no element with id {element_id!r}")
    created = resource is None
    if created:
        resource = Resource(element_id=element_id, title="", url="", summary="")
        db.session.add(resource)
    resource.element_id = element_id
    resource.title = title.strip()
    resource.url = url.strip()
    resource.summary = (summary or "").strip()
    db.session.flush()
    audit.record(actor, "resource.added" if created else "resource.changed", resource,
                 title=resource.title)
    db.session.commit()
    return resource


def delete(actor: User, resource: Resource) -> None:
    audit.record(actor, "resource.deleted", resource, title=resource.title)
    db.session.delete(resource)
    db.session.commit()

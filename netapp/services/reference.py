"""Load the framework, topics, affinity networks and interview questions from netapp.data (safe to
run again)."""
import sqlalchemy as sa

from netapp.data.lqf import AFFINITY_NETWORKS, FRAMEWORKS, OTHER_TOPICS, SUPPORT_AREAS
from netapp.extensions import db
from netapp.models import (
    Dimension,
    Element,
    Framework,
    LevelDescriptor,
    Network,
    NetworkKind,
    Topic,
)
from netapp.services import recruitment


def ensure_reference_data() -> int:
    """Insert whatever framework, topic or affinity network is missing; return rows added."""
    added = 0
    known = set(db.session.scalars(sa.select(Framework.code)))
    for spec in FRAMEWORKS:
        if spec["code"] in known:
            continue
        framework = Framework(code=spec["code"], name=spec["name"], description=spec["description"])
        db.session.add(framework)
        for score, label, text in spec["levels"]:
            db.session.add(LevelDescriptor(framework=framework, score=score, label=label,
                                           description=text))
        for position, (code, name, text, senior, elements) in enumerate(spec["dimensions"], 1):
            dimension = Dimension(framework=framework, code=code, name=name, description=text,
                                  position=position, is_senior=senior)
            db.session.add(dimension)
            for k, (element_name, element_text) in enumerate(elements, 1):
                db.session.add(Element(dimension=dimension, code=f"{code}{k}", name=element_name,
                                       description=element_text, position=k))
        added += 1
    topics = set(db.session.scalars(sa.select(Topic.code)))
    for position, (code, name) in enumerate(SUPPORT_AREAS + OTHER_TOPICS, 1):
        if code not in topics:
            db.session.add(Topic(code=code, name=name, position=position,
                                 is_support_area=position <= len(SUPPORT_AREAS)))
            added += 1
    networks = set(db.session.scalars(sa.select(Network.code)))
    for code, name, text in AFFINITY_NETWORKS:
        if code not in networks:
            db.session.add(Network(kind=NetworkKind.AFFINITY, code=code, name=name,
                                   description=text))
            added += 1
    db.session.flush()
    added += recruitment.ensure_questions()  # the kit's questions hang off the elements
    db.session.commit()
    return added

"""Load the Leadership Qualities Framework, the support topics and the affinity networks

Revision ID: 0003_framework_data
Revises: 0002_profiles
Create Date: 2026-11-25 12:15:00

A data migration. It copies netapp/data/lqf.py as it stood when written, so later edits to that
file need a migration of their own. Downgrade removes exactly these rows (and anything that
points at them).
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_framework_data'
down_revision = '0002_profiles'
branch_labels = None
depends_on = None

LQF_CODE = 'lqf-2012'
LEVELS = (
    (1, "Just starting", "I rarely do this yet, or I'm new to it."),
    (2, "Growing", "I do this sometimes and I'm building confidence."),
    (3, "Confident", "I do this well most of the time."),
    (4, "Strong", "I do this consistently and could help others learn it."),
)


def _tables():
    meta = sa.MetaData()
    frameworks = sa.Table('frameworks', meta, sa.Column('id', sa.Integer, primary_key=True),
                          sa.Column('code', sa.String), sa.Column('name', sa.String),
                          sa.Column('description', sa.Text))
    dimensions = sa.Table('framework_dimensions', meta, sa.Column('id', sa.Integer, primary_key=True),
                          sa.Column('framework_id', sa.Integer), sa.Column('code', sa.String),
                          sa.Column('name', sa.String), sa.Column('description', sa.Text),
                          sa.Column('position', sa.SmallInteger), sa.Column('is_senior', sa.Boolean))
    elements = sa.Table('framework_elements', meta, sa.Column('id', sa.Integer, primary_key=True),
                        sa.Column('dimension_id', sa.Integer), sa.Column('code', sa.String),
                        sa.Column('name', sa.String), sa.Column('description', sa.Text),
                        sa.Column('position', sa.SmallInteger))
    levels = sa.Table('framework_levels', meta, sa.Column('id', sa.Integer, primary_key=True),
                      sa.Column('framework_id', sa.Integer), sa.Column('element_id', sa.Integer),
                      sa.Column('score', sa.SmallInteger), sa.Column('label', sa.String),
                      sa.Column('description', sa.String))
    topics = sa.Table('topics', meta, sa.Column('id', sa.Integer, primary_key=True),
                      sa.Column('code', sa.String), sa.Column('name', sa.String),
                      sa.Column('is_support_area', sa.Boolean), sa.Column('position', sa.SmallInteger))
    networks = sa.Table('networks', meta, sa.Column('id', sa.Integer, primary_key=True),
                        sa.Column('kind', sa.String), sa.Column('code', sa.String),
                        sa.Column('name', sa.String), sa.Column('description', sa.Text),
                        sa.Column('local_authority_id', sa.Integer),
                        sa.Column('created_at', sa.DateTime))
    return frameworks, dimensions, elements, levels, topics, networks


def upgrade():
    from datetime import UTC, datetime

    from netapp.data.lqf import AFFINITY_NETWORKS, LQF, OTHER_TOPICS, SUPPORT_AREAS

    frameworks, dimensions, elements, levels, topics, networks = _tables()
    bind = op.get_bind()
    framework_id = bind.execute(
        frameworks.insert().values(code=LQF['code'], name=LQF['name'],
                                   description=LQF['description']).returning(frameworks.c.id)
    ).scalar_one()
    bind.execute(levels.insert(), [
        {'framework_id': framework_id, 'element_id': None, 'score': score, 'label': label,
         'description': text} for score, label, text in LQF['levels']
    ])
    for position, (code, name, text, senior, items) in enumerate(LQF['dimensions'], 1):
        dimension_id = bind.execute(
            dimensions.insert().values(framework_id=framework_id, code=code, name=name,
                                       description=text, position=position, is_senior=senior)
            .returning(dimensions.c.id)
        ).scalar_one()
        bind.execute(elements.insert(), [
            {'dimension_id': dimension_id, 'code': f'{code}{k}', 'name': element_name,
             'description': element_text, 'position': k}
            for k, (element_name, element_text) in enumerate(items, 1)
        ])
    bind.execute(topics.insert(), [
        {'code': code, 'name': name, 'position': position,
         'is_support_area': position <= len(SUPPORT_AREAS)}
        for position, (code, name) in enumerate(SUPPORT_AREAS + OTHER_TOPICS, 1)
    ])
    now = datetime.now(UTC).replace(tzinfo=None)
    bind.execute(networks.insert(), [
        {'kind': 'affinity', 'code': code, 'name': name, 'description': text,
         'local_authority_id': None, 'created_at': now}
        for code, name, text in AFFINITY_NETWORKS
    ])


def downgrade():
    frameworks, dimensions, elements, levels, topics, networks = _tables()
    bind = op.get_bind()
    fw = sa.select(frameworks.c.id).where(frameworks.c.code == LQF_CODE).scalar_subquery()
    dims = sa.select(dimensions.c.id).where(dimensions.c.framework_id == fw)
    elems = sa.select(elements.c.id).where(elements.c.dimension_id.in_(dims))
    for table, column in (('assessment_scores', 'element_id'), ('feedback_scores', 'element_id'),
                          ('learning_resources', 'element_id')):
        bind.execute(sa.text(f'DELETE FROM {table} WHERE {column} IN '
                             '(SELECT e.id FROM framework_elements e '
                             'JOIN framework_dimensions d ON d.id = e.dimension_id '
                             'JOIN frameworks f ON f.id = d.framework_id WHERE f.code = :code)'),
                     {'code': LQF_CODE})
    bind.execute(sa.text('DELETE FROM self_assessments WHERE framework_id IN '
                         '(SELECT id FROM frameworks WHERE code = :code)'), {'code': LQF_CODE})
    bind.execute(sa.text('DELETE FROM feedback_raters WHERE round_id IN (SELECT r.id FROM '
                         'feedback_rounds r JOIN frameworks f ON f.id = r.framework_id '
                         'WHERE f.code = :code)'), {'code': LQF_CODE})
    bind.execute(sa.text('DELETE FROM feedback_rounds WHERE framework_id IN '
                         '(SELECT id FROM frameworks WHERE code = :code)'), {'code': LQF_CODE})
    bind.execute(levels.delete().where(levels.c.framework_id == fw))
    bind.execute(elements.delete().where(elements.c.id.in_(elems)))
    bind.execute(dimensions.delete().where(dimensions.c.framework_id == fw))
    bind.execute(frameworks.delete().where(frameworks.c.code == LQF_CODE))
    codes = ('people_management', 'leadership', 'business_skills', 'communication', 'safeguarding',
             'cqc_inspection', 'recruitment_retention', 'finance', 'dementia_care', 'digital',
             'wellbeing', 'quality_improvement', 'partnership_working')
    bind.execute(sa.text('DELETE FROM member_needs WHERE topic_id IN '
                         '(SELECT id FROM topics WHERE code IN :codes)')
                 .bindparams(sa.bindparam('codes', expanding=True)), {'codes': list(codes)})
    bind.execute(sa.text('DELETE FROM member_offers WHERE topic_id IN '
                         '(SELECT id FROM topics WHERE code IN :codes)')
                 .bindparams(sa.bindparam('codes', expanding=True)), {'codes': list(codes)})
    bind.execute(topics.delete().where(topics.c.code.in_(codes)))
    affinity = ('bame', 'women', 'entrepreneurs')
    bind.execute(sa.text('DELETE FROM network_memberships WHERE network_id IN '
                         '(SELECT id FROM networks WHERE code IN :codes)')
                 .bindparams(sa.bindparam('codes', expanding=True)), {'codes': list(affinity)})
    bind.execute(networks.delete().where(networks.c.code.in_(affinity)))

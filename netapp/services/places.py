"""Load the regions and councils reference data."""
import sqlalchemy as sa

from netapp.data.places import REGIONS
from netapp.extensions import db
from netapp.models import LocalAuthority, Region


def ensure_places() -> int:
    """Insert any region or council that is missing; return how many rows were added."""
    regions = {r.name: r for r in db.session.scalars(sa.select(Region))}
    councils = set(db.session.scalars(sa.select(LocalAuthority.name)))
    added = 0
    for region_name, council_names in REGIONS.items():
        region = regions.get(region_name)
        if region is None:
            region = regions[region_name] = Region(name=region_name)
            db.session.add(region)
            added += 1
        for name in council_names:
            if name not in councils:
                db.session.add(LocalAuthority(name=name, region=region))
                added += 1
    db.session.commit()
    return added

"""The list of networks' regions and councils (``/networks/``), written as HTML in Python.

Looping over some 150 councils in Jinja cost the page about a millisecond (an address, a
test and an escape per council). The markup is the template's own loop, whitespace and all,
every value escaped as Jinja escapes it, so the page is the same byte for byte
(tests/test_networks_pages.py checks it against the loop it replaced).
"""
from __future__ import annotations

from markupsafe import Markup

from netapp.escaping import escaped
from netapp.services.network_directory import RegionCouncils


def _count(network_id: int | None, count: int | None) -> str:
    if count:
        return f"{count:,} members"
    return "fewer than 5 members" if network_id else "no members yet"


def regions_html(regions: list[RegionCouncils], my_region_id: int | None,
                 network_href: str) -> Markup:
    """Each region as a ``details`` list of its councils, open for the reader's own;
    ``network_href`` is a network's address without its id (already escaped).

    A process keeps each region's HTML by everything it shows (its name, whether it is open,
    each council's name, network and count as read, and the address), so a region changed in
    nothing is not written again and any change gives a new key, written on the next load."""
    kept = _KEPT
    parts: list[str] = []
    for region in regions:
        key = (region.name, region.id == my_region_id, tuple(region.councils), network_href)
        html = kept.get(key)
        if html is None:
            html = _region_html(region, region.id == my_region_id, network_href)
            if len(kept) >= MOST_KEPT:
                kept.clear()
            kept[key] = html
        parts.append(html)
    return Markup("".join(parts))


# Regions' HTML a process keeps (``regions_html``); past this many they are begun again.
MOST_KEPT = 256
_KEPT: dict[tuple, str] = {}


def _region_html(region: RegionCouncils, is_open: bool, network_href: str) -> str:
    parts: list[str] = []
    add = parts.append
    add(f'\n<details class="region"{" open" if is_open else ""}>\n'
        f'  <summary>{escaped(region.name)}</summary>\n  <ul class="council-list">\n')
    for name, network_id, count in region.councils:
        name = escaped(name)
        if network_id:
            name = f'<a href="{network_href}{network_id}">{name}</a>'
        add(f'    \n    <li>\n      {name}\n      <span class="count">'
            f'{_count(network_id, count)}</span>\n    </li>\n')
    add("    \n  </ul>\n</details>\n")
    return "".join(parts)

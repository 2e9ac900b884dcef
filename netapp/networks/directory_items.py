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
    ``network_href`` is a network's address without its id (already escaped)."""
    parts: list[str] = []
    add = parts.append
    for region in regions:
        add(f'\n<details class="region"{" open" if region.id == my_region_id else ""}>\n'
            f'  <summary>{escaped(region.name)}</summary>\n  <ul class="council-list">\n')
        for name, network_id, count in region.councils:
            name = escaped(name)
            if network_id:
                name = f'<a href="{network_href}{network_id}">{name}</a>'
            add(f'    \n    <li>\n      {name}\n      <span class="count">'
                f'{_count(network_id, count)}</span>\n    </li>\n')
        add("    \n  </ul>\n</details>\n")
    return Markup("".join(parts))

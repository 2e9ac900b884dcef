"""Helpers shared by the member route modules."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from markupsafe import Markup, escape

from netapp.models import User
from netapp.services import lqf, sessions
from netapp.services.radar import Series, radar_svg
from netapp.services.signed_in import SignedIn


def current_member() -> User | SignedIn:
    """The signed-in member.

    A page that only shows things (GET) gets ``current_user`` itself: it reads the full account
    only if the page asks for more than every page needs (netapp/services/signed_in.py). A
    change (POST) gets the ``User`` row, as services that record or change the person expect.
    """
    if request.method in ("GET", "HEAD"):
        return current_user._get_current_object()
    return sessions.account()


def _short(name: str) -> str:
    """A dimension name short enough for a chart axis."""
    return name.removeprefix("Demonstrating ").capitalize()


def radar_chart(layout: lqf.Layout, series_scores: list[tuple[str, dict[int, int]]], ident: str,
                title: str):
    """The radar chart plus the rows of its data table, from scores per element."""
    columns = [(name, lqf.averages(layout, scores)) for name, scores in series_scores]
    return averages_chart(layout, columns, ident, title)


def averages_chart(layout: lqf.Layout, columns: list[tuple[str, list[float | None]]],
                   ident: str, title: str):
    """``radar_chart`` from each column's ``lqf.averages`` already worked out."""
    return _chart([name for _code, name, _ids in layout.dimensions], columns, ident, title)


def dimension_chart(fw, columns: list[tuple[str, list[float | None]]], ident: str, title: str):
    """The radar chart plus the rows of its data table, from one value per dimension."""
    return _chart([d.name for d in fw.dimensions], columns, ident, title)


def _chart(dimensions: list[str], columns: list[tuple[str, list[float | None]]], ident: str,
           title: str):
    """The chart of one value per dimension (named in ``dimensions``) for each column: its SVG,
    and its data table's column headings and body written here (escaped), as the template's
    loops wrote them."""
    labels = [_short(name) for name in dimensions]
    description = "; ".join(
        f"{dimension}: " + ", ".join(
            f"{name} {values[i] if values[i] is not None else 'not scored'}"
            for name, values in columns)
        for i, dimension in enumerate(dimensions)
    ) + ". Scores run from 1 (just starting) to 4 (strong)."
    svg = radar_svg(labels, [Series(name, tuple(values)) for name, values in columns],
                    ident=ident, title=title, description=description)
    heads = "".join(f'<th scope="col">{escape(name)}</th>' for name, _ in columns)
    body = "".join(
        f'\n        <tr><th scope="row">{escape(dimension)}</th>'
        + "".join("<td>Not scored</td>" if values[i] is None else f"<td>{values[i]:.1f}</td>"
                  for _, values in columns)
        + "</tr>\n      "
        for i, dimension in enumerate(dimensions))
    return {"svg": svg, "heads": Markup(heads), "body": Markup(body), "ident": ident}

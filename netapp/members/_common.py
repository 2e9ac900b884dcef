"""Helpers shared by the member route modules."""
from __future__ import annotations

from flask import request
from flask_login import current_user

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


def radar_chart(fw, series_scores: list[tuple[str, dict[int, int]]], ident: str, title: str):
    """The radar chart plus the rows of its data table, from scores per element."""
    columns = [(name, [a.value for a in lqf.dimension_averages(fw, scores)])
               for name, scores in series_scores]
    return dimension_chart(fw, columns, ident, title)


def dimension_chart(fw, columns: list[tuple[str, list[float | None]]], ident: str, title: str):
    """The radar chart plus the rows of its data table, from one value per dimension."""
    labels = [_short(d.name) for d in fw.dimensions]
    description = "; ".join(
        f"{d.name}: " + ", ".join(
            f"{name} {values[i] if values[i] is not None else 'not scored'}"
            for name, values in columns)
        for i, d in enumerate(fw.dimensions)
    ) + ". Scores run from 1 (just starting) to 4 (strong)."
    svg = radar_svg(labels, [Series(name, tuple(values)) for name, values in columns],
                    ident=ident, title=title, description=description)
    rows = [(d.name, [values[i] for _, values in columns]) for i, d in enumerate(fw.dimensions)]
    return {"svg": svg, "names": [name for name, _ in columns], "rows": rows, "ident": ident}

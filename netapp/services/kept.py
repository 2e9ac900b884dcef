"""Figures a serving process keeps for a short while, so a busy page is not worked out afresh
for every request: the coordinator dashboard and the programme report.

Each process keeps its own copy per key (a region, a date range) for ``keep_for`` seconds and
the page says when its figures were worked out. ``keep_for`` of 0 (as in tests) works them out
every time. At most ``MOST`` keys are kept per kind, the oldest dropped first, so any number of
date ranges asked for cannot fill the memory. What is kept must hold no database rows: a row
belongs to the request that read it.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from time import monotonic
from typing import TypeVar

from flask import current_app

T = TypeVar("T")
MOST = 64


def kept(kind: str, key: Hashable, keep_for: float, work: Callable[[], T]) -> T:
    """What ``work()`` gave for ``key`` within the last ``keep_for`` seconds, or its answer now."""
    if keep_for <= 0:
        return work()
    entries: OrderedDict = current_app.extensions.setdefault(f"kept:{kind}", OrderedDict())
    found = entries.get(key)
    if found is not None and monotonic() - found[0] < keep_for:
        return found[1]
    value = work()
    entries[key] = (monotonic(), value)
    entries.move_to_end(key)
    while len(entries) > MOST:
        entries.popitem(last=False)
    return value


def keep_for(setting: str, default: float) -> float:
    """Seconds to keep answers: the app's ``setting`` if set, else ``default`` (0 in tests, so
    they see each change at once)."""
    return current_app.config.get(setting, 0 if current_app.testing else default)


def forget(kind: str) -> None:
    """Drop everything of ``kind`` this process keeps (tests; after seeding)."""
    current_app.extensions.pop(f"kept:{kind}", None)

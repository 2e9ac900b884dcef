"""The account page's list of signed-in browsers, a page at a time in one statement.

A person signed in on thousands of browsers (a script that logs in on every run does it in a
day) made the account page read, describe and write every one of them: 50 ms of work for a
page that must take two. The live sessions are now chosen, ordered, counted and cut to one
page by the database, and only that page's rows are described. Which sessions are live is
``sessions``' rule (``IDLE_LIMIT``, the remember cookie's expiry), written here as SQL.
"""
from __future__ import annotations

import math
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from netapp import reads
from netapp.models import UserSession
from netapp.models.base import utcnow
from netapp.services import paging, sessions
from netapp.services.sessions import BrowserRow

__all__ = ["PER_PAGE", "signed_in_browsers"]

PER_PAGE = 20


def _live(sessions_table) -> sa.ColumnElement[bool]:
    return sa.and_(
        sessions_table.user_id == sa.bindparam("user_id"),
        sa.case((sessions_table.remember_expires_at.is_not(None),
                 sessions_table.remember_expires_at > sa.bindparam("now")),
                else_=sessions_table.last_seen_at > sa.bindparam("idle_since")))


@cache
def _page_of_live_sessions() -> sa.Select:
    # This browser first, then the most recently used, as the page has always listed them.
    # The total is a subquery run once: PostgreSQL's count(*) OVER () kept every row of a
    # person with a thousand sessions aside first, ten times slower.
    counted = aliased(UserSession)
    total = sa.select(sa.func.count()).select_from(counted).where(_live(counted))
    return (sa.select(UserSession.id, UserSession.user_agent, UserSession.last_seen_at,
                      UserSession.remember_hash.is_not(None).label("kept"),
                      total.scalar_subquery().label("total"))
            .where(_live(UserSession))
            .order_by((UserSession.id == sa.bindparam("this_id")).desc(),
                      UserSession.last_seen_at.desc(), UserSession.id.desc())
            .limit(sa.bindparam("per_page")).offset(sa.bindparam("skip")))


@cache
def _count_of_live_sessions() -> sa.Select:
    return sa.select(sa.func.count()).select_from(UserSession).where(_live(UserSession))


def signed_in_browsers(user_id: int, this_session_id: int | None,
                       page: int) -> paging.Page:
    """Page ``page`` of the person's live sessions as ``BrowserRow``s, this browser first
    (``this_session_id``, None when it has no row), then the most recently used. A page past
    the end is the last page."""
    page = max(page, 1)
    now = utcnow()
    params = {"user_id": user_id, "this_id": this_session_id or 0, "now": now,
              "idle_since": now - sessions.IDLE_LIMIT}
    rows = _page_rows(params, page)
    if rows:
        total = rows[0].total
    elif page == 1:
        total = 0
    else:  # past the end: no row carries the total
        total = reads.scalar(_count_of_live_sessions(), params)
        page = max(1, math.ceil(total / PER_PAGE))
        rows = _page_rows(params, page)
    items = [BrowserRow(id=row.id, browser=sessions.describe_browser(row.user_agent),
                        last_seen=sessions.ago(row.last_seen_at, now),
                        is_this_browser=row.id == this_session_id,
                        kept_signed_in=bool(row.kept))
             for row in rows]
    return paging.Page(items, total, page, PER_PAGE)


def _page_rows(params: dict, page: int) -> list:
    return reads.rows(_page_of_live_sessions(),
                      {**params, "per_page": PER_PAGE, "skip": (page - 1) * PER_PAGE})

"""Network discussions: threads and replies in sanitised Markdown, editing, reports, hiding, the
weekly digest.

Who may do what (docs/networks.md, "Discussions"):
- read: any signed-in member for a local network's discussions; an affinity network's only
  for its confirmed members (everyone else, staff included, gets a 404 as if it did not exist);
- post and reply: members of the network, and followers of a local network;
- edit: the author, for EDIT_WINDOW after posting (checked here, not only by hiding a button);
- report: anyone who may read, once per post; the network's leads are told;
- hide with a reason: the network's leads.

Every change is audited. In an affinity network who did what would tell the audit log's
readers who is in it, so those changes go in as special-category events (the day, no actor).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import url_for

from netapp import reads
from netapp.extensions import db
from netapp.models import (
    DiscussionPost,
    DiscussionThread,
    EmailOptOut,
    Network,
    NetworkFollow,
    NetworkKind,
    NetworkLead,
    NetworkMembership,
    PostReport,
    User,
)
from netapp.models.base import utcnow
from netapp.services import audit, networks, notifications, paging, reference, sql_lists
from netapp.services.mail import send_email

EDIT_WINDOW = timedelta(minutes=30)
THREADS_PER_PAGE = 20
POSTS_PER_PAGE = 25
REPORTS_PER_PAGE = 25
DIGEST_KIND = "digest"
REPORT_KIND = "post_report"


class NotFound(Exception):
    """The thing does not exist, or the viewer may not know it does (shown as a 404)."""


class NotAllowed(Exception):
    """The viewer may see the thing but not do this to it (the message says why)."""


# ------------------------------------------------------------------ who may do what


def network_for_reading(viewer: User, network_id: int) -> Network:
    network = db.session.get(Network, network_id)
    if network is None or not networks.can_see_network(viewer, network):
        raise NotFound(network_id)
    return network


def can_post(viewer: User, network: Network) -> bool:
    if not viewer.is_verified:
        return False
    if networks.is_member(viewer.id, network.id):
        return True
    return network.kind is NetworkKind.LOCAL and db.session.get(
        NetworkFollow, (viewer.id, network.id)) is not None


@cache
def _posting_statement() -> sa.Select:
    """Whether the viewer is in the network and follows it (parameters ``viewer`` and
    ``network``), built once per process."""
    viewer, network = sa.bindparam("viewer"), sa.bindparam("network")
    return sa.select(
        sa.exists().where(NetworkMembership.user_id == viewer,
                          NetworkMembership.network_id == network),
        sa.exists().where(NetworkFollow.user_id == viewer, NetworkFollow.network_id == network))


def network_for_posting(viewer: User, network_id: int) -> tuple[Network, bool]:
    """``network_for_reading`` and ``can_post`` in one query: the network from this process's
    copy, and whether the viewer is in it and follows it."""
    network = reference.network(network_id)
    # As can_see_network: an affinity network is for its confirmed members only.
    if network is None or (network.is_affinity and not viewer.is_verified):
        raise NotFound(network_id)
    is_member, following = db.session.execute(
        _posting_statement(), {"viewer": viewer.id, "network": network.id}).one()
    if network.is_affinity and not is_member:
        raise NotFound(network_id)
    # The same rules as can_post.
    return network, bool(viewer.is_verified and (
        is_member or (network.kind is NetworkKind.LOCAL and following)))


def is_lead(viewer: User, network: Network) -> bool:
    return networks.is_lead(viewer.id, network.id)


def _audit(actor: User, network: Network, action: str, target, **detail) -> None:
    if network.is_affinity:
        # Saying who posted, or which network, would name a member of it to the log's readers.
        audit.record_special("affinity_content.changed")
    else:
        audit.record(actor, action, target, network=network.code, **detail)


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class ThreadRow:
    thread: DiscussionThread
    author: str
    is_hidden: bool  # its opening post was hidden by a lead


def threads_page(network: Network, page: int, per_page: int = THREADS_PER_PAGE):
    """One page of the network's threads, most recently active first, with author names and
    whether each opening post is hidden, in three queries."""
    result = db.paginate(
        sa.select(DiscussionThread).where(DiscussionThread.network_id == network.id)
        .order_by(DiscussionThread.last_post_at.desc(), DiscussionThread.id.desc()),
        page=page, per_page=per_page, error_out=False)
    result.rows = _thread_rows(result.items)
    return result


def _thread_rows(threads: list[DiscussionThread]) -> list[ThreadRow]:
    if not threads:
        return []
    ids = [t.id for t in threads]
    first = (sa.select(sa.func.min(DiscussionPost.id)).where(DiscussionPost.thread_id.in_(ids))
             .group_by(DiscussionPost.thread_id))
    details = db.session.execute(
        sa.select(DiscussionThread.id, User.display_name, DiscussionPost.hidden_at)
        .select_from(DiscussionThread)
        .outerjoin(User, User.id == DiscussionThread.author_id)
        .outerjoin(DiscussionPost, sa.and_(DiscussionPost.thread_id == DiscussionThread.id,
                                           DiscussionPost.id.in_(first)))
        .where(DiscussionThread.id.in_(ids))).all()
    by_id = {tid: (name, hidden) for tid, name, hidden in details}
    return [ThreadRow(t, by_id.get(t.id, (None, None))[0] or "Someone no longer here",
                      by_id.get(t.id, (None, None))[1] is not None) for t in threads]


def recent_threads(network_id: int, viewer: User, limit: int = 5,
                   visible: bool | None = None) -> list[ThreadRow]:
    """The network's most recently active threads (fixed number of queries); empty when the
    viewer may not read the network's discussions. ``visible``: whether the viewer may see
    the network, when the caller has worked it out."""
    network = db.session.get(Network, network_id)
    if network is None or not (networks.can_see_network(viewer, network) if visible is None
                               else visible):
        return []
    return [ThreadRow(thread, author or "Someone no longer here", hidden_at is not None)
            for thread, author, hidden_at in db.session.execute(
                _recent_statement(), {"network": network_id, "limit": limit})]


@cache
def _recent_statement():
    """The statement behind ``recent_threads``, built once per process: parameters
    ``network`` and ``limit``."""
    return (sa.select(DiscussionThread, *_thread_details())
            .where(DiscussionThread.network_id == sa.bindparam("network"))
            .order_by(DiscussionThread.last_post_at.desc(), DiscussionThread.id.desc())
            .limit(sa.bindparam("limit", type_=sa.Integer())))


def _thread_details():
    """SQL columns beside a DiscussionThread: its author's name and when its opening post was
    hidden (one query with the threads, through the index on posts' thread and id)."""
    author = (sa.select(User.display_name).where(User.id == DiscussionThread.author_id)
              .scalar_subquery())
    opening_hidden = (sa.select(DiscussionPost.hidden_at)
                      .where(DiscussionPost.thread_id == DiscussionThread.id)
                      .order_by(DiscussionPost.id).limit(1).scalar_subquery())
    return author, opening_hidden


def thread_for_reading(viewer: User, thread_id: int) -> tuple[DiscussionThread, Network]:
    row = db.session.execute(
        sa.select(DiscussionThread, Network).join(Network)
        .where(DiscussionThread.id == thread_id)).first()
    if row is None or not networks.can_see_network(viewer, row[1]):
        raise NotFound(thread_id)
    return row[0], row[1]


def post_for_reading(viewer: User, post_id: int):
    """(post, thread, network) when the viewer may read the post's network."""
    row = db.session.execute(
        sa.select(DiscussionPost, DiscussionThread, Network)
        .join(DiscussionThread, DiscussionThread.id == DiscussionPost.thread_id)
        .join(Network, Network.id == DiscussionThread.network_id)
        .where(DiscussionPost.id == post_id)).first()
    if row is None or not networks.can_see_network(viewer, row[2]):
        raise NotFound(post_id)
    return tuple(row)


@dataclass(frozen=True)
class PostRow:
    """A post as a thread's page shows it (plain values, not a loaded record)."""

    id: int
    author_id: int | None
    body: str
    created_at: datetime
    edited_at: datetime | None
    hidden_at: datetime | None
    hidden_reason: str


@dataclass(frozen=True)
class PostView:
    post: PostRow
    author: str
    can_edit: bool
    reported_by_me: bool
    reports: list[str]  # reasons of open reports, for leads only


@cache
def _posts_statement(lead: bool = False):
    """The posts of a thread with their authors' names and whether the viewer reported each,
    built once per process for each kind of reader: parameters ``viewer`` and ``thread``.
    A lead's statement also reads each post's open reports' reasons, oldest first (a JSON
    list), so a lead's page needs no statement more."""
    author = sa.select(User.display_name).where(User.id == DiscussionPost.author_id) \
        .scalar_subquery()
    reported = sa.exists().where(PostReport.post_id == DiscussionPost.id,
                                 PostReport.reporter_id == sa.bindparam("viewer"))
    columns = [DiscussionPost.id, DiscussionPost.author_id, DiscussionPost.body,
               DiscussionPost.created_at, DiscussionPost.edited_at,
               DiscussionPost.hidden_at, DiscussionPost.hidden_reason, author, reported]
    if lead:
        open_reports = (sa.select(PostReport.id, PostReport.reason)
                        .where(PostReport.post_id == DiscussionPost.id,
                               PostReport.resolved_at.is_(None))
                        .order_by(PostReport.id).correlate(DiscussionPost).subquery())
        columns.append(sa.select(sql_lists.in_order(open_reports.c.reason, open_reports.c.id))
                       .scalar_subquery())
    return (sa.select(*columns)
            .where(DiscussionPost.thread_id == sa.bindparam("thread"))
            .order_by(DiscussionPost.id))


def posts_page(viewer: User, thread: DiscussionThread | ThreadFacts, network: Network, page: int,
               per_page: int = POSTS_PER_PAGE, lead: bool | None = None):
    """One page of a thread's posts, oldest first, with what the viewer may do to each, in one
    statement (for a lead, with the open reports' reasons too).
    ``lead``: whether the viewer leads the network, when the caller has read it."""
    lead = is_lead(viewer, network) if lead is None else lead
    result = paging.paginate(_posts_statement(bool(lead)), page, per_page,
                             {"viewer": viewer.id, "thread": thread.id}, plain=True)
    # Plain rows: the page only shows them (was a whole post record each).
    posts = [PostRow(post_id, *rest[:6]) for post_id, rest in
             zip(result.items, result.extra, strict=True)]
    result.items, result.extra = posts, [rest[6:] for rest in result.extra]
    now = utcnow()
    # A lead's rows end with the reasons (None or [] when there are none); others' rows do not.
    result.views = [PostView(p, name or "Someone no longer here", _editable(viewer, p, now),
                             bool(mine), list(reasons[0] or ()) if reasons else [])
                    for p, (name, mine, *reasons) in zip(posts, result.extra, strict=True)]
    return result


@dataclass(frozen=True)
class ThreadStanding:
    """What a thread's page needs to know about the viewer and the thread, in one query."""

    can_post: bool
    is_lead: bool
    opening_hidden: bool


def _standing_columns(viewer_id, network_id, thread_id):
    """SQL: whether the viewer is in, follows and leads the network, and when the thread's
    opening post was hidden."""
    return (
        sa.exists().where(NetworkMembership.user_id == viewer_id,
                          NetworkMembership.network_id == network_id),
        sa.exists().where(NetworkFollow.user_id == viewer_id,
                          NetworkFollow.network_id == network_id),
        sa.exists().where(NetworkLead.user_id == viewer_id, NetworkLead.network_id == network_id),
        sa.select(DiscussionPost.hidden_at).where(DiscussionPost.thread_id == thread_id)
        .order_by(DiscussionPost.id).limit(1).scalar_subquery(),
    )


def thread_standing(viewer: User, thread: DiscussionThread,
                    network: Network) -> ThreadStanding:
    """``can_post``, ``is_lead`` and ``opening_is_hidden`` for a thread's page, in one query."""
    found = db.session.execute(
        sa.select(*_standing_columns(viewer.id, network.id, thread.id))).one()
    return _standing(viewer, network, *found)


@dataclass(frozen=True)
class ThreadFacts:
    """A thread as its page shows it (plain values, not a loaded record)."""

    id: int
    network_id: int
    title: str


@cache
def _thread_with_posts_statement():
    """The statement behind ``thread_page``, built once per process: parameters ``viewer``,
    ``verified`` (whether the viewer's email is confirmed), ``thread``, ``limit`` and
    ``offset``.

    One row per post of the page (one row with no post when the page has none), each with
    the thread and the viewer's standing. The posts and their number are read only when the
    viewer may read the thread's network (as ``networks.can_see_network``): an affinity
    network's to its confirmed members alone. Everything about the thread and the viewer is
    asked of the thread's id, not of the row, so PostgreSQL works it out once for the
    statement (an InitPlan), not once per post."""
    viewer, thread_id = sa.bindparam("viewer"), sa.bindparam("thread")
    this = DiscussionThread.__table__.alias("this_thread")
    network_id = sa.select(this.c.network_id).where(this.c.id == thread_id).scalar_subquery()
    in_network = sa.exists().where(NetworkMembership.user_id == viewer,
                                   NetworkMembership.network_id == network_id)
    following = sa.exists().where(NetworkFollow.user_id == viewer,
                                  NetworkFollow.network_id == network_id)
    leads = sa.exists().where(NetworkLead.user_id == viewer, NetworkLead.network_id == network_id)
    network = Network.__table__.alias("this_network")
    not_affinity = network.c.kind != NetworkKind.AFFINITY
    readable = sa.exists().where(network.c.id == network_id, sa.or_(
        not_affinity, sa.and_(sa.bindparam("verified", type_=sa.Boolean()), in_network)))
    # As _standing's is_lead: a lead of an affinity network sees its reports only while in it.
    lead = sa.and_(leads, sa.exists().where(network.c.id == network_id,
                                            sa.or_(not_affinity, in_network)))
    opening_hidden = (sa.select(DiscussionPost.hidden_at)
                      .where(DiscussionPost.thread_id == thread_id)
                      .order_by(DiscussionPost.id).limit(1).scalar_subquery())
    total = sa.case((readable, sa.select(sa.func.count()).select_from(DiscussionPost)
                     .where(DiscussionPost.thread_id == thread_id).scalar_subquery()))
    page_ids = (sa.select(DiscussionPost.id).where(DiscussionPost.thread_id == thread_id)
                .order_by(DiscussionPost.id)
                .limit(sa.bindparam("limit", type_=sa.Integer()))
                .offset(sa.bindparam("offset", type_=sa.Integer())))
    post = DiscussionPost.__table__.alias("post")
    author = sa.select(User.display_name).where(User.id == post.c.author_id).scalar_subquery()
    reported = sa.exists().where(PostReport.post_id == post.c.id,
                                 PostReport.reporter_id == viewer)
    open_reports = (sa.select(PostReport.id, PostReport.reason)
                    .where(PostReport.post_id == post.c.id, PostReport.resolved_at.is_(None))
                    .order_by(PostReport.id).correlate(post).subquery())
    reasons = sa.type_coerce(sa.case((lead, sa.select(
        sql_lists.in_order(open_reports.c.reason, open_reports.c.id)).scalar_subquery())),
        sa.JSON())
    return (sa.select(DiscussionThread.id, DiscussionThread.network_id, DiscussionThread.title,
                      in_network, following, leads, opening_hidden, total,
                      post.c.id, post.c.author_id, post.c.body, post.c.created_at,
                      post.c.edited_at, post.c.hidden_at, post.c.hidden_reason, author,
                      reported, reasons)
            .select_from(DiscussionThread)
            .outerjoin(post, sa.and_(post.c.thread_id == DiscussionThread.id, readable,
                                     post.c.id.in_(page_ids)))
            .where(DiscussionThread.id == thread_id)
            .order_by(post.c.id))


def thread_page(viewer: User, thread_id: int, page: int, per_page: int = POSTS_PER_PAGE
                ) -> tuple[ThreadFacts, Network, ThreadStanding, paging.Page]:
    """``thread_for_reading``, ``thread_standing`` and ``posts_page`` in one statement of plain
    columns: the thread, the viewer's standing and one page of its posts (read only when the
    viewer may read the network), the network from the process's copy. Raises NotFound as
    ``thread_for_reading`` does."""
    page = max(page, 1)
    rows = reads.rows(
        _thread_with_posts_statement(),
        {"viewer": viewer.id, "verified": bool(viewer.is_verified), "thread": thread_id,
         "limit": per_page, "offset": (page - 1) * per_page})
    if not rows:
        raise NotFound(thread_id)
    first = rows[0]
    thread, found = ThreadFacts(*first[:3]), first[3:7]
    # The process's own copy (the page only names and links it), merged into the request
    # only when it lacks the network (another process may have just made it).
    network = (reference.shared("networks").get(thread.network_id)
               or reference.network(thread.network_id))
    is_member = found[0]
    # As networks.can_see_network, from what is already read.
    if network is None or (network.is_affinity and not (viewer.is_verified and is_member)):
        raise NotFound(thread_id)
    standing = _standing(viewer, network, *found)
    lead = standing.is_lead
    now = utcnow()
    posts, views = [], []
    for row in rows:
        if row[8] is None:
            continue
        post = PostRow(*row[8:15])
        name, mine, reasons = row[15:]
        posts.append(post)
        views.append(PostView(post, name or "Someone no longer here",
                              _editable(viewer, post, now), bool(mine),
                              list(reasons or ()) if lead else []))
    result = paging.Page(posts, first[7] or 0, page, per_page)
    result.views = views
    return thread, network, standing, result


def _standing(viewer: User, network: Network, is_member, following, leads,
              hidden_at) -> ThreadStanding:
    # The same rules as can_post and networks.is_lead.
    can = viewer.is_verified and (
        is_member or (network.kind is NetworkKind.LOCAL and following))
    return ThreadStanding(can_post=bool(can),
                          is_lead=bool(leads and (not network.is_affinity or is_member)),
                          opening_hidden=hidden_at is not None)


def _editable(viewer: User, post: DiscussionPost | PostRow, now: datetime) -> bool:
    return (post.author_id == viewer.id and post.hidden_at is None
            and now - post.created_at <= EDIT_WINDOW)


def can_edit(viewer: User, post: DiscussionPost) -> bool:
    """The author, within EDIT_WINDOW of posting, and the post not hidden."""
    return _editable(viewer, post, utcnow())


def edit_minutes_left(post: DiscussionPost) -> int:
    left = EDIT_WINDOW - (utcnow() - post.created_at)
    return max(0, int(left.total_seconds() // 60))


# ------------------------------------------------------------------ writing


def start_thread(author: User, network: Network, title: str, body: str) -> DiscussionThread:
    if not can_post(author, network):
        raise NotAllowed("Only members of this network can start a discussion here.")
    now = utcnow()
    thread = DiscussionThread(network_id=network.id, author_id=author.id, title=title.strip(),
                              created_at=now, last_post_at=now, post_count=1)
    db.session.add(thread)
    db.session.flush()
    db.session.add(DiscussionPost(thread_id=thread.id, author_id=author.id, body=body,
                                  created_at=now))
    _audit(author, network, "discussion.started", thread)
    db.session.commit()
    return thread


def reply(author: User, thread: DiscussionThread, network: Network, body: str) -> DiscussionPost:
    if not can_post(author, network):
        raise NotAllowed("Only members of this network can reply here.")
    now = utcnow()
    post = DiscussionPost(thread_id=thread.id, author_id=author.id, body=body, created_at=now)
    db.session.add(post)
    # One UPDATE, so two replies at once both count.
    db.session.execute(sa.update(DiscussionThread).where(DiscussionThread.id == thread.id)
                       .values(post_count=DiscussionThread.post_count + 1, last_post_at=now))
    db.session.flush()
    _audit(author, network, "discussion.replied", post, thread=thread.id)
    db.session.commit()
    return post


def edit_post(author: User, post: DiscussionPost, network: Network, body: str) -> None:
    if post.author_id != author.id:
        raise NotFound(post.id)
    if not _editable(author, post, utcnow()):
        raise NotAllowed("You can change a post for 30 minutes after writing it. "
                         "That time has passed, so it stays as it is.")
    post.body = body
    post.edited_at = utcnow()
    _audit(author, network, "discussion.edited", post)
    db.session.commit()


def report_post(reporter: User, post: DiscussionPost, thread: DiscussionThread,
                network: Network, reason: str) -> bool:
    """Tell the network's leads; False when this member already reported the post."""
    if post.author_id == reporter.id:
        raise NotAllowed("This is your own post. You can change it for 30 minutes after "
                         "writing it.")
    if post.hidden_at is not None:
        raise NotAllowed("A network lead has already hidden this post.")
    if db.session.scalar(sa.select(PostReport.id).where(
            PostReport.post_id == post.id, PostReport.reporter_id == reporter.id)):
        return False
    db.session.add(PostReport(post_id=post.id, reporter_id=reporter.id, reason=reason.strip()))
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same member, twice at once
        db.session.rollback()
        return False
    _audit(reporter, network, "discussion.reported", post)
    link = url_for("networks.discussion", thread_id=thread.id) + f"#post-{post.id}"
    for lead in _leads(network):
        if lead.id != reporter.id:
            # No network, title or names in the words: they are emailed, and an affinity
            # network's name in an inbox would say who is in it.
            notifications.notify(lead, REPORT_KIND, "Someone asked you to look at a post in "
                                 "a discussion you lead.", link)
    db.session.commit()
    return True


def _leads(network: Network) -> list[User]:
    query = (sa.select(User).join(NetworkLead, NetworkLead.user_id == User.id)
             .where(NetworkLead.network_id == network.id, User.is_active_account.is_(True)))
    if network.is_affinity:
        query = query.join(NetworkMembership, sa.and_(
            NetworkMembership.user_id == User.id, NetworkMembership.network_id == network.id))
    return list(db.session.scalars(query.order_by(User.id)))


def hide_post(lead: User, post: DiscussionPost, network: Network, reason: str) -> None:
    if not is_lead(lead, network):
        raise NotAllowed("Only the network's leads can hide posts.")
    now = utcnow()
    post.hidden_at = now
    post.hidden_by_id = lead.id
    post.hidden_reason = reason.strip()
    db.session.execute(sa.update(PostReport).where(PostReport.post_id == post.id,
                                                   PostReport.resolved_at.is_(None))
                       .values(resolved_at=now))
    _audit(lead, network, "discussion.hidden", post, reason=reason.strip())
    db.session.commit()


def clear_reports(lead: User, post: DiscussionPost, network: Network) -> int:
    """A lead looked and the post can stay: its open reports are closed."""
    if not is_lead(lead, network):
        raise NotAllowed("Only the network's leads can look at reports.")
    cleared = db.session.execute(
        sa.update(PostReport).where(PostReport.post_id == post.id,
                                    PostReport.resolved_at.is_(None))
        .values(resolved_at=utcnow())).rowcount
    if cleared:
        _audit(lead, network, "discussion.reports_cleared", post)
    db.session.commit()
    return cleared


@dataclass(frozen=True)
class ReportRow:
    """An open report on the leads' page, with its post and thread."""

    report: ReportFacts
    post: ReportedPost
    thread: ReportedThread


@dataclass(frozen=True)
class ReportedPost:
    id: int
    body: str


@dataclass(frozen=True)
class ReportedThread:
    id: int
    title: str


@dataclass(frozen=True)
class ReportFacts:
    created_at: datetime
    reason: str


@dataclass(frozen=True)
class AskedPost:
    """A post as the forms to report or hide it show it."""

    id: int
    body: str
    hidden_at: datetime | None


@dataclass(frozen=True)
class PostForm:
    """A post for the form to report or hide it, with what the viewer may do to it."""

    post: AskedPost
    thread: ReportedThread
    network: Network
    is_lead: bool


@cache
def _post_form_statement():
    """The post (parameter ``post``), its thread, and whether the viewer (parameter
    ``viewer``) is in its network and has a lead row there: one statement, built once per
    process."""
    viewer = sa.bindparam("viewer")
    return (sa.select(DiscussionPost.id, DiscussionPost.body, DiscussionPost.hidden_at,
                      DiscussionThread.id, DiscussionThread.title, DiscussionThread.network_id,
                      sa.exists().where(NetworkMembership.user_id == viewer,
                                        NetworkMembership.network_id
                                        == DiscussionThread.network_id),
                      sa.exists().where(NetworkLead.user_id == viewer,
                                        NetworkLead.network_id == DiscussionThread.network_id))
            .join(DiscussionThread, DiscussionThread.id == DiscussionPost.thread_id)
            .where(DiscussionPost.id == sa.bindparam("post")))


def post_form(viewer: User, post_id: int) -> PostForm:
    """The post for the form to report or hide it, in one statement: NotFound when the viewer
    may not read its network (as ``post_for_reading``); ``is_lead`` as ``is_lead`` decides."""
    rows = reads.raw_rows(_post_form_statement(), {"viewer": viewer.id, "post": post_id})
    if not rows:
        raise NotFound(post_id)
    post_id, body, hidden_at, thread_id, title, network_id, is_member, has_lead_row = rows[0]
    network = _network_copy(network_id)
    if network is None or (network.is_affinity and not (viewer.is_verified and is_member)):
        raise NotFound(post_id)
    # A lead who has left an affinity network no longer leads it (networks.is_lead).
    return PostForm(AskedPost(post_id, body, hidden_at), ReportedThread(thread_id, title),
                    network, bool(has_lead_row) and (not network.is_affinity or bool(is_member)))


def _network_copy(network_id: int) -> Network | None:
    """The network from this process's copy (loaded again if it was added since)."""
    network = reference.shared("networks").get(network_id)
    if network is None:
        network = next(iter(reference.networks([network_id])), None)
    return network


@dataclass(frozen=True)
class ReportsPage:
    """A page of a network's open reports for one of its leads, with the number in all."""

    network: Network
    rows: list[ReportRow]
    total: int


@cache
def _reports_statement(affinity: bool):
    """The viewer's (parameter ``viewer``) membership and lead row in the network (parameter
    ``network``), with the page (from parameter ``skip``) of its open reports, oldest first,
    each with the number in all: one statement, built once per process for each kind of
    network. The reports are read only for a lead (of an affinity network, only for a lead
    still in it), so nobody else's page reads a word of them."""
    viewer, network = sa.bindparam("viewer"), sa.bindparam("network")
    is_member = sa.exists().where(NetworkMembership.user_id == viewer,
                                  NetworkMembership.network_id == network)
    has_lead_row = sa.exists().where(NetworkLead.user_id == viewer,
                                     NetworkLead.network_id == network)
    page = (sa.select(PostReport.id, PostReport.created_at, PostReport.reason,
                      DiscussionPost.id.label("post_id"), DiscussionPost.body,
                      DiscussionThread.id.label("thread_id"), DiscussionThread.title,
                      sa.func.count().over().label("total"))
            .join(DiscussionPost, DiscussionPost.id == PostReport.post_id)
            .join(DiscussionThread, DiscussionThread.id == DiscussionPost.thread_id)
            .where(DiscussionThread.network_id == network, PostReport.resolved_at.is_(None),
                   sa.and_(has_lead_row, is_member) if affinity else has_lead_row)
            .order_by(PostReport.id).offset(sa.bindparam("skip")).limit(REPORTS_PER_PAGE)
            ).subquery()
    standing = sa.select(is_member.label("is_member"),
                         has_lead_row.label("has_lead_row")).subquery()
    return (sa.select(standing.c.is_member, standing.c.has_lead_row,
                      *(column for column in page.c))
            .select_from(standing).outerjoin(page, sa.true()).order_by(page.c.id))


def reports_page(viewer: User, network_id: int, page: int) -> ReportsPage:
    """A page of the network's open reports (``REPORTS_PER_PAGE``), for its leads, in one
    statement. NotFound when the viewer may not read the network (as
    ``network_for_reading``), NotAllowed when they do not lead it (as ``is_lead``)."""
    network = _network_copy(network_id)
    if network is None or (network.is_affinity and not viewer.is_verified):
        raise NotFound(network_id)
    rows = reads.raw_rows(_reports_statement(network.is_affinity),
                          {"viewer": viewer.id, "network": network_id,
                           "skip": (max(page, 1) - 1) * REPORTS_PER_PAGE})
    is_member, has_lead_row = rows[0][:2]
    if network.is_affinity and not is_member:
        raise NotFound(network_id)
    if not has_lead_row:
        raise NotAllowed("Only the network's leads see its reports.")
    found = [ReportRow(ReportFacts(at, reason), ReportedPost(post_id, body),
                       ReportedThread(thread_id, title))
             for _, _, _, at, reason, post_id, body, thread_id, title, _ in rows
             if post_id is not None]
    return ReportsPage(network, found, rows[0][-1] or 0)


# ------------------------------------------------------------------ erasure and export


def forget_author(uid: int) -> None:
    """Erasure: the person's posts and reports go. A thread they started stays for the
    replies of others, without them as its author; a thread left with no post goes."""
    touched = set(db.session.scalars(
        sa.select(DiscussionPost.thread_id).where(DiscussionPost.author_id == uid)))
    touched |= set(db.session.scalars(
        sa.select(DiscussionThread.id).where(DiscussionThread.author_id == uid)))
    mine = sa.select(DiscussionPost.id).where(DiscussionPost.author_id == uid)
    db.session.execute(sa.delete(PostReport).where(
        sa.or_(PostReport.reporter_id == uid, PostReport.post_id.in_(mine))))
    db.session.execute(sa.delete(DiscussionPost).where(DiscussionPost.author_id == uid))
    db.session.execute(sa.update(DiscussionThread).where(DiscussionThread.author_id == uid)
                       .values(author_id=None))
    if touched:
        _recount(touched)


def _recount(thread_ids: set[int]) -> None:
    stats = {tid: (count, last) for tid, count, last in db.session.execute(
        sa.select(DiscussionPost.thread_id, sa.func.count(), sa.func.max(DiscussionPost.created_at))
        .where(DiscussionPost.thread_id.in_(thread_ids)).group_by(DiscussionPost.thread_id))}
    empty = thread_ids - stats.keys()
    if empty:
        db.session.execute(sa.delete(DiscussionThread).where(DiscussionThread.id.in_(empty)))
    for tid, (count, last) in stats.items():
        db.session.execute(sa.update(DiscussionThread).where(DiscussionThread.id == tid)
                           .values(post_count=count, last_post_at=last))


def posts_of(user: User) -> list[dict]:
    """The member's own posts, for their data export."""
    rows = db.session.execute(
        sa.select(DiscussionPost, DiscussionThread.title, Network.name)
        .join(DiscussionThread, DiscussionThread.id == DiscussionPost.thread_id)
        .join(Network, Network.id == DiscussionThread.network_id)
        .where(DiscussionPost.author_id == user.id).order_by(DiscussionPost.id)).all()
    return [{"network": network, "discussion": title,
             "written_at": post.created_at.isoformat(timespec="seconds"),
             "edited_at": post.edited_at.isoformat(timespec="seconds") if post.edited_at else None,
             "hidden_reason": post.hidden_reason if post.hidden_at else None,
             "text": post.body} for post, title, network in rows]


# ------------------------------------------------------------------ the weekly digest


@dataclass(frozen=True)
class DigestItem:
    network: str
    title: str
    is_new: bool
    replies: int
    link: str


def digest_items(since: datetime) -> dict[int, list[DigestItem]]:
    """{user id: what happened in their networks since ``since``} for members who get the
    digest by email: new threads and threads with new replies, in a fixed number of queries.

    Hidden posts are not counted and no one's name is given: the email goes outside the app,
    and in an affinity network a name would say who is in it."""
    active = db.session.execute(
        sa.select(DiscussionThread, Network.name, sa.func.count(DiscussionPost.id))
        .join(Network, Network.id == DiscussionThread.network_id)
        .join(DiscussionPost, DiscussionPost.thread_id == DiscussionThread.id)
        .where(DiscussionPost.created_at >= since, DiscussionPost.hidden_at.is_(None))
        .group_by(DiscussionThread.id, Network.name)
        .order_by(DiscussionThread.last_post_at.desc(), DiscussionThread.id.desc())).all()
    if not active:
        return {}
    network_ids = {t.network_id for t, _, _ in active}
    readers = sa.union(
        sa.select(NetworkMembership.user_id.label("uid"), NetworkMembership.network_id.label("nid"))
        .where(NetworkMembership.network_id.in_(network_ids)),
        sa.select(NetworkFollow.user_id, NetworkFollow.network_id)
        .where(NetworkFollow.network_id.in_(network_ids)),
    ).subquery()
    pairs = db.session.execute(
        sa.select(readers.c.uid, readers.c.nid)
        .join(User, User.id == readers.c.uid)
        .where(User.is_active_account.is_(True), User.email_verified_at.is_not(None),
               ~sa.exists().where(EmailOptOut.user_id == User.id,
                                  EmailOptOut.kind == DIGEST_KIND))).all()
    by_network: dict[int, list[DigestItem]] = {}
    base = url_for("main.index", _external=True).rstrip("/")
    for thread, network_name, new_posts in active:
        is_new = thread.created_at >= since
        by_network.setdefault(thread.network_id, []).append(DigestItem(
            network_name, thread.title, is_new, new_posts - (1 if is_new else 0),
            base + url_for("networks.discussion", thread_id=thread.id)))
    result: dict[int, list[DigestItem]] = {}
    for uid, nid in pairs:
        result.setdefault(uid, []).extend(by_network.get(nid, []))
    return result


def send_weekly_digest(now: datetime | None = None) -> int:
    """Email each member what was new in their networks' discussions this past week; members
    who turned the digest off get nothing. Returns how many emails went. Needs a request
    context (for the links)."""
    now = now or utcnow()
    items = digest_items(now - timedelta(days=7))
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(items))))}
    settings = url_for("members.notification_settings", _external=True)
    sent = 0
    for uid, rows in sorted(items.items()):
        user = people[uid]
        grouped: dict[str, list[DigestItem]] = {}
        for row in rows:
            grouped.setdefault(row.network, []).append(row)
        send_email(user.email, "This week in your networks' discussions", "email/digest.txt",
                   user=user, grouped=grouped, settings=settings)
        sent += 1
    return sent

"""Networks members belong to, and the support topics for needs and offers."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netapp.extensions import db
from netapp.models.base import create_with_table, stored_enum, utcnow
from netapp.models.lqf import AssessmentScore
from netapp.models.places import LocalAuthority
from netapp.models.profiles import Profile


class NetworkKind(enum.Enum):
    LOCAL = "local"
    AFFINITY = "affinity"
    NATIONAL = "national"


class Network(db.Model):
    """A network. Local networks are one per council; affinity networks need consent to join."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NetworkKind] = mapped_column(
        sa.Enum(NetworkKind, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e]),
        index=True,
    )
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    local_authority_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("local_authorities.id"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    local_authority: Mapped[LocalAuthority | None] = relationship()

    @property
    def is_affinity(self) -> bool:
        return self.kind is NetworkKind.AFFINITY


class NetworkMembership(db.Model):
    """A member in a network. For affinity networks, the consent they gave and when."""

    __tablename__ = "network_memberships"
    # A network's page reads one page of its listed members by name, its newest members and
    # their counts from these indexes alone, whatever the network's size (an affinity network
    # holds thousands): by name (``member_name``) or the day they joined, each with the
    # member's choice to be listed. A local network's page reads its every member from the
    # first alone, with the day they joined and who they show their council area to.
    __table_args__ = (
        sa.Index("ix_network_memberships_by_name", "network_id", "member_name", "user_id",
                 "is_listed", "joined_at", "member_area"),
        sa.Index("ix_network_memberships_by_joined", "network_id", "joined_at", "user_id",
                 "is_listed"),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    consent_text_version: Mapped[str | None] = mapped_column(sa.String(32))
    consent_given_at: Mapped[datetime | None]
    # Whether other members of the network may see this member on its list. Off until the
    # member turns it on; it matters for affinity networks, where being listed says who is in it.
    is_listed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The member's display name, copied here by the database (``MEMBER_NAME_TRIGGERS``) when
    # the row is made and whenever the name changes: never written by the app. A network's
    # list is read in this order; the names it shows are read from users. Not loaded with a
    # membership (deferred): nothing else reads it.
    member_name: Mapped[str] = mapped_column(sa.String(120), server_default="", deferred=True)
    # Who the member shows their council area to (their profile's ``visibility["area"]``, None
    # without one or without a choice), copied here by the database (``MEMBER_AREA_TRIGGERS``)
    # when the row is made and whenever the profile is added, changed or removed: never
    # written by the app. A local network's list is read from it.
    member_area: Mapped[str | None] = mapped_column(sa.String(), deferred=True)

    network: Mapped[Network] = relationship()


# The copy of each member's name in their memberships (``NetworkMembership.member_name``),
# kept by the database on both engines, so every way a row is written (the ORM, bulk inserts,
# COPY in imports) and every rename (the profile form, erasure) keeps it. Installed by migration
# 0015_member_names and by create_all.
MEMBER_NAME_FUNCTIONS = [
    # A new membership takes the member's name. The user's row is locked against a rename
    # (FOR SHARE) until this transaction ends, so a rename at the same moment waits and then
    # copies its new name here too.
    """
CREATE OR REPLACE FUNCTION netapp_membership_name() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.member_name := coalesce(
        (SELECT display_name FROM users WHERE id = NEW.user_id FOR SHARE), '');
    RETURN NEW;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_member_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_memberships SET member_name = NEW.display_name WHERE user_id = NEW.id;
    RETURN NULL;
END
$$
""",
]
MEMBER_NAME_TRIGGERS = {
    "postgresql": [
        "CREATE TRIGGER network_memberships_name BEFORE INSERT OR UPDATE OF user_id "
        "ON network_memberships FOR EACH ROW EXECUTE FUNCTION netapp_membership_name()",
        "CREATE TRIGGER users_member_name AFTER UPDATE OF display_name ON users FOR EACH ROW "
        "WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name) "
        "EXECUTE FUNCTION netapp_member_renamed()",
    ],
    "sqlite": [
        "CREATE TRIGGER network_memberships_name AFTER INSERT ON network_memberships "
        "FOR EACH ROW BEGIN UPDATE network_memberships SET member_name = coalesce("
        "(SELECT display_name FROM users WHERE id = NEW.user_id), '') "
        "WHERE user_id = NEW.user_id AND network_id = NEW.network_id; END",
        "CREATE TRIGGER users_member_name AFTER UPDATE OF display_name ON users FOR EACH ROW "
        "WHEN OLD.display_name IS NOT NEW.display_name BEGIN UPDATE network_memberships "
        "SET member_name = NEW.display_name WHERE user_id = NEW.id; END",
    ],
}
create_with_table(NetworkMembership.__table__, MEMBER_NAME_FUNCTIONS, MEMBER_NAME_TRIGGERS)


class NetworkTally(db.Model):
    """How many people joined a network in a month (``joined_month``, its first moment) and are
    still in it, and how many of those chose to be listed: kept by the database
    (``TALLY_TRIGGERS``) whenever a membership is added, removed or changed, never written by
    the app. A network's page counts its members, those listed and this month's new ones from
    these few rows, not from every member (an affinity network holds thousands)."""

    __tablename__ = "network_tallies"

    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True
    )
    joined_month: Mapped[datetime] = mapped_column(primary_key=True)
    members: Mapped[int] = mapped_column(server_default="0")
    listed: Mapped[int] = mapped_column(server_default="0")


# ``NetworkMembership.member_area`` and ``NetworkTally``, kept by the database on both engines,
# so every way a row is written (the ORM, bulk inserts, COPY in imports, erasure) keeps them.
# Installed by migration 0019_network_tallies and by create_all. On PostgreSQL one statement
# per insert or delete of profiles or memberships (a COPY of thousands counts them at once).
MEMBER_AREA_FUNCTIONS = [
    # A new membership takes its member's choice; their profile is locked against a change
    # (FOR SHARE) until this transaction ends, so a change at the same moment waits and then
    # copies its new choice here too.
    """
CREATE OR REPLACE FUNCTION netapp_membership_area() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.member_area := (SELECT visibility ->> 'area' FROM profiles
                        WHERE user_id = NEW.user_id FOR SHARE);
    RETURN NEW;
END
$$
""",
]
MEMBER_AREA_PROFILE_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_profiles_area_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_memberships SET member_area = netapp_area_added.visibility ->> 'area'
    FROM netapp_area_added
    WHERE network_memberships.user_id = netapp_area_added.user_id
      AND network_memberships.member_area IS DISTINCT FROM
          netapp_area_added.visibility ->> 'area';
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profiles_area_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_memberships SET member_area = NULL FROM netapp_area_removed
    WHERE network_memberships.user_id = netapp_area_removed.user_id
      AND network_memberships.member_area IS NOT NULL;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_profile_area_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.user_id IS DISTINCT FROM NEW.user_id THEN
        UPDATE network_memberships SET member_area = NULL
        WHERE user_id = OLD.user_id AND member_area IS NOT NULL;
    END IF;
    UPDATE network_memberships SET member_area = NEW.visibility ->> 'area'
    WHERE user_id = NEW.user_id AND member_area IS DISTINCT FROM NEW.visibility ->> 'area';
    RETURN NULL;
END
$$
""",
]
TALLY_FUNCTIONS = [
    """
CREATE OR REPLACE FUNCTION netapp_tally_joined() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO network_tallies AS tally (network_id, joined_month, members, listed)
    SELECT network_id, date_trunc('month', joined_at), count(*),
           count(*) FILTER (WHERE is_listed)
    FROM netapp_joined GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (network_id, joined_month) DO UPDATE
    SET members = tally.members + excluded.members, listed = tally.listed + excluded.listed;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_tally_left() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_tallies AS tally
    SET members = tally.members - gone.members, listed = tally.listed - gone.listed
    FROM (SELECT network_id, date_trunc('month', joined_at) AS joined_month,
                 count(*) AS members, count(*) FILTER (WHERE is_listed) AS listed
          FROM netapp_left GROUP BY 1, 2) AS gone
    WHERE tally.network_id = gone.network_id AND tally.joined_month = gone.joined_month;
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION netapp_tally_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE network_tallies
    SET members = members - 1, listed = listed - OLD.is_listed::integer
    WHERE network_id = OLD.network_id AND joined_month = date_trunc('month', OLD.joined_at);
    INSERT INTO network_tallies AS tally (network_id, joined_month, members, listed)
    VALUES (NEW.network_id, date_trunc('month', NEW.joined_at), 1, NEW.is_listed::integer)
    ON CONFLICT (network_id, joined_month) DO UPDATE
    SET members = tally.members + 1, listed = tally.listed + excluded.listed;
    RETURN NULL;
END
$$
""",
]
# SQLite keeps times as text ("2026-11-27 13:00:00.000000"): a month is its first seven
# characters. The choice is read as the app's queries read it.
_MONTH = "substr({}.joined_at, 1, 7) || '-01 00:00:00.000000'"
_AREA = "JSON_EXTRACT({}.visibility, '$.\"area\"')"
# A new month's row made without a conflict: an outer INSERT OR REPLACE would turn an INSERT OR
# IGNORE here into a REPLACE of the row (SQLite's rule for statements in triggers).
_NEW_TALLY = (
    "INSERT INTO network_tallies (network_id, joined_month, members, listed) "
    f"SELECT NEW.network_id, {_MONTH.format('NEW')}, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM "
    "network_tallies WHERE network_id = NEW.network_id "
    f"AND joined_month = {_MONTH.format('NEW')});")
MEMBER_AREA_TRIGGERS = {
    "postgresql": [
        "CREATE TRIGGER network_memberships_area BEFORE INSERT OR UPDATE OF user_id "
        "ON network_memberships FOR EACH ROW EXECUTE FUNCTION netapp_membership_area()",
    ],
    "sqlite": [
        "CREATE TRIGGER network_memberships_area AFTER INSERT ON network_memberships "
        "FOR EACH ROW BEGIN UPDATE network_memberships SET member_area = "
        f"(SELECT {_AREA.format('profiles')} FROM profiles WHERE user_id = NEW.user_id) "
        "WHERE user_id = NEW.user_id AND network_id = NEW.network_id; END",
        "CREATE TRIGGER network_memberships_area_moved AFTER UPDATE OF user_id "
        "ON network_memberships FOR EACH ROW WHEN OLD.user_id IS NOT NEW.user_id BEGIN "
        "UPDATE network_memberships SET member_area = "
        f"(SELECT {_AREA.format('profiles')} FROM profiles WHERE user_id = NEW.user_id) "
        "WHERE user_id = NEW.user_id AND network_id = NEW.network_id; END",
    ],
}
MEMBER_AREA_PROFILE_TRIGGERS = {
    "postgresql": [
        "CREATE TRIGGER profiles_area_added AFTER INSERT ON profiles "
        "REFERENCING NEW TABLE AS netapp_area_added FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_profiles_area_added()",
        "CREATE TRIGGER profiles_area_removed AFTER DELETE ON profiles "
        "REFERENCING OLD TABLE AS netapp_area_removed FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_profiles_area_removed()",
        "CREATE TRIGGER profiles_area_changed AFTER UPDATE OF visibility, user_id ON profiles "
        "FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id "
        "OR (OLD.visibility ->> 'area') IS DISTINCT FROM (NEW.visibility ->> 'area')) "
        "EXECUTE FUNCTION netapp_profile_area_changed()",
    ],
    "sqlite": [
        "CREATE TRIGGER profiles_area_added AFTER INSERT ON profiles FOR EACH ROW BEGIN "
        f"UPDATE network_memberships SET member_area = {_AREA.format('NEW')} "
        "WHERE user_id = NEW.user_id; END",
        "CREATE TRIGGER profiles_area_removed AFTER DELETE ON profiles FOR EACH ROW BEGIN "
        "UPDATE network_memberships SET member_area = NULL WHERE user_id = OLD.user_id; END",
        "CREATE TRIGGER profiles_area_changed AFTER UPDATE OF visibility, user_id ON profiles "
        "FOR EACH ROW BEGIN "
        "UPDATE network_memberships SET member_area = NULL "
        "WHERE user_id = OLD.user_id AND OLD.user_id IS NOT NEW.user_id; "
        f"UPDATE network_memberships SET member_area = {_AREA.format('NEW')} "
        "WHERE user_id = NEW.user_id; END",
    ],
}
TALLY_TRIGGERS = {
    "postgresql": [
        "CREATE TRIGGER network_memberships_tally_joined AFTER INSERT ON network_memberships "
        "REFERENCING NEW TABLE AS netapp_joined FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_tally_joined()",
        "CREATE TRIGGER network_memberships_tally_left AFTER DELETE ON network_memberships "
        "REFERENCING OLD TABLE AS netapp_left FOR EACH STATEMENT "
        "EXECUTE FUNCTION netapp_tally_left()",
        "CREATE TRIGGER network_memberships_tally_moved "
        "AFTER UPDATE OF network_id, joined_at, is_listed ON network_memberships FOR EACH ROW "
        "WHEN (OLD.network_id IS DISTINCT FROM NEW.network_id "
        "OR date_trunc('month', OLD.joined_at) IS DISTINCT FROM date_trunc('month', NEW.joined_at) "
        "OR OLD.is_listed IS DISTINCT FROM NEW.is_listed) "
        "EXECUTE FUNCTION netapp_tally_moved()",
    ],
    "sqlite": [
        "CREATE TRIGGER network_memberships_tally_joined AFTER INSERT ON network_memberships "
        "FOR EACH ROW BEGIN "
        f"{_NEW_TALLY} "
        "UPDATE network_tallies SET members = members + 1, "
        "listed = listed + (NEW.is_listed IS 1) "
        f"WHERE network_id = NEW.network_id AND joined_month = {_MONTH.format('NEW')}; END",
        "CREATE TRIGGER network_memberships_tally_left AFTER DELETE ON network_memberships "
        "FOR EACH ROW BEGIN "
        "UPDATE network_tallies SET members = members - 1, "
        "listed = listed - (OLD.is_listed IS 1) "
        f"WHERE network_id = OLD.network_id AND joined_month = {_MONTH.format('OLD')}; END",
        "CREATE TRIGGER network_memberships_tally_moved "
        "AFTER UPDATE OF network_id, joined_at, is_listed ON network_memberships FOR EACH ROW "
        "WHEN OLD.network_id IS NOT NEW.network_id "
        f"OR {_MONTH.format('OLD')} IS NOT {_MONTH.format('NEW')} "
        "OR OLD.is_listed IS NOT NEW.is_listed BEGIN "
        "UPDATE network_tallies SET members = members - 1, "
        "listed = listed - (OLD.is_listed IS 1) "
        f"WHERE network_id = OLD.network_id AND joined_month = {_MONTH.format('OLD')}; "
        f"{_NEW_TALLY} "
        "UPDATE network_tallies SET members = members + 1, "
        "listed = listed + (NEW.is_listed IS 1) "
        f"WHERE network_id = NEW.network_id AND joined_month = {_MONTH.format('NEW')}; END",
    ],
}
create_with_table(NetworkMembership.__table__, MEMBER_AREA_FUNCTIONS + TALLY_FUNCTIONS,
                  {dialect: MEMBER_AREA_TRIGGERS[dialect] + TALLY_TRIGGERS[dialect]
                   for dialect in MEMBER_AREA_TRIGGERS})
# On the profiles' table (which may be made before or after the memberships'): their triggers
# update memberships, which need only exist when they fire.
create_with_table(Profile.__table__, MEMBER_AREA_PROFILE_FUNCTIONS, MEMBER_AREA_PROFILE_TRIGGERS)


class Topic(db.Model):
    """Something a member wants help with or can offer. Coordinators may add more."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    is_support_area: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(sa.SmallInteger, default=100)


member_needs = sa.Table(
    "member_needs",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

member_offers = sa.Table(
    "member_offers",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


# --- Networks that end isolation (issue 12): leads, follows, events, discussions, stories,
# peer suggestions and the isolation index. ---


class NetworkLead(db.Model):
    """A member who leads a network: creates its events, hides posts, features stories."""

    __tablename__ = "network_leads"

    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    appointed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    appointed_at: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkFollow(db.Model):
    """A member following a local network that is not their own (a neighbouring council's)."""

    __tablename__ = "network_follows"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(db.Model):
    """A network's event: in person at an address, or online with a link shown only to those
    going. Times are stored in UTC and shown in Europe/London time."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        sa.ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    is_online: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int | None]  # None: no limit
    cancelled_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    sequence: Mapped[int] = mapped_column(default=0)  # calendar files: bumped on each change
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    network: Mapped[Network] = relationship()

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )


class RsvpStatus(enum.Enum):
    GOING = "going"
    WAITING = "waiting"


class EventRsvp(db.Model):
    """A member going to an event, or on its waitlist (promoted in order of ``id``). A cancelled
    RSVP is deleted. ``attended`` is recorded afterwards by a lead or coordinator."""

    __tablename__ = "event_rsvps"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RsvpStatus] = mapped_column(stored_enum(RsvpStatus))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    promoted_at: Mapped[datetime | None]
    attended: Mapped[bool | None]

    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id"),
        sa.Index("ix_event_rsvps_event_status", "event_id", "status", "id"),
    )


class DiscussionThread(db.Model):
    """A discussion in a network. Its first post is the opening message."""

    __tablename__ = "discussion_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("networks.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    post_count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.Index("ix_discussion_threads_network_last", "network_id",
                               "last_post_at"),)


class DiscussionPost(db.Model):
    """A post: Markdown as written (rendered and sanitised on output). Editable by its author
    for 30 minutes; a lead may hide it with a reason."""

    __tablename__ = "discussion_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.ForeignKey("discussion_threads.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    hidden_reason: Mapped[str] = mapped_column(sa.String(300), default="")

    __table_args__ = (sa.Index("ix_discussion_posts_thread_created", "thread_id", "id"),)


class PostReport(db.Model):
    """A member telling the network's leads a post needs a look."""

    __tablename__ = "post_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    reason: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    __table_args__ = (sa.UniqueConstraint("post_id", "reporter_id"),)


class Story(db.Model):
    """A member's leadership story (Markdown), shared with one network or with everyone."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    network_id: Mapped[int | None] = mapped_column(  # None: shared with everyone
        sa.ForeignKey("networks.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    featured_at: Mapped[datetime | None]  # featured on its network's page by a lead
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    hidden_reason: Mapped[str] = mapped_column(sa.String(300), default="")


story_dimensions = sa.Table(
    "story_dimensions",
    db.metadata,
    sa.Column("story_id", sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dimension_id", sa.ForeignKey("framework_dimensions.id", ondelete="CASCADE"),
              primary_key=True, index=True),
)


class StoryThanks(db.Model):
    __tablename__ = "story_thanks"

    story_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PeerDismissal(db.Model):
    """A suggested peer the member does not want suggested again."""

    __tablename__ = "peer_dismissals"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    peer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PeerHello(db.Model):
    """A short hello from one member to a suggested peer (one per pair and direction)."""

    __tablename__ = "peer_hellos"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]

    __table_args__ = (sa.UniqueConstraint("sender_id", "recipient_id"),)


class IsolationScore(db.Model):
    """A member's isolation index, 0 (well connected) to 100 (alone), with its parts, as last
    computed (docs/networks.md says how)."""

    __tablename__ = "isolation_scores"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[int] = mapped_column(sa.SmallInteger, index=True)
    parts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("score BETWEEN 0 AND 100", name="score_range"),)


# The member directory's "strong in" search reads the people who scored one element 4: without
# this it would read every score of every self-assessment (half a million at 25,000 members).
sa.Index("ix_assessment_scores_element_score", AssessmentScore.element_id, AssessmentScore.score)

"""Live sessions kept per process, forgotten the moment the database says they changed.

Every signed-in request needs its person and session (``signed_in.read``). On PostgreSQL each
process keeps the last ``MOST`` sessions it read, for at most ``SIGNED_IN_KEEP_FOR`` seconds
(60 unless set), so a request from a browser seen recently reads nothing to know who it is.

Nothing kept may outlive a change. Triggers on ``users`` (name, email, confirmation, closing,
erasure), ``user_roles`` and ``user_sessions`` (sign-out, ending a session, new tokens, last
seen) and ``profiles`` (starting and finishing the first steps) call
``netapp_identity_changed()`` (netapp/models/accounts.py), which says whose account changed in
two ways:

- ``NOTIFY netapp_identity, '<user id>'``, delivered to every process when the change commits.
  Each process listens on its own connection and reads what has arrived before every lookup
  (a read of its socket, no round trip), then forgets that person's sessions;
- a DEBUG message ``netapp_identity <user id>``, delivered at once to the connection that made
  the change; this process forgets that person's sessions as the change commits, so its very
  next request cannot see the old value even before the notification comes round.

A session read while a change was on its way is not kept: every forgetting moves a counter on,
and a read is kept only if the counter has not moved since it began. If the listening
connection fails, the process forgets everything and reads from the database until it can
listen again. SQLite has no way to tell other processes, so there every request reads.

The same connection also listens on ``netapp_reference`` (netapp/models/reference_changes.py):
a change to reference data in any process names its table, and the keeper passes the names to
whoever asked (``on_reference``: netapp/services/reference.py empties the copies they feed).
"""
from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from netapp.extensions import db
from netapp.models.accounts import IDENTITY_CHANNEL as CHANNEL
from netapp.models.reference_changes import REFERENCE_CHANNEL

__all__ = ["CHANNEL", "Keeper", "find", "hear", "init_app", "keeper", "stop"]

log = logging.getLogger(__name__)

MOST = 4096
# After the listening connection fails, wait this long before trying to listen again.
RETRY_AFTER = 5.0
_PENDING = "netapp.identity_changed"
_KEY = "session_keeper"

class Keeper:
    """One process's kept sessions, by their token's digest."""

    def __init__(self, engine: sa.Engine, keep_for: float) -> None:
        self._engine = engine
        self._keep_for = keep_for
        self._entries: OrderedDict[str, tuple[Any, float]] = OrderedDict()
        self._by_person: dict[int, set[str]] = {}
        # Each forgetting moves the count on; when each person (or everyone) was last forgotten.
        self._moves = 0
        self._moved: dict[int, int] = {}
        self._all_moved = 0
        self._listener: Any = None
        self._pid = os.getpid()
        self._retry_at = 0.0
        self._closer: weakref.finalize | None = None
        self._lock = threading.RLock()
        # Told the tables named by each reference notice, and when it cannot listen (None:
        # anything may have changed).
        self._on_reference: list[Callable[[set[str] | None], None]] = []
        self.reference_moves = 0  # moves on with every reference notice (or lost hearing)

    # ------------------------------------------------------------ looking up

    def find(self, digest: str, read: Callable[[str], Any]) -> Any:
        """The session with ``digest``: kept if fresh, else ``read`` from the database."""
        with self._lock:  # threads of one process (gthread workers) share the keeper
            if not self._listening():
                listening = False
            else:
                listening = True
                self._take_notifications()
                kept = self._entries.get(digest)
                if kept is not None and time.monotonic() - kept[1] < self._keep_for:
                    self._entries.move_to_end(digest)
                    return kept[0]
                moves = self._moves
        found = read(digest)
        if listening:
            with self._lock:
                if found is not None and not self._moved_since(found.user_id, moves):
                    self._keep(digest, found)
                else:
                    self._drop(digest)
        return found

    def _keep(self, digest: str, found: Any) -> None:
        self._drop(digest)
        self._entries[digest] = (found, time.monotonic())
        self._by_person.setdefault(found.user_id, set()).add(digest)
        while len(self._entries) > MOST:
            self._drop(next(iter(self._entries)))

    def _drop(self, digest: str) -> None:
        kept = self._entries.pop(digest, None)
        if kept is not None:
            digests = self._by_person.get(kept[0].user_id)
            if digests is not None:
                digests.discard(digest)
                if not digests:
                    del self._by_person[kept[0].user_id]

    # ------------------------------------------------------------ forgetting

    def forget(self, people: Iterable[int]) -> None:
        """Forget every kept session of these people."""
        with self._lock:
            self._forget(people)

    def _forget(self, people: Iterable[int]) -> None:
        self._moves += 1
        for person in people:
            self._moved[person] = self._moves
            for digest in self._by_person.pop(person, ()):
                self._entries.pop(digest, None)
        if len(self._moved) > 4 * MOST:  # many people changed (an import): start again
            self._moved.clear()
            self._all_moved = self._moves

    def forget_everyone(self) -> None:
        with self._lock:
            self._forget_everyone()

    def _forget_everyone(self) -> None:
        self._moves += 1
        self._all_moved = self._moves
        self._moved.clear()
        self._entries.clear()
        self._by_person.clear()

    def _moved_since(self, person: int, moves: int) -> bool:
        """Whether this person (or everyone) was forgotten after the count was ``moves``."""
        return self._moved.get(person, 0) > moves or self._all_moved > moves

    def __len__(self) -> int:
        return len(self._entries)

    # ------------------------------------------------------------ reference data

    def on_reference(self, told: Callable[[set[str] | None], None]) -> None:
        """Call ``told(tables)`` with the tables each reference notice names, and
        ``told(None)`` whenever notices may have been missed (listening began or was lost)."""
        self._on_reference.append(told)

    def hear(self) -> bool:
        """Take in whatever notices have arrived (a read of the socket, no round trip);
        whether the process is listening, so that what it keeps is kept right."""
        with self._lock:
            if not self._listening():
                return False
            self._take_notifications()
            return self._listener is not None

    def _tell_reference(self, tables: set[str] | None) -> None:
        self.reference_moves += 1
        for told in self._on_reference:
            told(tables)

    # ------------------------------------------------------------ listening

    def _listening(self) -> bool:
        if self._keep_for <= 0:
            return False
        if self._pid != os.getpid():  # a forked worker: nothing of the parent's is ours
            if self._closer is not None:
                self._closer.detach()  # closing it here would end the parent's connection
            self._pid, self._listener, self._closer = os.getpid(), None, None
            self._forget_everyone()
        if self._listener is not None:
            return True
        now = time.monotonic()
        if now < self._retry_at:
            return False
        try:
            self._listener = _listen(self._engine)
        except Exception:  # noqa: BLE001 - any failure: read from the database instead
            log.warning("cannot listen for session changes; reading every session",
                        exc_info=True)
            self._retry_at = now + RETRY_AFTER
            return False
        # Closed with the keeper however it ends (an app dropped, the process exiting).
        self._closer = weakref.finalize(self, _close_quietly, self._listener)
        self._forget_everyone()  # changes made while nobody listened were missed
        self._tell_reference(None)
        return True

    def _take_notifications(self) -> None:
        pgconn = self._listener.pgconn
        people: set[int] = set()
        tables: set[str] = set()
        try:
            # Read until the socket has nothing more: a big change (an import) sends many.
            heard = True
            while heard:
                pgconn.consume_input()
                heard = False
                while (note := pgconn.notifies()) is not None:
                    heard = True
                    channel = note.relname.decode()
                    if channel == CHANNEL:
                        people.add(int(note.extra.decode()))
                    elif channel == REFERENCE_CHANNEL:
                        tables.add(note.extra.decode())
        except Exception:  # noqa: BLE001 - a lost connection: forget all, listen again
            log.warning("lost the connection that listens for session changes", exc_info=True)
            self._stop_listening()
            return
        if people:
            self._forget(people)
        if tables:
            self._tell_reference(tables)

    def close(self) -> None:
        """Stop listening (and forget everything: changes would go unheard)."""
        with self._lock:
            self._stop_listening()

    def _stop_listening(self) -> None:
        self._forget_everyone()
        self._listener = None
        if self._closer is not None:
            self._closer()
        self._tell_reference(None)


def _close_quietly(listener: Any) -> None:
    with contextlib.suppress(Exception):  # closing a broken connection
        listener.close()


def _listen(engine: sa.Engine) -> Any:
    """A connection of its own (outside the pool) listening on ``CHANNEL`` and
    ``REFERENCE_CHANNEL``."""
    import psycopg

    args, kwargs = engine.dialect.create_connect_args(engine.url)
    listener = psycopg.connect(*args, **kwargs, autocommit=True)
    listener.execute(f"LISTEN {CHANNEL}")
    listener.execute(f"LISTEN {REFERENCE_CHANNEL}")
    return listener


def init_app(app: Flask) -> None:
    """Keep sessions per process on PostgreSQL (after ``db.init_app``)."""
    with app.app_context():
        engine = db.engine
    keeper = None
    keep_for = float(app.config["SIGNED_IN_KEEP_FOR"])
    if keep_for > 0 and engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        keeper = Keeper(engine, keep_for)
        _install(engine, keeper)
    app.extensions[_KEY] = keeper


def stop(app: Flask) -> None:
    """Close ``app``'s listening connection, if it has one (an app that is done with)."""
    keeper = app.extensions.get(_KEY)
    if keeper is not None:
        keeper.close()


def keeper(app: Flask) -> Keeper | None:
    """``app``'s keeper: None unless sessions are kept (PostgreSQL, ``SIGNED_IN_KEEP_FOR``)."""
    return app.extensions.get(_KEY)


def find(digest: str, read: Callable[[str], Any]) -> Any:
    keeper = current_app.extensions.get(_KEY)
    return read(digest) if keeper is None else keeper.find(digest, read)


def hear() -> bool:
    """Take in the notices that have arrived for this app's process; whether it listens."""
    keeper = current_app.extensions.get(_KEY)
    return keeper is not None and keeper.hear()


def _install(engine: sa.Engine, keeper: Keeper) -> None:
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        pending = record.info.setdefault(_PENDING, set())
        prefix = f"{CHANNEL} "

        def note(diagnostic: Any) -> None:
            message = diagnostic.message_primary or ""
            if message.startswith(prefix):
                pending.add(int(message[len(prefix):]))

        dbapi_connection.add_notice_handler(note)
        # The trigger's DEBUG line comes only to connections that ask for it, so psql and
        # migrations stay quiet.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET client_min_messages = debug1")
        dbapi_connection.commit()

    def on_commit(conn: sa.Connection) -> None:
        pending = conn.info.get(_PENDING)
        if pending:
            keeper.forget(pending)
            pending.clear()

    def on_rollback(conn: sa.Connection) -> None:
        pending = conn.info.get(_PENDING)
        if pending:
            pending.clear()

    sa.event.listen(engine, "connect", on_connect)
    sa.event.listen(engine, "commit", on_commit)
    sa.event.listen(engine, "rollback", on_rollback)

"""Member imports from a CSV file: read it, map its columns, check every row (the dry run),
then import it from the task queue in one transaction and invite the new members by email.

A re-import matches people on their email address (lower-cased) and changes only what differs,
so importing the same file twice changes nothing the second time. The file's text is kept on
the MemberImport row only until the import has run or failed; the report keeps line numbers,
column headings and counts, never a name or an email address.
"""
from __future__ import annotations

import csv
import enum
import io
import json
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from matching.lqf import ELEMENT_CODES
from netapp import database
from netapp.extensions import db
from netapp.models import (
    AssessmentScore,
    AuditEntry,
    Element,
    Framework,
    ImportStatus,
    Job,
    LocalAuthority,
    MemberImport,
    Network,
    NetworkKind,
    NetworkMembership,
    Organisation,
    Profile,
    Role,
    SelfAssessment,
    ServiceType,
    User,
    UserRole,
)
from netapp.models.base import utcnow
from netapp.services import audit, jobs
from netapp.services.lqf import LQF_CODE, latest_scores_by_user

RUN_KIND = "import"
# The dry run lists this many problems at most: past that, the file needs fixing as a whole.
MAX_PROBLEMS = 5000
BATCH = 2000  # rows per insert while importing (progress is reported between batches)
LOOKUP_CHUNK = 5000  # emails per "IN (...)" lookup, well under every database's limit


class ImportRefused(ValueError):
    """A file we cannot read at all; the message says why and how to fix it."""


# ---------------------------------------------------------------- fields and column mapping


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str
    required: bool = False
    aliases: tuple[str, ...] = ()


FIELDS: tuple[Field, ...] = (
    Field("name", "Name", "The person's name as other members will see it.", True,
          ("full name", "display name", "manager name", "registered manager", "member name")),
    Field("email", "Email", "Their own email address: the invitation goes there.", True,
          ("email address", "e-mail", "e-mail address", "work email", "email_address")),
    Field("job_title", "Job title", "For example Registered Manager.",
          aliases=("title", "role", "position", "job")),
    Field("organisation", "Organisation", "The care provider they work for.",
          aliases=("provider", "organisation name", "organization", "employer",
                   "care provider", "company")),
    Field("service_type", "Service type",
          "care_home, nursing_home, home_care, supported_living, extra_care_housing, "
          "shared_lives or day_service (or the names, such as Home care).",
          aliases=("service", "type of service", "service category")),
    Field("council", "Council", "The council area they work in, for example Leeds.",
          aliases=("local authority", "local_authority", "la", "council area", "area")),
    Field("level", "Level of leadership",
          "1 front-line worker, 2 front-line leader, 3 operational leader, 4 strategic leader.",
          aliases=("leadership level", "lqf level")),
    Field("online", "Meets online", "yes or no; blank means yes.",
          aliases=("meets online", "can meet online")),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
TEMPLATE_HEADINGS = FIELD_NAMES + ELEMENT_CODES


def _norm(heading: str) -> str:
    return " ".join(heading.replace("_", " ").replace("-", " ").casefold().split())


def guess_mapping(headings: list[str]) -> dict[str, str]:
    """{field: heading} for each field whose name or a known alias is one of the headings."""
    by_norm: dict[str, str] = {}
    for heading in headings:
        by_norm.setdefault(_norm(heading), heading)
    mapping = {}
    for f in FIELDS:
        for candidate in (f.name, f.label, *f.aliases):
            heading = by_norm.get(_norm(candidate))
            if heading is not None and heading not in mapping.values():
                mapping[f.name] = heading
                break
    return mapping


def score_columns(headings: list[str]) -> dict[str, str]:
    """{element code: heading} for each heading that is an LQF element code, such as MS1."""
    codes = set(ELEMENT_CODES)
    found = {}
    for heading in headings:
        code = heading.strip().upper()
        if code in codes and code not in found:
            found[code] = heading
    return found


def template_csv() -> str:
    """The header row of an import file and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TEMPLATE_HEADINGS)
    writer.writerow(["Sam Example", "sam.example@example.org", "Registered Manager",
                     "Oak Lodge Care", "care_home", "Leeds", "3", "yes"] + ["3"] * 28)
    return out.getvalue()


# ---------------------------------------------------------------- reading the file


@dataclass
class Table:
    """A CSV file's headings and its rows, each with the line it starts on."""

    headings: list[str]
    rows: list[tuple[int, list[str]]]


def decode(data: bytes, max_bytes: int) -> str:
    """The uploaded bytes as text, or ImportRefused saying why not."""
    if len(data) > max_bytes:
        raise ImportRefused(too_big_message(max_bytes))
    if not data.strip():
        raise ImportRefused("The file is empty. Choose the CSV file with your members in it.")
    if b"\x00" in data or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        raise ImportRefused("This is not a CSV file: it looks like a spreadsheet or another "
                            "kind of file. In your spreadsheet, choose Save as, pick "
                            "'CSV UTF-8 (comma delimited)', and upload that file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportRefused(f"Line {line} has characters that are not UTF-8, so the file was "
                            "probably saved in an older format: save it as CSV UTF-8 (in "
                            "your spreadsheet choose Save as, then 'CSV UTF-8 (comma "
                            "delimited)') and upload it again.") from None


def too_big_message(max_bytes: int) -> str:
    return (f"The file is bigger than {max_bytes // (1024 * 1024)} MB, the most one import "
            "takes. Split it into smaller files (for example one per region) and import "
            "each one.")


def read_table(text: str, max_rows: int) -> Table:
    """Headings and rows (blank rows skipped), or ImportRefused."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        headings = next(reader, None)
        if headings is None or not any(h.strip() for h in headings):
            raise ImportRefused("The first line of the file is empty: it should hold the "
                                "column headings. Download the template to see them.")
        headings = [h.strip() for h in headings]
        _refuse_headingless(headings)
        start = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
                if len(rows) > max_rows:
                    raise ImportRefused(
                        f"The file has more than {max_rows:,} members, the most one import "
                        "takes. Split it into smaller files and import each one.")
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportRefused(f"Line {reader.line_num} can't be read as CSV ({exc}). Check it "
                            "in your spreadsheet and save the file as CSV again.") from None
    if len(headings) == 1 and (";" in headings[0] or "\t" in headings[0]):
        raise ImportRefused("The columns are separated by semicolons or tabs. Save the file "
                            "as 'CSV UTF-8 (comma delimited)' so they are separated by commas.")
    if not rows:
        raise ImportRefused("The file has headings but no members under them.")
    return Table(headings, rows)


def peek(text: str, rows: int = 5) -> Table:
    """The headings and the first few rows, without reading the whole file."""
    reader = csv.reader(io.StringIO(text, newline=""))
    headings = [h.strip() for h in next(reader, [])]
    first: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                first.append((start, row))
                if len(first) >= rows:
                    break
            start = reader.line_num + 1
    except csv.Error:
        pass  # the full read, before any import, reports it
    return Table(headings, first)


def _refuse_headingless(headings: list[str]) -> None:
    if any("@" in h for h in headings) and not guess_mapping(headings):
        raise ImportRefused("The first line looks like a member, not column headings. Add a "
                            "line of headings at the top (name, email, ...): download the "
                            "template to see them.")


# ---------------------------------------------------------------- checking rows (the dry run)


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str


@dataclass
class Row:
    """One checked member, ready to import."""

    line: int
    name: str
    email: str
    job_title: str | None = None
    organisation: str | None = None
    service_type: ServiceType | None = None
    council_id: int | None = None
    level: int | None = None
    online: bool | None = None
    scores: dict[str, int] = field(default_factory=dict)


@dataclass
class Checked:
    rows: list[Row]
    problems: list[Problem]
    problem_count: int
    kinds: Counter


_EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[a-z]{2,}$", re.IGNORECASE)
_ONLINE = {"yes": True, "y": True, "true": True, "1": True,
           "no": False, "n": False, "false": False, "0": False}
_SERVICE_WORDS = {
    **{t.value: t for t in ServiceType},
    **{_norm(t.label): t for t in ServiceType},
    **{_norm(t.value): t for t in ServiceType},
    "nursing home": ServiceType.NURSING_HOME,
    "domiciliary care": ServiceType.HOME_CARE,
    "domiciliary": ServiceType.HOME_CARE,
    "day services": ServiceType.DAY_SERVICE,
}
_COUNCIL_SUFFIX = re.compile(r"\s+(city|county|borough|metropolitan borough|district)?\s*council$")


def _council_key(name: str) -> str:
    key = _norm(name).replace("&", "and")
    return _COUNCIL_SUFFIX.sub("", key)


def council_ids() -> dict[str, int]:
    """{normalised council name: id}, one query."""
    return {_council_key(name): cid for cid, name in
            db.session.execute(sa.select(LocalAuthority.id, LocalAuthority.name))}


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.count = 0
        self.kinds: Counter = Counter()

    def add(self, line: int, column: str, kind: str, message: str) -> None:
        self.count += 1
        self.kinds[kind] += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(line, column, message))


def check(table: Table, mapping: dict[str, str]) -> Checked:
    """Every row checked against the mapping; nothing is written."""
    position = {h: k for k, h in reversed(list(enumerate(table.headings)))}
    cols = {name: position[h] for name, h in mapping.items() if h in position}
    scores = {code: position[h] for code, h in score_columns(table.headings).items()}
    councils = council_ids()
    out = _Collector()
    seen: dict[str, int] = {}
    rows: list[Row] = []

    def cell(row: list[str], name: str) -> str:
        k = cols.get(name)
        return row[k].strip() if k is not None and k < len(row) else ""

    def heading(name: str) -> str:
        return mapping.get(name) or name

    for line, raw in table.rows:
        before = out.count
        name, email = cell(raw, "name"), cell(raw, "email").lower()
        if not name:
            out.add(line, heading("name"), "name", "The name is missing.")
        elif len(name) > 120:
            out.add(line, heading("name"), "name", "The name is longer than 120 characters.")
        if not email:
            out.add(line, heading("email"), "email", "The email address is missing.")
        elif len(email) > 254 or not _EMAIL.match(email):
            out.add(line, heading("email"), "email",
                    "This is not an email address (it should look like name@example.org).")
        elif email in seen:
            out.add(line, heading("email"), "duplicate",
                    f"The same email address is on line {seen[email]}: each member once, "
                    "please.")
        else:
            seen[email] = line
        member = Row(line, name, email, job_title=cell(raw, "job_title")[:120] or None)
        _check_place(raw, member, cell, heading, councils, out)
        _check_level_and_online(raw, member, cell, heading, out)
        _check_scores(raw, member, scores, table.headings, out)
        if out.count == before:
            rows.append(member)
    return Checked(rows, out.problems, out.count, out.kinds)


def _check_place(raw, member: Row, cell, heading, councils, out: _Collector) -> None:
    line = member.line
    council = cell(raw, "council")
    if council:
        member.council_id = councils.get(_council_key(council))
        if member.council_id is None:
            out.add(line, heading("council"), "council",
                    f"We don't know the council '{council[:80]}'. Use the council's name "
                    "as in the template's list, for example Leeds or Camden.")
    service = cell(raw, "service_type")
    if service:
        member.service_type = _SERVICE_WORDS.get(_norm(service))
        if member.service_type is None:
            out.add(line, heading("service_type"), "service_type",
                    f"We don't know the service type '{service[:60]}'. Use one of "
                    + ", ".join(t.value for t in ServiceType) + ".")
    organisation = cell(raw, "organisation")[:200]
    if organisation:
        member.organisation = organisation
        if not service:
            out.add(line, heading("service_type"), "service_type",
                    "Give the service type of this organisation.")
    elif service:
        out.add(line, heading("organisation"), "organisation",
                "Give the organisation this service type belongs to.")


def _check_level_and_online(raw, member: Row, cell, heading, out: _Collector) -> None:
    level = cell(raw, "level")
    if level:
        if level in ("1", "2", "3", "4"):
            member.level = int(level)
        else:
            out.add(member.line, heading("level"), "level",
                    f"The level of leadership must be 1, 2, 3 or 4, not '{level[:20]}'.")
    online = cell(raw, "online")
    if online:
        member.online = _ONLINE.get(online.lower())
        if member.online is None:
            out.add(member.line, heading("online"), "online",
                    f"Meets online must be yes or no, not '{online[:20]}'.")


def _check_scores(raw, member: Row, scores: dict[str, int], headings: list[str],
                  out: _Collector) -> None:
    given: dict[str, int] = {}
    blank: list[str] = []
    bad = False
    for code in ELEMENT_CODES:
        k = scores.get(code)
        value = raw[k].strip() if k is not None and k < len(raw) else ""
        if not value:
            blank.append(code)
        elif value in ("1", "2", "3", "4"):
            given[code] = int(value)
        else:
            bad = True
            out.add(member.line, headings[k], "score",
                    f"A self-assessment score must be 1, 2, 3 or 4, not '{value[:20]}'.")
    if given and blank and not bad:
        column = headings[scores[blank[0]]] if blank[0] in scores else blank[0]
        out.add(member.line, column, "score",
                f"A self-assessment needs all 28 scores or none: {blank[0]} is blank.")
    member.scores = given if not blank else {}


# ---------------------------------------------------------------- an import's life


class MappingError(ValueError):
    """The chosen columns can't work; ``problems`` maps each field to what to fix."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@cache
def imports_query() -> sa.Select:
    """Every import, newest first, with who uploaded it and its job, in one statement (for a
    paged list, ``paging.paginate``). Built once per process."""
    return (sa.select(MemberImport)
            .options(sa.orm.joinedload(MemberImport.created_by).lazyload(User.roles),
                     sa.orm.joinedload(MemberImport.job))
            .order_by(MemberImport.created_at.desc(), MemberImport.id.desc()))


def _limits() -> tuple[int, int]:
    config = current_app.config
    return config["MAX_IMPORT_BYTES"], config["MAX_IMPORT_ROWS"]


def upload(actor: User, filename: str, data: bytes) -> MemberImport:
    """Keep an uploaded file for mapping; ImportRefused says why a file can't be read."""
    max_bytes, max_rows = _limits()
    text = decode(data, max_bytes)
    table = read_table(text, max_rows)
    imp = MemberImport(created_by_id=actor.id, filename=(filename or "members.csv")[:200],
                       content=text, mapping=guess_mapping(table.headings),
                       row_count=len(table.rows), status=ImportStatus.UPLOADED, report={})
    db.session.add(imp)
    db.session.flush()
    audit.record(actor, "import.uploaded", imp, rows=imp.row_count)
    db.session.commit()
    return imp


def table_of(imp: MemberImport) -> Table:
    if not imp.content:
        raise ImportRefused("The file of this import is no longer kept. Upload it again.")
    return read_table(imp.content, _limits()[1])


def can_map(imp: MemberImport) -> bool:
    return imp.status in (ImportStatus.UPLOADED, ImportStatus.CHECKED) and bool(imp.content)


def validate_mapping(headings: list[str], chosen: dict[str, str]) -> dict[str, str]:
    """The mapping without blanks, or MappingError naming each field to fix."""
    mapping = {name: chosen.get(name, "") for name in FIELD_NAMES if chosen.get(name)}
    problems = {}
    for f in FIELDS:
        heading = mapping.get(f.name)
        if heading is not None and heading not in headings:
            problems[f.name] = f"Pick one of the file's columns for {f.label}."
        elif heading is None and f.required:
            problems[f.name] = f"Pick the column that holds each member's {f.label.lower()}."
    used = Counter(mapping.values())
    for f in FIELDS:
        heading = mapping.get(f.name)
        if heading is not None and used[heading] > 1 and f.name not in problems:
            problems[f.name] = (f"The column '{heading}' is picked for more than one field: "
                                "pick it once.")
    if problems:
        raise MappingError(problems)
    return mapping


def existing_accounts(emails: Iterable[str]) -> dict[str, int]:
    """{email: user id} for the emails that already have an account (a query per 5,000)."""
    emails = sorted(set(emails))
    found: dict[str, int] = {}
    for k in range(0, len(emails), LOOKUP_CHUNK):
        found.update(db.session.execute(
            sa.select(User.email, User.id).where(User.email.in_(emails[k:k + LOOKUP_CHUNK]))
        ).all())
    return found


def dry_run(actor: User, imp: MemberImport, chosen: dict[str, str]) -> Checked:
    """Save the mapping and check every row; the database changes only on the import row."""
    if not can_map(imp):
        raise ImportRefused("This import has already run, so it can't be checked again. "
                            "Upload the file again to start a new one.")
    table = table_of(imp)
    mapping = validate_mapping(table.headings, chosen)
    checked = check(table, mapping)
    known = existing_accounts(r.email for r in checked.rows)
    imp.mapping = mapping
    imp.status = ImportStatus.CHECKED
    imp.checked_at = utcnow()
    imp.row_count = len(table.rows)
    imp.report = {
        "rows": len(table.rows),
        "ready": len(checked.rows),
        "new": len(checked.rows) - len(known),
        "existing": len(known),
        "with_scores": sum(1 for r in checked.rows if r.scores),
        "score_columns": len(score_columns(table.headings)),
        "problem_count": checked.problem_count,
        "kinds": dict(checked.kinds),
        "problems": [[p.line, p.column, p.message] for p in checked.problems],
    }
    audit.record(actor, "import.checked", imp, rows=len(table.rows),
                 problems=checked.problem_count)
    db.session.commit()
    return checked


def can_import(imp: MemberImport) -> bool:
    return (imp.status == ImportStatus.CHECKED and bool(imp.content)
            and imp.report.get("problem_count") == 0 and imp.report.get("ready", 0) > 0)


def start_import(actor: User, imp: MemberImport) -> Job:
    """Queue the import of a file whose dry run found no problems."""
    if not can_import(imp):
        raise ImportRefused("Only a file whose check found no problems can be imported. Fix "
                            "the file, upload it again and check it.")
    # One conditional update: two clicks on "Import" queue one import.
    changed = db.session.execute(
        sa.update(MemberImport)
        .where(MemberImport.id == imp.id, MemberImport.status == ImportStatus.CHECKED)
        .values(status=ImportStatus.IMPORTING)).rowcount
    if not changed:
        db.session.rollback()
        raise ImportRefused("This import has already started.")
    job = jobs.new(RUN_KIND, {"import_id": imp.id}, actor)
    imp.job = job
    audit.record(actor, "import.started", imp, rows=imp.row_count)
    db.session.commit()
    jobs.queue(job)
    return job


def discard(actor: User, imp: MemberImport) -> None:
    """Forget an upload that will not be imported (its file goes at once)."""
    if imp.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED):
        raise ImportRefused("Only an import that has not run can be discarded.")
    imp.status = ImportStatus.FAILED
    imp.content = ""
    imp.finished_at = utcnow()
    imp.report = {**imp.report, "discarded": True}
    audit.record(actor, "import.discarded", imp)
    db.session.commit()


def forget_person(email: str) -> int:
    """On erasure: a file not yet imported that holds the person's email is emptied, so it
    can't add them back. Returns how many imports it stopped (no commit)."""
    email = User.normalise_email(email)
    return db.session.execute(
        sa.update(MemberImport)
        .where(MemberImport.status.in_([ImportStatus.UPLOADED, ImportStatus.CHECKED]),
               sa.func.lower(MemberImport.content).contains(email, autoescape=True))
        .values(status=ImportStatus.FAILED, content="", finished_at=utcnow(),
                report={"erased": True})).rowcount


def _mark_failed(job: Job) -> None:
    # Nothing of a failed import was committed; its file goes now, as after a success.
    db.session.execute(
        sa.update(MemberImport)
        .where(MemberImport.id == job.params["import_id"],
               MemberImport.status == ImportStatus.IMPORTING)
        .values(status=ImportStatus.FAILED, content="", finished_at=utcnow()))
    db.session.commit()


@jobs.runner(RUN_KIND, on_failure=_mark_failed)
def run_import(job: Job, report: jobs.Report) -> str:
    """The task: check the file again, write every member in one transaction, then invite."""
    imp = db.session.get(MemberImport, job.params["import_id"])
    if imp is None or imp.status != ImportStatus.IMPORTING:
        raise jobs.JobError("This import is not waiting to run any more.")
    report(2, f"Checking {imp.row_count:,} rows again.")
    try:
        checked = check(table_of(imp), imp.mapping)
    except ImportRefused as exc:
        raise jobs.JobError(str(exc)) from exc
    if checked.problem_count:
        raise jobs.JobError("The file no longer passes its check (a council or an account "
                            "may have changed since). Nothing was imported: upload the file "
                            "again and check it.")
    report(10, f"Saving {len(checked.rows):,} members.")
    try:
        applied = apply(checked.rows, report)
    except sa.exc.IntegrityError as exc:
        raise jobs.JobError("Someone in the file joined the network while the import ran. "
                            "Nothing was imported: upload the file again and import it.") from exc
    creator = db.session.get(User, imp.created_by_id) if imp.created_by_id else None
    imp.status = ImportStatus.DONE
    imp.content = ""
    imp.finished_at = utcnow()
    imp.created_count = len(applied.new_ids)
    imp.updated_count = applied.updated
    imp.report = {**imp.report, "created": len(applied.new_ids), "updated": applied.updated,
                  "unchanged": applied.unchanged}
    audit.record(creator, "import.done", imp, created=len(applied.new_ids),
                 updated=applied.updated, unchanged=applied.unchanged)
    # Each member added or changed, in the log as a change made to them by the coordinator
    # (their admin page lists it), inserted in bulk with the members themselves.
    _insert_many(AuditEntry, [
        *audit.entries_for_many(imp.created_by_id, "import.member_added", "User",
                                applied.new_ids, import_id=imp.id),
        *audit.entries_for_many(imp.created_by_id, "import.member_updated", "User",
                                applied.updated_ids, import_id=imp.id)])
    db.session.commit()  # the one commit: every member of the file, or none

    sent, failed = send_invitations(applied.new_ids, report)
    imp.report = {**imp.report, "invited": sent, "invitations_failed": failed}
    db.session.commit()
    words = (f"Imported {_count(len(checked.rows), 'member')}: {len(applied.new_ids):,} new, "
             f"{applied.updated:,} updated, {applied.unchanged:,} unchanged. "
             f"{_count(sent, 'invitation')} sent.")
    if failed:
        words += f" {_count(failed, 'invitation')} could not be sent."
    return words


def _count(n: int, noun: str) -> str:
    """"1 member", "2 members", "25,000 members"."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


# ---------------------------------------------------------------- writing the members


@dataclass
class Applied:
    new_ids: list[int]
    updated_ids: list[int]
    unchanged: int

    @property
    def updated(self) -> int:
        return len(self.updated_ids)


def _chunks(items: list, size: int) -> Iterator[list]:
    for k in range(0, len(items), size):
        yield items[k:k + size]


def _insert_many(model, rows: list[dict]) -> None:
    """Insert rows that need no ids back; every row has the same keys.

    On PostgreSQL this is one COPY in the import's own transaction: an executemany of the
    700,000 scores of 25,000 members takes over a minute there, COPY a few seconds.
    """
    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        db.session.execute(sa.insert(model.__table__), rows)
        return
    columns = list(rows[0])
    raw = database.driver_connection_in_transaction(db.session)  # COPY passes by the ORM
    sql = f"COPY {model.__table__.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([_copy_value(row[c]) for c in columns])


def _insert_with_ids(model, rows: list[dict]) -> list[int]:
    """Insert rows and return their new ids, in the rows' order.

    On PostgreSQL the ids are taken from the table's sequence first and the rows go in by COPY
    (an INSERT ... RETURNING of thousands of rows spends seconds just in building the query).
    """
    if not rows:
        return []
    if db.engine.dialect.name != "postgresql":
        return list(db.session.scalars(
            sa.insert(model).returning(model.id, sort_by_parameter_order=True), rows))
    ids = list(db.session.scalars(
        sa.text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                "FROM generate_series(1, :n)"),
        {"table": model.__table__.name, "n": len(rows)}))
    _insert_many(model, [{"id": new_id, **row} for new_id, row in zip(ids, rows, strict=True)])
    return ids


def _copy_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def _reporter(report: jobs.Report) -> jobs.Report:
    """``report`` where progress can be written while this transaction is open.

    On SQLite the progress row would wait for (or, in one shared connection, commit) the
    import's own uncommitted writes, so there the import reports only between its phases.
    """
    if db.engine.dialect.name == "sqlite":
        return lambda progress, message: None
    return report


def apply(rows: list[Row], report: jobs.Report) -> Applied:
    """Create or update every member in ``rows``, without committing."""
    while_writing = _reporter(report)
    now = utcnow()
    known = _existing_profiles([r.email for r in rows])
    organisations = _organisation_ids(rows)
    fresh = [r for r in rows if r.email not in known]
    new_ids: list[int] = []
    for k, batch in enumerate(_chunks(fresh, BATCH)):
        new_ids += _insert_with_ids(User, [
            {"email": r.email, "display_name": r.name, "is_active_account": True,
             # Not a hash of any password: no password matches it until they set their own.
             "password_hash": "!" + secrets.token_hex(16), "created_at": now}
            for r in batch])
        while_writing(10 + 40 * (k + 1) * BATCH // max(len(fresh), 1),
                      f"Added {min((k + 1) * BATCH, len(fresh)):,} of {len(fresh):,} new "
                      "members.")
    if len(new_ids) != len(fresh):
        raise RuntimeError("the database did not return an id for every new account")
    user_id = {r.email: uid for r, uid in zip(fresh, new_ids, strict=True)}
    user_id.update({email: p["user_id"] for email, p in known.items()})
    _insert_many(UserRole, [{"user_id": uid, "role": Role.MEMBER, "granted_at": now}
                            for uid in new_ids])

    changed: set[int] = set()
    inserts, updates = [], []
    for r in rows:
        uid = user_id[r.email]
        wanted = _profile_values(r, organisations)
        current = known.get(r.email)
        if current is None or current["has_profile"] is False:
            inserts.append({**NEW_PROFILE, "user_id": uid, "updated_at": now, **wanted})
            if current is not None:
                changed.add(uid)
            continue
        diff = {k: v for k, v in wanted.items() if current[k] != v}
        if diff:
            updates.append({"user_id": uid, **diff})
            changed.add(uid)
    _insert_many(Profile, inserts)
    for batch in _chunks(updates, BATCH):
        db.session.execute(sa.update(Profile), batch)
    while_writing(60, "Saved the profiles; joining local networks.")
    changed |= _sync_local_networks({user_id[r.email]: r.council_id for r in rows
                                     if r.council_id is not None}, set(new_ids))
    while_writing(65, "Saving self-assessments.")
    changed |= _save_scores({user_id[r.email]: r.scores for r in rows if r.scores},
                            set(new_ids), now)
    changed -= set(new_ids)
    return Applied(new_ids, sorted(changed), len(rows) - len(new_ids) - len(changed))


_PROFILE_COLUMNS = ("job_title", "organisation_id", "local_authority_id", "level",
                    "meets_online")
# A new profile's columns before the file's values go in (a multi-row insert needs them all).
NEW_PROFILE = {"job_title": None, "organisation_id": None, "local_authority_id": None,
               "level": None, "meets_online": True, "mentor_capacity": 0, "wants_mentor": False,
               "mentoring_paused": False, "mentor_note": "", "mentor_availability": "",
               "visibility": {}}


def _profile_values(r: Row, organisations: dict[tuple[str, int | None], int]) -> dict:
    """The profile columns the row gives (a blank cell leaves what is there)."""
    values: dict[str, Any] = {}
    if r.job_title is not None:
        values["job_title"] = r.job_title
    if r.organisation is not None:
        values["organisation_id"] = organisations[(r.organisation.casefold(), r.council_id)]
    if r.council_id is not None:
        values["local_authority_id"] = r.council_id
    if r.level is not None:
        values["level"] = r.level
    if r.online is not None:
        values["meets_online"] = r.online
    return values


def _existing_profiles(emails: list[str]) -> dict[str, dict[str, Any]]:
    """{email: the account's id and profile columns} for emails that have an account."""
    found: dict[str, dict[str, Any]] = {}
    columns = [getattr(Profile, c) for c in _PROFILE_COLUMNS]
    for chunk in _chunks(sorted(set(emails)), LOOKUP_CHUNK):
        for row in db.session.execute(
                sa.select(User.email, User.id, Profile.user_id.is_not(None), *columns)
                .outerjoin(Profile, Profile.user_id == User.id)
                .where(User.email.in_(chunk))):
            email, uid, has_profile, *values = row
            found[email] = {"user_id": uid, "has_profile": bool(has_profile),
                            **dict(zip(_PROFILE_COLUMNS, values, strict=True))}
    return found


def _organisation_ids(rows: list[Row]) -> dict[tuple[str, int | None], int]:
    """{(lower-cased name, council id): organisation id}, creating the ones not known yet."""
    wanted: dict[tuple[str, int | None], Row] = {}
    for r in rows:
        if r.organisation is not None:
            wanted.setdefault((r.organisation.casefold(), r.council_id), r)
    if not wanted:
        return {}
    names = sorted({name for name, _ in wanted})
    ids: dict[tuple[str, int | None], int] = {}
    for chunk in _chunks(names, LOOKUP_CHUNK):
        for oid, name, council in db.session.execute(
                sa.select(Organisation.id, Organisation.name, Organisation.local_authority_id)
                .where(sa.func.lower(Organisation.name).in_(chunk))
                .order_by(Organisation.id)):
            ids.setdefault((name.casefold(), council), oid)
    missing = [key for key in wanted if key not in ids]
    if missing:
        now = utcnow()
        new = _insert_with_ids(Organisation, [
            {"name": wanted[key].organisation, "service_type": wanted[key].service_type,
             "local_authority_id": key[1], "created_at": now} for key in missing])
        ids.update(zip(missing, new, strict=True))
    return ids


def _sync_local_networks(council_of: dict[int, int], new_ids: set[int]) -> set[int]:
    """Each member in their council's local network and no other local network, the rule of
    networks.sync_local_membership, for many members at once. Returns whose changed."""
    from netapp.services.networks import ensure_local_network

    if not council_of:
        return set()
    councils = sorted(set(council_of.values()))
    network_of = dict(db.session.execute(
        sa.select(Network.local_authority_id, Network.id)
        .where(Network.kind == NetworkKind.LOCAL, Network.local_authority_id.in_(councils))
    ).all())
    lacking = [c for c in councils if c not in network_of]
    if lacking:  # at most one per council in England
        for la in db.session.scalars(sa.select(LocalAuthority)
                                     .where(LocalAuthority.id.in_(lacking))):
            network_of[la.id] = ensure_local_network(la).id
    current: dict[int, set[int]] = {}
    old = sorted(set(council_of) - new_ids)
    for chunk in _chunks(old, LOOKUP_CHUNK):
        for uid, nid in db.session.execute(
                sa.select(NetworkMembership.user_id, NetworkMembership.network_id)
                .join(Network, Network.id == NetworkMembership.network_id)
                .where(Network.kind == NetworkKind.LOCAL,
                       NetworkMembership.user_id.in_(chunk))):
            current.setdefault(uid, set()).add(nid)
    leave, join = [], []
    for uid, council in council_of.items():
        target, now_in = network_of[council], current.get(uid, set())
        leave += [{"u": uid, "n": nid} for nid in now_in if nid != target]
        if target not in now_in:
            join.append({"user_id": uid, "network_id": target, "joined_at": utcnow()})
    if leave:
        db.session.execute(
            sa.delete(NetworkMembership.__table__).where(
                NetworkMembership.user_id == sa.bindparam("u"),
                NetworkMembership.network_id == sa.bindparam("n")), leave)
    _insert_many(NetworkMembership, [{**row, "is_listed": False} for row in join])
    return {row["u"] for row in leave} | {row["user_id"] for row in join}


def _save_scores(scores_of: dict[int, dict[str, int]], new_ids: set[int], now) -> set[int]:
    """A completed self-assessment for each member whose scores differ from their latest."""
    if not scores_of:
        return set()
    framework_id = db.session.scalar(sa.select(Framework.id).where(Framework.code == LQF_CODE))
    element_id = dict(db.session.execute(
        sa.select(Element.code, Element.id).where(Element.code.in_(ELEMENT_CODES))).all())
    if framework_id is None or not element_id:
        raise jobs.JobError("The Leadership Qualities Framework is not loaded, so scores "
                            "can't be saved. Ask an administrator to load the reference data.")
    latest: dict[int, dict[str, int]] = {}
    old = sorted(set(scores_of) - new_ids)
    for chunk in _chunks(old, LOOKUP_CHUNK):
        latest.update(latest_scores_by_user(chunk))
    changed = [uid for uid, scores in scores_of.items() if latest.get(uid) != scores]
    for batch in _chunks(changed, BATCH):
        ids = _insert_with_ids(SelfAssessment, [
            {"user_id": uid, "framework_id": framework_id, "started_at": now,
             "completed_at": now} for uid in batch])
        _insert_many(AssessmentScore, [
            {"assessment_id": aid, "element_id": element_id[code], "score": score}
            for aid, uid in zip(ids, batch, strict=True)
            for code, score in scores_of[uid].items()])
    return set(changed)


# ---------------------------------------------------------------- invitations


def send_invitations(user_ids: list[int], report: jobs.Report) -> tuple[int, int]:
    """Email each new member their invitation; returns (sent, could not be sent)."""
    import smtplib

    from netapp.services import accounts
    from netapp.services.mail import send_email
    from netapp.services.mentorships import site_url

    if not user_ids:
        return 0, 0
    sent = failed = 0
    days = current_app.config["INVITE_TOKEN_MAX_AGE"] // (24 * 60 * 60)
    with current_app.test_request_context(base_url=site_url()):
        reset_request = url_for("auth.reset_request", _external=True)
        login = url_for("auth.login", _external=True)
        for chunk in _chunks(user_ids, LOOKUP_CHUNK):
            people = db.session.execute(
                sa.select(User.id, User.email, User.display_name, User.password_hash)
                .where(User.id.in_(chunk)).order_by(User.id)).all()
            for uid, email, name, password_hash in people:
                try:
                    send_email(email, "You're invited to the Registered Managers network",
                               "email/invitation.txt", name=name,
                               link=accounts.invitation_link(uid, password_hash),
                               email=email, days=days, reset_request=reset_request, login=login)
                    sent += 1
                except (smtplib.SMTPException, OSError):
                    failed += 1
                    current_app.logger.warning("Invitation to member %s could not be sent", uid)
                done = sent + failed
                if done % 100 == 0 or done == len(user_ids):
                    report(70 + 30 * done // len(user_ids),
                           f"Sent {done:,} of {len(user_ids):,} invitations.")
    return sent, failed

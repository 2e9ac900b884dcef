"""Importing members from a CSV file: upload, columns, the dry run, the import, invitations."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from netapp.extensions import db
from netapp.models import (
    AuditEntry,
    ImportStatus,
    Job,
    JobStatus,
    MemberImport,
    Network,
    NetworkKind,
    NetworkMembership,
    Organisation,
    Profile,
    Role,
    SelfAssessment,
    User,
)
from netapp.services import imports
from tests import queue_fixtures
from tests.factories import make_user
from tests.profile_helpers import council, load_reference
from tests.statements import statements_per_page

queued_app = queue_fixtures.queued_app  # an app on a database and queue a worker process shares

HEAD = "name,email,job_title,organisation,service_type,council,level,online"
CODES = [f"{d}{k}" for d in ("PQ", "WO", "MS", "IS", "SD", "CV", "DS") for k in range(1, 5)]


def csv_bytes(*lines: str, head: str = HEAD) -> bytes:
    return ("\r\n".join([head, *lines]) + "\r\n").encode()


GOOD = csv_bytes(
    "Amara Okoye,Amara.Okoye@example.org,Registered Manager,Willow Bank,care_home,Leeds,3,yes",
    "Ben Hartley,ben@example.org,,Hartley Support,Home care,Bradford,2,no",
    "Chloe Davies,chloe@example.org,Deputy,,,,,",
)


@pytest.fixture
def coordinator(app, client, auth, users):
    load_reference()
    auth.login(users["coordinator"].email)
    return users["coordinator"]


def upload(client, data: bytes, name: str = "members.csv"):
    # Encoded here, as bytes: the test client's own encoder leaves a temporary file open
    # for a big upload that the app refuses unread.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name)})
    return client.post("/coordinator/imports", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def uploaded(client, data: bytes) -> MemberImport:
    response = upload(client, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.scalars(sa.select(MemberImport).order_by(MemberImport.id.desc())).first()


def check(client, imp: MemberImport, mapping: dict | None = None):
    mapping = mapping if mapping is not None else imp.mapping
    data = {f.name: mapping.get(f.name, "") for f in imports.FIELDS}
    return client.post(f"/coordinator/imports/{imp.id}/columns", data=data)


def run(client, imp: MemberImport):
    response = client.post(f"/coordinator/imports/{imp.id}/run")
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.get(MemberImport, imp.id)


def imported(client, data: bytes) -> MemberImport:
    imp = uploaded(client, data)
    assert check(client, imp).status_code == 302
    db.session.refresh(imp)
    assert imp.report["problem_count"] == 0, imp.report["problems"]
    return run(client, imp)


def table_counts() -> dict[str, int]:
    return {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in db.metadata.sorted_tables}


# ---------------------------------------------------------------- columns and the dry run


def test_headings_are_matched_by_name_or_alias(app):
    headings = ["Full name", "E-mail address", "Provider", "Local Authority", "LEVEL", "MS1",
                "Notes"]
    assert imports.guess_mapping(headings) == {
        "name": "Full name", "email": "E-mail address", "organisation": "Provider",
        "council": "Local Authority", "level": "LEVEL"}
    assert imports.score_columns(headings) == {"MS1": "MS1"}


def test_the_mapping_page_previews_the_first_rows_with_guessed_columns(client, coordinator):
    imp = uploaded(client, GOOD)
    page = client.get(f"/coordinator/imports/{imp.id}/columns").get_data(as_text=True)
    assert "Amara Okoye" in page and "Chloe Davies" in page
    assert re.search(r'<option selected value="email">email</option>', page)


def test_the_dry_run_changes_nothing_and_reports_new_and_existing(client, coordinator):
    make_user(email="ben@example.org", name="Ben Before")
    imp = uploaded(client, GOOD)
    before = table_counts()
    assert check(client, imp).status_code == 302
    after = table_counts()
    # Only the import's own row and the audit entry of the check are written.
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"audit_log": 1}
    db.session.refresh(imp)
    assert imp.status == ImportStatus.CHECKED
    assert imp.report["rows"] == 3 and imp.report["new"] == 2 and imp.report["existing"] == 1
    assert imp.report["problem_count"] == 0
    assert db.session.scalar(sa.select(User.display_name)
                             .where(User.email == "ben@example.org")) == "Ben Before"


BAD_ROWS = [
    # (the row, the column the problem is in, words the message says)
    ("Dee Bad,not-an-email,,,,,,", "email", "not an email address"),
    ("Ed Council,ed@example.org,,Ed Care,care_home,Atlantis,,", "council", "Atlantis"),
    ("Flo Service,flo@example.org,,Flo Care,castle,Leeds,,", "service_type", "castle"),
    ("Gus Level,gus@example.org,,,,,5,", "level", "1, 2, 3 or 4"),
    (",nameless@example.org,,,,,,", "name", "name is missing"),
    ("No Email,,,,,,,", "email", "email address is missing"),
    ("Hal Online,hal@example.org,,,,,,maybe", "online", "yes or no"),
]


def test_every_problem_names_its_line_and_column(client, coordinator):
    lines = [row for row, _, _ in BAD_ROWS] + [
        "Ida First,ida@example.org,,,,,,",
        "Ida Again,IDA@example.org,,,,,,",
    ]
    imp = uploaded(client, csv_bytes(*lines))
    before = table_counts()
    assert check(client, imp).status_code == 302
    assert table_counts()["users"] == before["users"]
    db.session.refresh(imp)
    found = {(line, column): message for line, column, message in imp.report["problems"]}
    for k, (_, column, words) in enumerate(BAD_ROWS):
        assert words in found[(k + 2, column)], (k + 2, column, found)
    duplicate = found[(len(BAD_ROWS) + 3, "email")]
    assert f"line {len(BAD_ROWS) + 2}" in duplicate
    assert imp.report["problem_count"] == len(found) == len(BAD_ROWS) + 1
    assert imp.report["ready"] == 1
    page = client.get(f"/coordinator/imports/{imp.id}").get_data(as_text=True)
    assert "Problems to fix" in page and "Atlantis" in page
    assert "Import 1 member" not in page  # a file with problems can't be imported
    assert client.post(f"/coordinator/imports/{imp.id}/run").status_code == 302
    db.session.refresh(imp)
    assert imp.status == ImportStatus.CHECKED and imp.job_id is None


def test_lqf_scores_out_of_range_or_incomplete_are_problems(client, coordinator):
    head = HEAD + "," + ",".join(CODES)
    fine = ",".join(["3"] * 28)
    five = ",".join(["5" if c == "MS1" else "3" for c in CODES])
    some = ",".join(["2"] * 5 + [""] * 23)
    imp = uploaded(client, csv_bytes(
        f"Al Ok,al@example.org,,,,,,,{fine}",
        f"Bo Five,bo@example.org,,,,,,,{five}",
        f"Cy Some,cy@example.org,,,,,,,{some}",
        f"Di None,di@example.org,,,,,,,{',' * 27}",
        head=head))
    check(client, imp)
    db.session.refresh(imp)
    problems = {(line, column): message for line, column, message in imp.report["problems"]}
    assert set(problems) == {(3, "MS1"), (4, "WO2")}
    assert "1, 2, 3 or 4, not '5'" in problems[(3, "MS1")]
    assert "all 28 scores" in problems[(4, "WO2")]
    assert imp.report["with_scores"] == 1


def test_many_problems_are_paged(client, coordinator):
    imp = uploaded(client, csv_bytes(*[f"P{k},bad{k},,,,,," for k in range(120)]))
    check(client, imp)
    first = client.get(f"/coordinator/imports/{imp.id}").get_data(as_text=True)
    second = client.get(f"/coordinator/imports/{imp.id}?page=3").get_data(as_text=True)
    assert "Page 1 of 3" in first and ">2</td>" in first and ">52</td>" not in first
    assert ">121</td>" in second and ">2</td>" not in second


def test_a_mapping_without_the_email_column_is_refused_with_the_form_kept(client, coordinator):
    imp = uploaded(client, GOOD)
    response = check(client, imp, {"name": "name", "council": "council"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Pick the column that holds each member&#39;s email" in page
    assert '<option selected value="council">' in page
    response = check(client, imp, {"name": "name", "email": "name"})
    assert "picked for more than one field" in response.get_data(as_text=True)
    db.session.refresh(imp)
    assert imp.status == ImportStatus.UPLOADED


# ---------------------------------------------------------------- files refused


@pytest.mark.parametrize(("data", "words"), [
    ("name,email\r\nZoë Café,zoe@example.org\r\n".encode("cp1252"), "save it as CSV UTF-8"),
    (b"PK\x03\x04\x14\x00\x06\x00binary spreadsheet", "not a CSV file"),
    (b"name,email\x00\x00\x01\x02", "not a CSV file"),
    (b"", "The file is empty"),
    (b"Amara Okoye,amara@example.org,Leeds\r\n", "looks like a member, not column headings"),
    (b"name;email;council\r\nA;a@example.org;Leeds\r\n", "semicolons"),
    (b"name,email\r\n", "no members"),
])
def test_unreadable_files_are_refused_with_a_clear_message(client, coordinator, data, words):
    response = upload(client, data)
    assert response.status_code == 400
    assert words in response.get_data(as_text=True).replace("&#39;", "'")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberImport)) == 0


def test_a_file_over_the_size_limit_gets_our_message_not_a_bare_413(app, client, coordinator):
    app.config["MAX_IMPORT_BYTES"] = 50 * 1024 * 1024
    big = HEAD.encode() + b"\r\n" + b"x" * (50 * 1024 * 1024)
    response = upload(client, big)
    assert response.status_code == 400
    assert "bigger than 50 MB" in response.get_data(as_text=True)
    much_bigger = big + b"y" * (1024 * 1024)  # past the limit and the form's room: a 413
    response = upload(client, much_bigger)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "bigger than 50 MB" in page and "Upload a file" in page


def test_a_visitor_cannot_make_the_server_read_a_big_file(client, users):
    response = upload(client, HEAD.encode() + b"\r\n" + b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413  # refused before the body is read, at the forms' limit
    assert "bigger than" not in response.get_data(as_text=True)


def test_more_rows_than_the_limit_are_refused(app, client, coordinator):
    app.config["MAX_IMPORT_ROWS"] = 3
    response = upload(client, csv_bytes(*[f"P{k},p{k}@example.org,,,,,," for k in range(4)]))
    assert response.status_code == 400
    assert "more than 3 members" in response.get_data(as_text=True)


def test_other_pages_still_refuse_files(client, coordinator):
    response = client.post("/mentoring/rounds/new", data={"file": (io.BytesIO(b"x"), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400


# ---------------------------------------------------------------- the import


def test_the_import_creates_members_joins_networks_and_invites_them(client, coordinator,
                                                                   mailbox):
    imp = imported(client, GOOD)
    assert imp.status == ImportStatus.DONE and imp.content == ""
    assert imp.job.status == JobStatus.DONE
    assert (imp.created_count, imp.updated_count) == (3, 0)
    amara = db.session.scalar(sa.select(User).where(User.email == "amara.okoye@example.org"))
    assert amara.display_name == "Amara Okoye" and not amara.check_password("")
    assert amara.password_hash.startswith("!")  # no password works until they choose one
    profile = db.session.get(Profile, amara.id)
    assert (profile.level, profile.job_title, profile.local_authority_id) == (
        3, "Registered Manager", council("Leeds").id)
    assert profile.organisation.name == "Willow Bank"
    assert profile.organisation.service_type.value == "care_home"
    ben = db.session.scalar(sa.select(Profile).join(User).where(User.email == "ben@example.org"))
    assert ben.organisation.service_type.value == "home_care" and ben.meets_online is False
    local = db.session.scalar(sa.select(Network.id).where(
        Network.local_authority_id == council("Leeds").id))
    assert db.session.get(NetworkMembership, (amara.id, local)) is not None
    # invitations: one each, after the commit; the link lets them set a password and log in
    assert imp.report["invited"] == 3
    assert len(mailbox.to("amara.okoye@example.org")) == 1
    link = mailbox.last_link("amara.okoye@example.org").split("localhost", 1)[1]
    client.post("/account/logout")
    response = client.post(link, data={"password": "a new long password",
                                       "confirm": "a new long password"})
    assert response.status_code == 302
    response = client.post("/account/login", data={"email": "amara.okoye@example.org",
                                                   "password": "a new long password"})
    assert response.status_code == 302 and "/account/login" not in response.headers["Location"]
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"import.uploaded", "import.checked", "import.started", "import.done"} <= actions


def test_an_invitation_still_works_days_later_when_a_reset_link_would_not(
        app, client, coordinator, mailbox, monkeypatch):
    imported(client, GOOD)
    link = mailbox.last_link("amara.okoye@example.org").split("localhost", 1)[1]
    assert "14 days" in mailbox.to("amara.okoye@example.org")[-1].get_payload(decode=True
                                                                            ).decode()
    client.post("/account/logout")
    client.post("/account/reset", data={"email": "amara.okoye@example.org"})
    reset = mailbox.last_link("amara.okoye@example.org").split("localhost", 1)[1]
    # Three days on: the reset link (one hour) has expired, the invitation has not.
    import time as clock

    later = clock.time() + 3 * 24 * 60 * 60
    monkeypatch.setattr(clock, "time", lambda: later)
    assert "expired" in client.get(reset, follow_redirects=True).get_data(as_text=True)
    response = client.post(link, data={"password": "a new long password",
                                       "confirm": "a new long password"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User).where(
        User.email == "amara.okoye@example.org")).check_password("a new long password")


def test_reimporting_the_same_file_changes_nothing(client, coordinator, mailbox):
    head = HEAD + "," + ",".join(CODES)
    data = csv_bytes(
        f"Al Ok,al@example.org,Manager,Al Care,care_home,Leeds,3,yes,{','.join(['3'] * 28)}",
        "Bo Two,bo@example.org,,,,York,2,",
        head=head)
    first = imported(client, data)
    assert first.created_count == 2
    counts = table_counts()
    mailbox.clear()
    second = imported(client, data)
    assert (second.created_count, second.updated_count) == (0, 0)
    assert second.report["unchanged"] == 2
    after = table_counts()
    changed = {k: after[k] - counts[k] for k in after if after[k] != counts[k]}
    # the second import's own row, its job and its audit entries; no member data
    assert changed == {"member_imports": 1, "jobs": 1, "audit_log": 4}
    assert mailbox.messages == []  # nobody is invited twice


def test_reimport_updates_what_changed_and_keeps_what_the_file_leaves_blank(client,
                                                                         coordinator):
    imported(client, csv_bytes("Al Ok,al@example.org,Manager,Al Care,care_home,Leeds,3,yes"))
    al = db.session.scalar(sa.select(User).where(User.email == "al@example.org"))
    leeds = db.session.scalar(sa.select(Network.id).where(
        Network.local_authority_id == council("Leeds").id))
    again = imported(client, csv_bytes("Al Renamed,AL@example.org,,,,York,4,"))
    assert (again.created_count, again.updated_count) == (0, 1)
    db.session.expire_all()
    profile = db.session.get(Profile, al.id)
    assert profile.level == 4 and profile.local_authority_id == council("York").id
    assert profile.job_title == "Manager" and profile.organisation.name == "Al Care"
    assert db.session.get(User, al.id).display_name == "Al Ok"  # their own name is theirs
    networks = set(db.session.scalars(sa.select(NetworkMembership.network_id)
                                      .where(NetworkMembership.user_id == al.id)))
    assert leeds not in networks and len(networks) == 1  # moved to York's local network
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(User.email == "al@example.org")) == 1


def test_each_member_added_or_updated_shows_on_their_admin_page(client, auth, users,
                                                                coordinator):
    first = imported(client, csv_bytes("Al Ok,al@example.org,Manager,Al Care,care_home,Leeds,3,",
                                       "Bo Two,bo@example.org,,,,York,2,"))
    again = imported(client, csv_bytes("Al Ok,al@example.org,,,,,4,",  # Al's level changes
                                       "Bo Two,bo@example.org,,,,York,2,"))  # Bo's does not
    al, bo = (db.session.scalar(sa.select(User.id).where(User.email == email))
              for email in ("al@example.org", "bo@example.org"))
    entries = db.session.execute(sa.select(AuditEntry.action, AuditEntry.actor_id,
                                           AuditEntry.target_id, AuditEntry.detail)
                                 .where(AuditEntry.action.startswith("import.member_"))
                                 .order_by(AuditEntry.id)).all()
    who = coordinator.id
    assert sorted(entries, key=lambda e: (e.action, e.target_id)) == [
        ("import.member_added", who, str(al), {"import_id": first.id}),
        ("import.member_added", who, str(bo), {"import_id": first.id}),
        ("import.member_updated", who, str(al), {"import_id": again.id}),
    ]
    auth.logout()
    auth.login(users["admin"].email)
    page = client.get(f"/admin/users/{al}").get_data(as_text=True)
    name = coordinator.display_name
    assert re.search(rf">{name}</a> added <a [^>]*>Al Ok</a> to the network from member "
                     rf"import {first.id}", page), page
    assert re.search(rf">{name}</a> updated the profile of <a [^>]*>Al Ok</a> from member "
                     rf"import {again.id}", page)
    page = client.get(f"/admin/users/{bo}").get_data(as_text=True)
    assert "updated the profile of" not in page and "added <a" in page


def test_the_import_page_counts_one_member_in_the_singular(client, coordinator):
    imp = imported(client, csv_bytes("Al Ok,al@example.org,,,,,,"))
    page = client.get(f"/coordinator/imports/{imp.id}").get_data(as_text=True)
    assert "Imported 1 member: 1 new, 0 updated, 0 unchanged. 1 invitation sent." in page
    imp = imported(client, csv_bytes("Bo Two,bo@example.org,,,,,,",
                                     "Cy Three,cy@example.org,,,,,,"))
    page = client.get(f"/coordinator/imports/{imp.id}").get_data(as_text=True)
    assert "Imported 2 members: 2 new, 0 updated, 0 unchanged. 2 invitations sent." in page


def test_scores_are_saved_as_a_completed_self_assessment(client, coordinator):
    head = HEAD + "," + ",".join(CODES)
    imported(client, csv_bytes(f"Al Ok,al@example.org,,,,,,,{','.join(['2'] * 28)}",
                               head=head))
    al = db.session.scalar(sa.select(User).where(User.email == "al@example.org"))
    assessment = db.session.scalar(sa.select(SelfAssessment)
                                   .where(SelfAssessment.user_id == al.id))
    assert assessment.completed_at is not None
    assert sorted(s.score for s in assessment.scores) == [2] * 28


def test_organisations_are_shared_by_name_and_council(client, coordinator):
    imported(client, csv_bytes("A One,a1@example.org,,Oak Care,care_home,Leeds,,",
                               "A Two,a2@example.org,,oak care,care_home,Leeds,,",
                               "A Three,a3@example.org,,Oak Care,care_home,York,,"))
    rows = db.session.execute(sa.select(Organisation.name, Organisation.local_authority_id)
                              .order_by(Organisation.id)).all()
    assert len(rows) == 2


def test_an_invitation_that_cannot_be_sent_is_counted_and_the_import_stays(app, client,
                                                                          coordinator):
    app.config["MAIL_PORT"] = 1  # nothing listens there
    imp = imported(client, GOOD)
    assert imp.status == ImportStatus.DONE
    assert imp.report["invited"] == 0 and imp.report["invitations_failed"] == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                             .where(User.email.like("%@example.org"))) >= 3


def test_a_failed_import_keeps_nothing_and_forgets_its_file(client, coordinator, monkeypatch):
    imp = uploaded(client, GOOD)
    check(client, imp)
    before = table_counts()

    def boom(rows, report):
        db.session.execute(sa.insert(User), [{"email": "half@example.org", "display_name": "H",
                                              "password_hash": "!x"}])
        raise RuntimeError("the database went away")

    monkeypatch.setattr(imports, "apply", boom)
    imp = run(client, imp)
    assert imp.status == ImportStatus.FAILED and imp.content == ""
    assert imp.job.status == JobStatus.FAILED
    after = table_counts()
    assert after["users"] == before["users"]
    page = client.get(f"/coordinator/imports/{imp.id}").get_data(as_text=True)
    assert "Nothing from the file was imported" in page


def test_a_discarded_upload_forgets_its_file(client, coordinator):
    imp = uploaded(client, GOOD)
    assert client.post(f"/coordinator/imports/{imp.id}/discard").status_code == 302
    db.session.refresh(imp)
    assert imp.status == ImportStatus.FAILED and imp.content == ""
    assert "Discarded" in client.get("/coordinator/imports").get_data(as_text=True)


def test_the_sample_file_has_three_mistakes_for_the_dry_run(client, coordinator):
    sample = client.get("/coordinator/imports/sample.csv")
    assert sample.status_code == 200 and sample.mimetype == "text/csv"
    imp = uploaded(client, sample.data)
    assert imp.row_count == 30
    assert check(client, imp).status_code == 302
    db.session.refresh(imp)
    assert sorted(column for _, column, _ in imp.report["problems"]) == [
        "Council", "Email address", "MS1"]
    assert imp.report["ready"] == 27


def test_the_sample_put_right_passes_the_check_and_imports_all_thirty(client, coordinator,
                                                                      mailbox):
    sample = client.get("/coordinator/imports/sample-ready.csv")
    assert sample.status_code == 200 and sample.mimetype == "text/csv"
    imp = imported(client, sample.data)
    assert imp.report["problem_count"] == 0
    assert (imp.status, imp.created_count) == (ImportStatus.DONE, 30)
    assert len(mailbox.messages) == 30  # each new member invited once


def test_the_template_reads_back_cleanly(client, coordinator):
    template = client.get("/coordinator/imports/template.csv")
    imp = uploaded(client, template.data)
    assert set(imp.mapping) == set(imports.FIELD_NAMES)
    check(client, imp)
    db.session.refresh(imp)
    assert imp.report["problem_count"] == 0 and imp.report["with_scores"] == 1


# ---------------------------------------------------------------- who may see imports


def test_coordinators_share_imports_and_members_are_refused(app, client, auth, users,
                                                            coordinator):
    imp = uploaded(client, GOOD)
    other = make_user(email="cy@example.org", roles=[Role.COORDINATOR])
    auth.logout()
    auth.login(other.email)
    assert client.get(f"/coordinator/imports/{imp.id}").status_code == 302  # to its columns
    assert client.get(f"/coordinator/imports/{imp.id}/columns").status_code == 200
    assert client.get("/coordinator/imports/999999").status_code == 404
    auth.logout()
    auth.login(users["member"].email)
    for path in (f"/coordinator/imports/{imp.id}", f"/coordinator/imports/{imp.id}/columns",
                 "/coordinator/imports", "/coordinator/imports/sample.csv"):
        assert client.get(path).status_code == 403
    assert client.post(f"/coordinator/imports/{imp.id}/run").status_code == 403
    assert upload(client, GOOD).status_code == 403


def test_the_pages_run_a_fixed_number_of_statements(client, coordinator):
    def paths():
        imp = db.session.scalars(sa.select(MemberImport).order_by(MemberImport.id)).first()
        return ["/coordinator/imports", f"/coordinator/imports/{imp.id}",
                f"/coordinator/imports/{imp.id}/columns",
                f"/coordinator/imports/{imp.id}/progress"]

    def import_but_keep_checked(n):
        for k in range(n):
            imp = uploaded(client, csv_bytes(*[f"P{k}{j},p{k}x{j}@example.org,,,,Leeds,,"
                                               for j in range(3 + 5 * k)]))
            check(client, imp)
        first = db.session.scalars(sa.select(MemberImport).order_by(MemberImport.id)).first()
        # the first one is mid-import as far as the pages can tell: a job, still running
        job = Job(kind=imports.RUN_KIND, status=JobStatus.RUNNING, params={})
        db.session.add(job)
        db.session.flush()
        first.job_id = job.id
        db.session.commit()

    import_but_keep_checked(2)
    small = statements_per_page(client, paths())
    import_but_keep_checked(6)
    assert statements_per_page(client, paths()) == small


# ---------------------------------------------------------------- a worker killed mid-import


def test_an_import_killed_mid_run_saves_nothing_and_can_run_again(queued_app, tmp_path):
    """A real worker process is killed with SIGKILL once the members are written but not
    committed (see tests/test_job_faults.py): nobody from the file is left, the import shows
    as failed once the stale timeout passes, and the same file imports in full after."""
    from tests.test_job_faults import (
        _gives_up_only_after_the_stale_timeout,
        _kill_mid_run,
        _rerun_in_a_fresh_worker,
    )

    load_reference()
    client = queued_app.test_client()
    make_user(email="cora@example.org", roles=[Role.COORDINATOR])
    assert client.post("/account/login", data={"email": "cora@example.org",
                                                "password": "correct horse battery"}
                       ).status_code == 302
    imp = uploaded(client, GOOD)
    check(client, imp)
    imp = run(client, imp)
    assert imp.status == ImportStatus.IMPORTING and imp.job.status == JobStatus.QUEUED
    people = User.email.in_(["amara.okoye@example.org", "ben@example.org", "chloe@example.org"])

    # Users, profiles and scores go in by COPY on PostgreSQL, which the worker's watch on
    # INSERT statements can't see; the councils' new local networks, written after them in the
    # same transaction, are ordinary INSERTs.
    _kill_mid_run(queued_app, tmp_path, "networks")

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(people)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Network)
                             .where(Network.kind == NetworkKind.LOCAL)) == 0
    assert db.session.get(MemberImport, imp.id).status == ImportStatus.IMPORTING
    page = f"/coordinator/imports/{imp.id}"
    _gives_up_only_after_the_stale_timeout(queued_app, client, page, imp.job_id)
    db.session.expire_all()
    failed = db.session.get(MemberImport, imp.id)
    assert failed.status == ImportStatus.FAILED and failed.content == ""
    assert "Upload it again" in client.get(page).get_data(as_text=True)

    again = uploaded(client, GOOD)
    check(client, again)
    again = run(client, again)
    done = _rerun_in_a_fresh_worker(queued_app, tmp_path, again.job_id)
    assert done.status == JobStatus.DONE, done.error
    db.session.expire_all()
    assert db.session.get(MemberImport, again.id).status == ImportStatus.DONE
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(people)) == 3


def test_the_kept_upload_form_sends_the_coordinators_token(app, client, coordinator):
    """The empty upload form's HTML is kept per process with each request's CSRF token put in:
    a file sent from it is taken, the first time and from the kept copy; a refused file's
    message shows once and is not kept for the next page."""
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for name in ("first.csv", "second.csv"):
            page = client.get("/coordinator/imports").get_data(as_text=True)
            token = re.search(r'class="stack">\s*<input id="csrf_token" name="csrf_token" '
                              r'type="hidden" value="([^"]+)">', page).group(1)
            boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(GOOD), name),
                                               "csrf_token": token})
            response = client.post("/coordinator/imports", data=body,
                                   content_type=f"multipart/form-data; boundary={boundary}")
            assert response.status_code == 302, name
        response = client.post("/coordinator/imports", data={"csrf_token": token})
        assert response.status_code == 400
        assert "Choose the CSV file to upload." in response.get_data(as_text=True)
        page = client.get("/coordinator/imports").get_data(as_text=True)
        assert "Choose the CSV file to upload." not in page and 'type="file"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.scalars(sa.select(MemberImport.filename).order_by(MemberImport.id)
                              ).all() == ["first.csv", "second.csv"]

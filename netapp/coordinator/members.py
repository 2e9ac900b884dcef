"""Coordinator console: the console's home page (a menu of everything a coordinator does) and
the members list with its search and filters."""
from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_login import current_user
from markupsafe import escape

from netapp import kept_forms
from netapp.access import role_required
from netapp.coordinator import bp, member_rows
from netapp.coordinator.member_forms import MembersForm
from netapp.models import Role
from netapp.request_hooks import page_number
from netapp.services import member_list

# The console's menu: (heading, [(link words, endpoint, what it is for)]). A link shows once
# its page exists, so parts of the console can land in any order.
MENU = (
    ("People", [
        ("Members", "coordinator.members",
         "Find members by name, place, service, level, strengths, needs or how connected "
         "they are."),
        ("Import members", "coordinator.imports",
         "Add or update a group of members from a CSV file, with a dry run first."),
        ("Members who may feel isolated", "networks.isolation_list",
         "The most isolated members of a region, to reach out to."),
    ]),
    ("Mentoring and learning sets", [
        ("Matching rounds", "mentoring.rounds",
         "Match members who asked for a mentor with mentors who have a free place."),
        ("Action learning sets", "sets.formations",
         "Form sets from the members who asked to join one, and publish them."),
        ("Sets meeting now", "sets.running_sets",
         "Each published set's members and who came to its meetings."),
    ]),
    ("Figures and reports", [
        ("Dashboard", "coordinator.dashboard",
         "Members, mentoring, sets, events and the isolation index, by region and month."),
        ("Programme report", "coordinator.report",
         "The programme's monitoring figures for a date range and region, to print or download."),
    ]),
)

EXPORTS = (
    ("Members", "coordinator.export_members"),
    ("Mentoring matches", "coordinator.export_matches"),
    ("Action learning sets and their members", "coordinator.export_sets"),
    ("Local network events", "coordinator.export_events"),
    ("Attendance at local network events", "coordinator.export_attendance"),
)


@bp.route("/")
@role_required(Role.COORDINATOR, Role.ADMIN)
def index():
    known = current_app.view_functions
    menu = [(heading, [link for link in links if link[1] in known])
            for heading, links in MENU]
    return render_template("coordinator/index.html", menu=[m for m in menu if m[1]],
                           exports=[e for e in EXPORTS if e[1] in known])


def search_form() -> tuple[MembersForm, member_list.Filters, bool]:
    """The members search from the query string: the form, the filters, whether it was valid.

    An invalid search shows every member with the errors, never a guess at what was meant.
    """
    # Its choices come from this process's copy of reference data, rendered once.
    form = MembersForm(formdata=request.args or None)
    if request.args and not form.validate():
        return form, member_list.Filters(), False
    return form, form.filters() if request.args else member_list.Filters(), True


@bp.route("/members")
@role_required(Role.COORDINATOR, Role.ADMIN)
def members():
    # The list needs only who is looking (id, roles), not their account.
    viewer = current_user._get_current_object()
    # With no search (a page number alone is none) there is nothing to check, and the empty
    # form's HTML is kept: the form is built only when that must be rendered.
    searched = any(key != "page" for key in request.args)
    form, filters, valid = search_form() if searched else (
        MembersForm, member_list.Filters(), True)
    number = request.args.get("page", 1, type=page_number) or 1
    page = member_list.read_page(viewer, filters, number, current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v} if valid else {}
    search = kept_forms.search_form("coordinator/_members_search.html", form, args=args)
    # A profile's address built once, each id added to it (not url_for per row).
    rows = member_rows.page_rows_html(page.items, viewer.id,
                                      escape(url_for("members.profile", user_id=0)[:-1]))
    return render_template("coordinator/members.html", page=page, args=args, filters=filters,
                           viewer=viewer, search_form=search, rows=rows), \
        200 if valid else 400

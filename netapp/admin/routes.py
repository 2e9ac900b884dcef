"""Admin routes: list accounts, change roles, read the audit log."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from netapp import kept_forms
from netapp.access import current_account, role_required
from netapp.admin import bp, people, person
from netapp.admin.forms import GRANTABLE, AuditFilterForm, RoleChangeForm
from netapp.auth.forms import EmptyForm
from netapp.extensions import db
from netapp.models import Role, User
from netapp.request_hooks import page_number
from netapp.services import accounts, audit, audit_words, paging

HISTORY = 10  # entries of each kind on a person's page; the rest in the filtered log


def _page() -> int:
    return request.args.get("page", 1, type=page_number)


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    q = request.args.get("q", "").strip()
    role_name = request.args.get("role", "")
    role = next((r for r in Role if r.value == role_name), None)
    page, rows = people.people_page(q, role, _page(), current_app.config["PAGE_SIZE"])
    return render_template("admin/users.html", page=page, rows=rows, q=q, role=role)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_detail(user_id: int):
    form = RoleChangeForm()
    if request.method == "POST":
        user = db.get_or_404(User, user_id)
        if form.validate_on_submit():
            role = Role(form.role.data)
            grant = form.action.data == "grant"
            try:
                changed = accounts.change_role(current_account(), user, role, grant)
            except accounts.NotConfirmed as exc:
                flash(str(exc), "error")
                return redirect(url_for("admin.user_detail", user_id=user.id))
            if changed:
                verb = "is now" if grant else "is no longer"
                flash(f"{user.display_name} {verb} a {role.label.lower()}.", "success")
            else:
                flash("Nothing to change: that was already so.", "info")
            return redirect(url_for("admin.user_detail", user_id=user.id))
        abort(400)
    # Shown: the account and its history read as plain rows (netapp/admin/person.py).
    found = person.person_page(user_id, HISTORY + 1)
    if found is None:
        abort(404)
    user, to_them, by_them = found
    # The person is named by most of the entries done to them: no statement for their name.
    names = audit_words.names_with([*to_them, *by_them], {user.id: user.display_name},
                                   frozenset({user.id}))

    def words(entries):
        return [(e, audit_words.sentence(e, names, _person_link)) for e in entries[:HISTORY]]

    return render_template("admin/user_detail.html", user=user, to_them=words(to_them),
                           more_to_them=len(to_them) > HISTORY, by_them=words(by_them),
                           more_by_them=len(by_them) > HISTORY, grantable=GRANTABLE,
                           form=form, status_form=EmptyForm())


def _person_link(user_id: int, name: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url_for("admin.user_detail", user_id=user_id),
                                                 name)


def _person_links() -> Callable[[int, str], Markup]:
    """``_person_link`` with the address built once and each id written into it: a page of
    the log names up to a hundred people."""
    path = escape(url_for("admin.user_detail", user_id=0)[:-1])
    made: dict[tuple[int, str], Markup] = {}  # most people are named more than once a page

    def link(user_id: int, name: str) -> Markup:
        html = made.get((user_id, name))
        if html is None:
            html = made[user_id, name] = Markup(
                f'<a href="{path}{int(user_id)}">{escape(name)}</a>')
        return html
    return link


@dataclass(frozen=True)
class _Filters:
    """What the audit log's filter form asks, checked once per query string and kept
    (``kept_forms.kept_search``): ``audit.log_page`` keywords (the dates as whole days, UTC)."""

    actor_id: int | None = None
    actor_words: str = ""
    what: str = ""
    since: datetime | None = None
    before: datetime | None = None
    about: int | None = None

    def keywords(self) -> dict:
        found: dict = {"actor_id": self.actor_id, "actor_words": self.actor_words,
                       "about": self.about, "since": self.since, "before": self.before}
        if self.what:
            found["actions"] = audit_words.actions_in(self.what)
        return found

    @property
    def counts_shown(self) -> bool:
        # Special-category events have no actor: a "who" filter matches none of them.
        return audit_words.special_in(self.what) and not (
            self.actor_id or self.actor_words or self.about)


def _audit_filters(form: AuditFilterForm) -> _Filters:
    data = form.data
    return _Filters(
        actor_id=data["user"], actor_words=(data["who"] or "").strip(), what=data["what"] or "",
        since=datetime.combine(data["since"], time.min) if data["since"] else None,
        before=(datetime.combine(data["until"] + timedelta(days=1), time.min)
                if data["until"] else None),
        about=data["about"])


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    action = request.args.get("action", "").strip()  # old links: actions starting with this
    # An invalid filter shows the messages and nothing else, never a guess at what was meant.
    filters, valid, filter_form = kept_forms.kept_search(
        "admin/_audit_filters.html", AuditFilterForm, _audit_filters)
    filters = filters or _Filters()
    counts_page = max(request.args.get("counts_page", 1, type=page_number), 1)
    if valid:
        found = audit.log_page(_page(), 50, action_prefix=action,
                               counts_page=counts_page if filters.counts_shown else None,
                               **filters.keywords())
        page, counts, more_counts = found.page, found.counts, found.more_counts
        names = audit_words.names_with(page.items, found.names, found.asked)
    else:
        page, names, counts, more_counts = paging.Page([], 0, 1, 50), {}, [], False
    items = audit_words.log_items(page.items, names, _person_links())
    counts = [(day, audit_words.special_words(what), n) for day, what, n in counts]
    args = {k: v for k, v in request.args.items() if k not in ("page", "counts_page") and v}
    return render_template("admin/audit.html", page=page, items=items, valid=valid,
                           filter_form=filter_form, args=args,
                           actor_name=names.get(filters.actor_id or 0),
                           about_name=names.get(filters.about or 0), counts=counts,
                           counts_page=counts_page, more_counts=more_counts), \
        200 if valid else 400


@bp.route("/users/<int:user_id>/close", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def close_account(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("To close your own account, use your account settings.", "info")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    form = EmptyForm()
    if form.validate_on_submit():
        accounts.set_active(current_account(), user, False)
        flash(f"{user.display_name}'s account is closed. They can no longer log in.", "success")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("admin/close_account.html", user=user, form=form)


@bp.route("/users/<int:user_id>/reopen", methods=["POST"])
@role_required(Role.ADMIN)
def reopen_account(user_id: int):
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        accounts.set_active(current_account(), user, True)
        flash(f"{user.display_name}'s account is open again.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))

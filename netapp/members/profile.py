"""My profile, who sees what, my self-assessment history, and other members' profiles.

Pages about "me" live under /me and only ever show the signed-in member's own data;
pages about other people live under /members and show only what the owner allows.
"""
from __future__ import annotations

from functools import cache, lru_cache

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from netapp.extensions import db
from netapp.members import bp
from netapp.members._common import averages_chart, current_member, radar_chart
from netapp.members.forms import visibility_form
from netapp.models import Profile, Role
from netapp.services import audit, lqf, member_profile, own_profile, profiles

# The /me page's links: the same for everyone, so built once per process (for each root the
# site is served under) instead of 14 ``url_for`` calls per request.
_MY_LINKS = ("members.onboarding", "members.privacy_settings", "members.preview",
             "members.edit_about", "members.edit_needs", "members.edit_mentoring",
             "networks.mine", "members.my_feedback", "members.my_resources",
             "members.recruitment_kit", "members.my_programme", "members.my_data",
             "members.assessments")


@cache
def _my_links(script_root: str) -> dict[str, str]:
    links = {endpoint: url_for(endpoint) for endpoint in _MY_LINKS}
    links["members.assess"] = url_for("members.assess", code="PQ")
    return links


@bp.route("/me")
@login_required
def me():
    user = current_member()
    layout = lqf.shared_layout()
    # The profile (as a plain row), what the page shows of it and the latest scores.
    profile, view, latest = own_profile.own_page(user, layout.framework.id)
    chart = None
    if latest is not None:
        series = [(f"You, {latest.completed_at:%d %B %Y}", latest.scores)]
        chart = radar_chart(layout, series, "radar-me", "Your leadership self-assessment")
    return render_template(
        "members/me.html", user=user, profile=profile, chart=chart,
        next_step=profiles.next_step(profile), view=view, links=_my_links(request.script_root),
        visibility=profiles.visibility_of(profile), audiences=profiles.AUDIENCES,
        fields=profiles.FIELDS,
    )


@bp.route("/me/preview")
@login_required
def preview():
    """My profile as a given audience would see it."""
    audience = request.args.get("as", profiles.EVERYONE)
    if audience not in profiles.PREVIEWS:
        abort(404)
    user = current_member()
    layout = lqf.shared_layout()  # only shown: nothing merged into this request
    # The profile, needs, offers, networks and latest scores in one statement.
    view = member_profile.profile_page(user, user.id, layout.framework.id, preview=audience)
    chart = None
    if "lqf" in view["shown"] and view["scores"]:
        chart = radar_chart(layout, [(user.display_name, view["scores"])], "radar-preview",
                            f"{user.display_name}'s leadership self-assessment")
    return render_template("members/preview.html", owner=user, audience=audience,
                           previews=profiles.PREVIEWS, view=view, chart=chart)


@bp.route("/me/privacy", methods=["GET", "POST"])
@login_required
def privacy_settings():
    user = current_member()
    current = profiles.visibility_of(db.session.get(Profile, user.id))
    form = visibility_form(current)
    if form.validate_on_submit():
        profiles.set_visibility(user, {f.key: form[f.key].data for f in profiles.FIELDS})
        flash("Saved. Your profile now shows only what you chose.", "success")
        return redirect(url_for("members.me"))
    return render_template("members/privacy.html", form=form, fields=profiles.FIELDS), \
        400 if form.errors else 200


@bp.route("/me/assessments")
@login_required
def assessments():
    user_id = current_user.id
    layout = lqf.shared_layout()
    fw = layout.framework
    (history, has_draft), done = own_profile.assessments_page(user_id, fw.id)
    chart = None
    comparison = dimension_rows = Markup("")
    labels = lqf.day_labels(history)
    if history:
        averages = [lqf.averages(layout, a.scores) for a in history]
        columns = [(f"Latest, {labels[-1]}", averages[-1])]
        if len(history) > 1:
            columns.append((f"Before, {labels[-2]}", averages[-2]))
        chart = averages_chart(layout, columns, "radar-history", "Your self-assessments compared")
        # The tables' rows written here (the headings escaped once per process, the cells
        # numbers) instead of a loop in the template for every row and cell.
        dimension_heads, element_heads = _headings(layout)
        dimension_rows = Markup("".join(
            head + "".join("<td>–</td>" if avg[i] is None else f"<td>{avg[i]:.1f}</td>"
                           for avg in averages) + _ROW_END
            for i, head in enumerate(dimension_heads)))
        scores = [a.scores for a in history]
        comparison = Markup("".join(
            head + "".join(_SCORE_CELLS.get(s.get(element_id)) or f"<td>{s[element_id]}</td>"
                           for s in scores) + _ROW_END
            for element_id, head in element_heads))
    return render_template("members/assessments.html", fw=fw, history=history, chart=chart,
                           labels=labels, comparison=comparison,
                           dimension_rows=dimension_rows, has_draft=has_draft, done=done)


# The tables' rows, laid out as the template's loop was; a missing score shows "–".
_ROW_END = "</tr>\n    "
_SCORE_CELLS = {None: "<td>–</td>", **{n: f"<td>{n}</td>" for n in range(1, 5)}}


@lru_cache(maxsize=4)
def _headings(layout: lqf.Layout) -> tuple[tuple[str, ...], tuple[tuple[int, str], ...]]:
    """The start of each row of the self-assessments page's tables (escaped): one per
    dimension, and (element id, start) per element, "code name". Kept per framework copy."""
    def start(heading):
        return f'\n      <tr><th scope="row">{heading}</th>'
    return (tuple(start(escape(name)) for _code, name, _ids in layout.dimensions),
            tuple((element_id, start(f"{escape(code)} {escape(name)}"))
                  for element_id, code, name in layout.elements))


@bp.route("/members/<int:user_id>")
@login_required
def profile(user_id: int):
    if user_id == current_user.id:
        return redirect(url_for("members.me"))
    viewer = current_member()
    layout = lqf.shared_layout()  # only shown: nothing merged into this request
    # The owner's profile, whether the viewer shares a network with them, their needs, offers,
    # networks and latest self-assessment's scores: one statement.
    staff = viewer.has_role(Role.COORDINATOR, Role.ADMIN)
    if staff:
        # Staff see more of a profile than members do, so each look is on the record.
        # The target named by type and id alone: reading the account (and its roles) for that
        # cost two statements. The entry (as ``audit.record`` would make it) is written by the
        # page's own statement, only when the profile is shown.
        view = member_profile.staff_profile_page(viewer, user_id, layout.framework.id,
                                                 audit.entries_for_many(
                                                     viewer.id, "profile.viewed_by_staff",
                                                     "User", [user_id])[0])
    else:
        view = member_profile.profile_page(viewer, user_id, layout.framework.id)
    if view is None:
        abort(404)
    if staff:
        db.session.commit()
    chart = None
    if "lqf" in view["shown"] and view["scores"]:
        chart = radar_chart(layout, [(view["name"], view["scores"])], "radar-member",
                            f"{view['name']}'s leadership self-assessment")
    return render_template("members/profile.html", view=view, chart=chart)


"""Search forms whose HTML a process renders once for each search asked and keeps.

A search form sent with GET (the member directory's, the coordinators' members list's) has no
token and nothing of who is asking: its HTML, errors included, follows from the query string
alone and from the lists its selects offer (netapp/select_options.py). Rendering it (a dozen
fields through the form macros) cost about half a millisecond a request, so each process keeps
the HTML of the last ``MOST`` searches asked, the one with no search first among them. When the
selects' options are worked out again (reference data changed), the kept HTML is rendered
again. What is kept is text, never rows.
"""
from __future__ import annotations

from collections import OrderedDict

from flask import current_app, render_template, request
from markupsafe import Markup

from netapp.forms_common import token_input
from netapp.select_options import KeptSelectField

MOST = 128
# Stands for the request's CSRF input in a kept blank form; a NUL is in no page's HTML.
_TOKEN = "\x00token\x00"


def search_form(template: str, form, **context) -> Markup:
    """``template`` rendered with ``form`` and ``context``, kept for this query string (less
    its page number) while the form's selects offer the same options.

    ``form`` may be the form's class instead, for a page with no search: it is then built only
    when its HTML must be rendered, and its ``kept_options()`` gives its selects' options in
    the order of its fields. ``context`` must follow from the query string alone, as the form
    does.
    """
    options = form.kept_options() if isinstance(form, type) else tuple(
        field.kept for field in form if isinstance(field, KeptSelectField))
    key = (template, _query_string())
    found = _found(key, options)
    if found is not None:
        return found
    if isinstance(form, type):
        form = form()
    return _keep(key, options, Markup(render_template(template, form=form, **context)))


def kept_search(template: str, form_class, parse, **context) -> tuple[object, bool, Markup]:
    """A search sent with GET, checked once per query string: (``parse(form)`` if the query
    string asks for a valid search, else None; whether it is valid; the form's HTML as
    ``search_form`` renders it), kept while the form's selects offer the same options.

    Building and checking the form cost about 0.15 ms a request, and what a search asks
    follows from the query string and those options alone. ``parse`` must return something
    that cannot change (a frozen dataclass), and ``form_class.kept_options()`` give its
    selects' options in the order of its fields.
    """
    options = form_class.kept_options()
    key = ("search", template, _query_string())
    found = _found(key, options)
    if found is not None:
        return found
    form = form_class(formdata=request.args or None)
    valid = form.validate() if request.args else True
    return _keep(key, options, (parse(form) if request.args and valid else None, valid,
                                Markup(render_template(template, form=form, **context))))


def _query_string() -> tuple:
    """What a kept form is kept for: the query string, less its page number."""
    return tuple((k, v) for k, v in request.args.items(multi=True) if k != "page")


def _store() -> OrderedDict:
    return current_app.extensions.setdefault("kept_forms", OrderedDict())


def _found(key: tuple, options: tuple):
    """What was kept for ``key`` while the selects offered these same ``options``, or None."""
    store = _store()
    found = store.get(key)
    if found is not None and len(found[0]) == len(options) and all(
            kept is now for kept, now in zip(found[0], options, strict=True)):
        store.move_to_end(key)
        return found[1]
    return None


def _keep(key: tuple, options: tuple, value):
    store = _store()
    store[key] = (options, value)
    store.move_to_end(key)
    while len(store) > MOST:
        store.popitem(last=False)
    return value


def blank_form(template: str, form_class, **context) -> Markup:
    """``template`` rendered with a new, empty ``form_class`` as ``form`` and this request's
    CSRF input as ``token``, its HTML kept per process.

    An empty form shown with GET (a reply box under a thread) is the same for everyone but its
    token, so it is rendered once and the token put in each time. ``context`` must be the same
    for every request. A form sent back with what was typed is rendered as usual.
    """
    store: dict = current_app.extensions.setdefault("kept_blank_forms", {})
    parts = store.get((template, form_class))
    if parts is None:
        html = render_template(template, form=form_class(), token=Markup(_TOKEN), **context)
        parts = store[(template, form_class)] = html.split(_TOKEN)
    return Markup(str(token_input()).join(parts))

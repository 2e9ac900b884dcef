"""The progress fragment every long job's page polls (matching runs, set formation, late
joiners, imports): the bar and message, and once the job has finished an ``HX-Redirect`` so
htmx reloads the page with the outcome. Without JavaScript the page's own refresh link shows
the same thing."""
from flask import Response, make_response, render_template, request

from netapp.models import Job


def progress_fragment(job: Job, page_url: str) -> Response:
    """The fragment for ``job``, whose page is ``page_url``."""
    response = make_response(render_template("jobs/_progress_inner.html", job=job,
                                             refresh_url=page_url))
    if job.status.is_finished and request.headers.get("HX-Request"):
        response.headers["HX-Redirect"] = page_url
    return response

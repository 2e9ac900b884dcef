"""Members' Markdown: what it renders, and the XSS attempts it must defuse."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import render_template_string

from netapp.services.markdown import ALLOWED_TAGS, LINK_SCHEMES, to_html
from tests.xss_cases import XSS_CASES


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str):
    parser = _Collect()
    parser.feed(html)
    return parser.tags


@pytest.mark.parametrize("attempt", XSS_CASES)
def test_an_xss_attempt_renders_only_allowed_tags_and_safe_links(attempt):
    html = to_html(attempt)
    for tag, attrs in _tags(html):
        assert tag in ALLOWED_TAGS, f"{tag} from {attempt!r}"
        allowed = {"href", "rel"} if tag == "a" else set()
        assert set(attrs) <= allowed, f"{attrs} on {tag} from {attempt!r}"
        if "href" in attrs:
            scheme = attrs["href"].split(":", 1)[0].lower()
            assert scheme in LINK_SCHEMES, f"{attrs['href']} from {attempt!r}"
            assert attrs["rel"] == "nofollow noopener ugc"
    assert not re.search(r"<\s*(script|svg|img|iframe|style|math|form|input)", html, re.I)
    assert not re.search(r"\son\w+\s*=", _attributes_text(html), re.I)


def _attributes_text(html: str) -> str:
    """The inside of every tag (where an event handler would have to be to run)."""
    return " ".join(re.findall(r"<([^>]*)>", html))


def test_ordinary_markdown_renders_as_expected():
    html = to_html("Hello *there*, **friend**.\nNext line\n\n- one\n- two\n\n> quoted\n\n"
                   "`code` and [our site](https://example.org/page)")
    assert "<em>there</em>" in html and "<strong>friend</strong>" in html
    assert "Hello <em>there</em>, <strong>friend</strong>.<br>" in html
    assert "<ul>\n<li>one</li>" in html and "<blockquote>" in html
    assert "<code>code</code>" in html
    assert '<a href="https://example.org/page" rel="nofollow noopener ugc">our site</a>' in html


def test_headings_start_below_the_page_s_own():
    assert to_html("# Big\n\n## Less\n\n### Small").split("\n")[:3] == [
        "<h3>Big</h3>", "<h3>Less</h3>", "<h4>Small</h4>"]


def test_raw_html_stays_visible_as_text():
    assert to_html("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n"


def test_mailto_links_stay_and_relative_links_lose_their_address():
    assert 'href="mailto:ann@example.org"' in to_html("[Ann](mailto:ann@example.org)")
    assert "href" not in to_html("[admin](/admin/users)")


def test_images_are_not_rendered():
    html = to_html("![a chart](https://example.org/chart.png)")
    assert "<img" not in html and "chart.png" in html  # kept as a link the reader may follow


def test_the_jinja_filter_is_registered_and_safe(app):
    with app.test_request_context():
        out = render_template_string("{{ body | markdown }}", body="*hi* <script>x</script>")
    assert out == "<p><em>hi</em> &lt;script&gt;x&lt;/script&gt;</p>\n"

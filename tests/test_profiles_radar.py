"""The radar chart: valid, labelled, accessible SVG with a data table alternative."""
import re
import xml.etree.ElementTree as ET

import pytest

from netapp.services.radar import Series, radar_svg
from tests.profile_helpers import assess, load_reference

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["Personal qualities", "Working with others", "Managing services", "Improving services",
          "Setting direction", "Creating the vision", "Delivering the strategy"]


def _chart(*series: Series) -> ET.Element:
    markup = radar_svg(LABELS, list(series), ident="t", title="My chart", description="My data")
    return ET.fromstring(str(markup))


def test_svg_is_well_formed_and_accessible():
    root = _chart(Series("You", (1, 2, 3, 4, 3, 2, 1)))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t-title t-desc"
    assert root.find(f"{SVG}title").get("id") == "t-title"
    assert root.find(f"{SVG}title").text == "My chart"
    assert root.find(f"{SVG}desc").text == "My data"
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for label in ("Personal", "qualities", "Delivering", "strategy", "You"):
        assert label in texts


def test_values_land_on_the_right_rings():
    root = _chart(Series("You", (4,) * 7), Series("Others", (2,) * 7))
    polygons = root.findall(f".//{SVG}polygon")
    outer_ring, series_full, series_half = polygons[3], polygons[-2], polygons[-1]
    assert series_full.get("points") == outer_ring.get("points")
    first_full = [float(v) for v in series_full.get("points").split()[0].split(",")]
    first_half = [float(v) for v in series_half.get("points").split()[0].split(",")]
    assert first_half[1] - 230 == pytest.approx((first_full[1] - 230) / 2, abs=0.2)


def test_labels_are_escaped():
    markup = radar_svg(["<b>", "a & b", "c"], [Series("<script>", (1, 2, 3))], ident="x",
                       title="<t>", description="&")
    ET.fromstring(str(markup))
    assert "<script>" not in str(markup)


@pytest.mark.parametrize(("labels", "series", "message"), [
    (["a", "b"], [Series("s", (1, 2))], "at least 3 axes"),
    (["a", "b", "c"], [], "draw 1 to 3 series"),
    (["a", "b", "c"], [Series("s", (1, 2))], "has 2 values for 3 axes"),
    (["a", "b", "c"], [Series("s", (1, 2, 5))], "outside 0-4"),
])
def test_bad_input_is_refused(labels, series, message):
    with pytest.raises(ValueError, match=message):
        radar_svg(labels, series, ident="x", title="t", description="d")


def test_profile_page_has_chart_and_data_table(client, auth, users):
    load_reference()
    assess(users["member"], lambda i: 4 if i < 4 else 1)
    auth.login(users["member"].email)
    html = client.get("/me").get_data(as_text=True)
    start = html.index("<svg")
    root = ET.fromstring(html[start:html.index("</svg>") + 6])
    assert root.get("role") == "img"
    assert "Demonstrating personal qualities: You" in root.find(f"{SVG}desc").text
    assert "<table>" in html
    assert '<th scope="row">Demonstrating personal qualities</th><td>4.0</td>' in html
    assert '<th scope="row">Delivering the strategy</th><td>1.0</td>' in html


def test_history_page_compares_latest_with_previous(client, auth, users):
    load_reference()
    assess(users["member"], lambda i: 1)
    assess(users["member"], lambda i: 3)
    auth.login(users["member"].email)
    html = client.get("/me/assessments").get_data(as_text=True)
    root = ET.fromstring(html[html.index("<svg"):html.index("</svg>") + 6])
    legend = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Latest" in legend and "Before" in legend
    assert '<th scope="row">PQ1 Developing self awareness</th><td>1</td><td>3</td>' in html


def test_two_assessments_on_one_day_are_told_apart(client, auth, users):
    load_reference()
    assess(users["member"], lambda i: 1)
    assess(users["member"], lambda i: 3)
    assess(users["member"], lambda i: 2)
    auth.login(users["member"].email)
    html = client.get("/me/assessments").get_data(as_text=True)
    headers = re.findall(r'<th scope="col">(\d\d \w{3} \d{4}[^<]*)</th>', html)
    assert len(headers) == 6  # three columns in each of the two tables
    assert len(set(headers)) == 3
    assert headers[0].endswith("(1st)") and headers[1].endswith("(2nd)") and \
        headers[2].endswith("(3rd)")


def test_day_labels_number_only_days_with_several(app):
    from datetime import datetime
    from types import SimpleNamespace

    from netapp.services.lqf import day_labels

    at = [datetime(2026, 11, 1, 9), datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 17)]
    labels = day_labels([SimpleNamespace(completed_at=t) for t in at])
    assert labels == ["01 Nov 2026", "02 Nov 2026 (1st)", "02 Nov 2026 (2nd)"]

"""The CSV readers: one path, every cell checked, problems named by file, line, column, value
and the accepted values."""

import csv

import pytest

from matching.io import (
    DataError,
    read_members_csv,
    read_mentees_csv,
    read_mentors_csv,
    read_topics_csv,
)
from matching.model import REGIONS
from matching_instances import member_case, mentor_case
from test_cli import write


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _save(path, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)


def _scuff(path):
    """Spaces, case and repeats the readers accept, in some cells, and a blank line."""
    rows = _rows(path)
    head = rows[0]
    for k, row in enumerate(rows[1:]):
        if k % 3 == 0:
            row[head.index("online")] = " " + row[head.index("online")].upper()
            row[head.index("PQ1")] = f" {row[head.index('PQ1')]} "
            row[head.index("region")] += " "
            row[head.index("level")] = "0" + row[head.index("level")]
        col = "offers" if "offers" in head else "needs"
        c = head.index(col)
        if k % 5 == 2 and row[c]:
            row[c] = row[c] + "; " + row[c].split(";")[0]
    rows.append([""] * len(head))
    _save(path, rows)


@pytest.mark.parametrize("scuffed", [False, True])
def test_what_is_written_is_read_back(tmp_path, scuffed):
    mentees, mentors = mentor_case(1, 40, 15)
    members = member_case(1, 30)
    for reader, people in ((read_mentees_csv, mentees), (read_mentors_csv, mentors),
                           (read_members_csv, members)):
        path = tmp_path / "p.csv"
        write(path, people)
        if scuffed:
            _scuff(path)
        assert reader(path) == people


def _error(reader, path, **kw):
    with pytest.raises(DataError) as e:
        reader(path, **kw)
    return e.value


@pytest.mark.parametrize("column,value,accepted", [
    ("service_type", "Care Home", "care_home, nursing_home, home_care"),
    ("needs", "finance;finances", "people_management, leadership"),
    ("region", "Wales", ", ".join(REGIONS)),
    ("affinity", "cyclists", "bame, women, entrepreneurs"),
])
def test_unknown_codes_name_line_column_value_and_accepted_values(tmp_path, column, value,
                                                                   accepted):
    path = tmp_path / "m.csv"
    write(path, member_case(2, 6))
    rows = _rows(path)
    rows[4][rows[0].index(column)] = value
    _save(path, rows)
    e = _error(read_members_csv, path)
    assert (e.line, e.column) == (5, column)
    bad = value.split(";")[-1]
    assert repr(bad) in e.message and accepted in e.message


@pytest.mark.parametrize("column,value,words", [
    ("level", "5", "outside 1-4"), ("level", "senior", "1-4"), ("online", "maybe", "yes or no"),
])
def test_bad_level_and_online_say_what_is_accepted(tmp_path, column, value, words):
    path = tmp_path / "m.csv"
    write(path, member_case(2, 6))
    rows = _rows(path)
    rows[2][rows[0].index(column)] = value
    _save(path, rows)
    e = _error(read_members_csv, path)
    assert (e.line, e.column) == (3, column) and words in e.message


def test_declared_topics_are_accepted_and_others_are_not(tmp_path):
    topics = tmp_path / "topics.csv"
    topics.write_text("code,name\nnight_staffing,Night staffing\n", encoding="utf-8")
    declared = read_topics_csv(topics)
    assert declared == {"night_staffing": "Night staffing"}
    mentees, _ = mentor_case(3, 5, 1)
    path = tmp_path / "e.csv"
    write(path, mentees)
    rows = _rows(path)
    rows[3][rows[0].index("needs")] = "night_staffing;finance"
    _save(path, rows)
    assert _error(read_mentees_csv, path).column == "needs"
    assert read_mentees_csv(path, topics=declared)[2].needs == ("night_staffing", "finance")


@pytest.mark.parametrize("text,line,column", [
    ("code,name\nNight Staff,Night\n", 2, "code"),
    ("code,name\nnights,Nights\nnights,Again\n", 3, "code"),
    ("code,name\nnights,\n", 2, "name"),
    ("code\nnights\n", 1, "name"),
])
def test_bad_topics_file(tmp_path, text, line, column):
    path = tmp_path / "topics.csv"
    path.write_text(text, encoding="utf-8")
    e = _error(read_topics_csv, path)
    assert (e.line, e.column) == (line, column)


def test_windows_1252_file_names_the_line_and_says_to_save_as_utf8(tmp_path):
    path = tmp_path / "m.csv"
    write(path, member_case(4, 40))
    rows = _rows(path)
    rows[37][rows[0].index("organisation")] = "Café Care – Homes"
    _save(path, rows, encoding="cp1252")
    e = _error(read_members_csv, path)
    assert (e.line, e.column) == (38, "organisation")
    assert "UTF-8" in e.message and "Windows-1252" in e.message


def test_semicolon_separated_file_is_recognised(tmp_path):
    path = tmp_path / "m.csv"
    write(path, member_case(4, 5))
    _save(path, _rows(path), delimiter=";")
    e = _error(read_members_csv, path)
    assert e.line == 1 and "semicolon-separated" in e.message


def test_first_bad_cell_wins_over_later_row_problems(tmp_path):
    mentees, _ = mentor_case(4, 12, 3)
    path = tmp_path / "m.csv"
    write(path, mentees)
    rows = _rows(path)
    rows[2][rows[0].index("MS2")] = "5"        # line 3
    rows[5] = rows[5][:4]                      # line 6: short row
    _save(path, rows)
    e = _error(read_mentees_csv, path)
    assert (e.line, e.column) == (3, "MS2")
    assert "score 5 is outside 1-4" in str(e)


def test_first_bad_cell_wins_over_later_malformed_csv(tmp_path):
    mentees, _ = mentor_case(5, 12, 3)
    path = tmp_path / "m.csv"
    write(path, mentees)
    rows = _rows(path)
    rows[3][rows[0].index("level")] = "x"      # line 4
    rows[8][1] = "o" * (csv.field_size_limit() + 1)   # line 9: the csv module refuses it
    _save(path, rows)
    assert (_error(read_mentees_csv, path).line, "level") == (4, "level")
    rows[3][rows[0].index("level")] = "2"
    _save(path, rows)
    e = _error(read_mentees_csv, path)
    assert "malformed CSV" in e.message and e.line == 9


def test_duplicate_id_reported_on_its_line(tmp_path):
    _, mentors = mentor_case(6, 3, 8)
    path = tmp_path / "r.csv"
    write(path, mentors)
    rows = _rows(path)
    rows[7][0] = rows[2][0]
    _save(path, rows)
    e = _error(read_mentors_csv, path)
    assert e.line == 8 and "first on line 3" in str(e)

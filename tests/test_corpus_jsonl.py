"""The JSON Lines reader: fields, line numbers, streaming and every kind of bad line."""

import json
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.corpus import Bulletin, PartialDate, Problem, max_bytes, read_file
from search.corpus.jsonl import parse_line

GOOD = {
    "id": "kko-2020-15",
    "date": "2020-03-04",
    "title": "Vahingonkorvaus rakennusvirheestä",
    "body": "Korkein oikeus katsoi, että urakoitsija oli vastuussa kosteusvauriosta.",
}


def line(**fields) -> str:
    return json.dumps({**GOOD, **fields}, ensure_ascii=False)


def write(tmp_path: Path, *lines: str | bytes, name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_bytes(b"\n".join(item if isinstance(item, bytes) else item.encode() for item in lines) + b"\n")
    return path


def read(path: Path) -> list[Bulletin | Problem]:
    return list(read_file(path, path.parent))


def only_problem(tmp_path: Path, text: str | bytes) -> Problem:
    [item] = read(write(tmp_path, text))
    assert isinstance(item, Problem)
    return item


def test_reads_required_and_optional_fields(tmp_path):
    text = line(url="https://www.hel.fi/fi/uutiset/1", organ="Kaupunginhallitus", lang="fi")
    [bulletin] = read(write(tmp_path, text))
    assert bulletin.id == "kko-2020-15"
    assert bulletin.date == PartialDate(2020, 3, 4)
    assert bulletin.title == "Vahingonkorvaus rakennusvirheestä"
    assert bulletin.body == GOOD["body"]
    assert (bulletin.url, bulletin.organ, bulletin.lang) == (
        "https://www.hel.fi/fi/uutiset/1",
        "Kaupunginhallitus",
        "fi",
    )


def test_optional_fields_default_to_none(tmp_path):
    [bulletin] = read(write(tmp_path, line()))
    assert (bulletin.url, bulletin.organ, bulletin.lang) == (None, None, None)
    assert (bulletin.kind, bulletin.case, bulletin.classification, bulletin.section) == (None, None, None, None)


def test_empty_or_null_optional_fields_become_none(tmp_path):
    [bulletin] = read(write(tmp_path, line(url="  ", organ=None, lang="")))
    assert (bulletin.url, bulletin.organ, bulletin.lang) == (None, None, None)


def test_reads_the_city_fields_and_normalizes_the_case(tmp_path):
    text = line(kind="decision", case="hel-2021-009631", classification="Kilpailutus", section="3")
    [bulletin] = read(write(tmp_path, text))
    assert (bulletin.kind, bulletin.case, bulletin.classification, bulletin.section) == (
        "decision", "HEL 2021-009631", "Kilpailutus", "3")


def test_a_case_of_another_form_is_kept_as_written(tmp_path):
    [bulletin] = read(write(tmp_path, line(case="  VD/1234/2021  ")))
    assert bulletin.case == "VD/1234/2021"


def test_month_precision_date_is_kept(tmp_path):
    [bulletin] = read(write(tmp_path, line(date="2020-11")))
    assert bulletin.date == PartialDate(2020, 11)


def test_source_is_file_and_line_number(tmp_path):
    bulletins = read(write(tmp_path, line(id="a"), line(id="b"), line(id="c")))
    assert [b.source for b in bulletins] == ["data.jsonl:1", "data.jsonl:2", "data.jsonl:3"]


def test_blank_lines_are_skipped_silently_and_keep_line_numbers(tmp_path):
    items = read(write(tmp_path, "", line(id="a"), "   ", "\t", line(id="b"), ""))
    assert [(type(item), item.source) for item in items] == [(Bulletin, "data.jsonl:2"), (Bulletin, "data.jsonl:5")]


def test_windows_line_endings_are_read(tmp_path):
    path = tmp_path / "crlf.jsonl"
    path.write_bytes((line(id="a") + "\r\n" + line(id="b") + "\r\n").encode())
    assert [b.id for b in read(path)] == ["a", "b"]


def test_byte_order_mark_on_first_line_is_tolerated(tmp_path):
    [bulletin] = read(write(tmp_path, "\ufeff" + line()))
    assert bulletin.id == "kko-2020-15"


def test_id_title_and_body_are_stripped(tmp_path):
    [bulletin] = read(write(tmp_path, line(id="  kko-1 ", title=" Otsikko\n", body="\n  Leipäteksti.  \n")))
    assert (bulletin.id, bulletin.title, bulletin.body) == ("kko-1", "Otsikko", "Leipäteksti.")


def test_body_unicode_and_inner_newlines_are_kept(tmp_path):
    body = "Ka\u0308velykatu avataan.\n\nPÄÄTÖS: ﬁ-ligatuuri säilyy."
    [bulletin] = read(write(tmp_path, line(body=body)))
    assert bulletin.body == body


def test_empty_title_is_derived_from_body(tmp_path):
    body = "Lautakunta kokoontui 23.11. ja päätti asiasta. Seuraava kokous on joulukuussa."
    [bulletin] = read(write(tmp_path, line(title=" ", body=body)))
    assert bulletin.title == "Lautakunta kokoontui 23.11. ja päätti asiasta"


def test_unknown_fields_are_ignored(tmp_path):
    [bulletin] = read(write(tmp_path, line(kategoria="rikosoikeus")))
    assert bulletin.id == "kko-2020-15"


def test_broken_json_line_is_a_problem(tmp_path):
    problem = only_problem(tmp_path, '{"id": "a", "date": "2020-11", ')
    assert problem.source == "data.jsonl:1"
    assert problem.reason.startswith("broken JSON: ")


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1, 2]", "an array"), ('"tiedote"', "a string"), ("42", "a number"), ("null", "null")],
)
def test_line_that_is_not_an_object_is_a_problem(tmp_path, text, kind):
    assert only_problem(tmp_path, text).reason == f"not a JSON object but {kind}"


def test_missing_required_fields_are_named(tmp_path):
    text = json.dumps({"id": "a", "title": "Otsikko"})
    assert only_problem(tmp_path, text).reason == "missing 'date', 'body'"


def test_wrong_typed_required_fields_are_named(tmp_path):
    problem = only_problem(tmp_path, line(id=2020015, title=None))
    assert problem.reason == "'id' must be a string, not a number; 'title' must be a string, not null"


def test_wrong_typed_optional_field_is_a_problem(tmp_path):
    problem = only_problem(tmp_path, line(url=["https://www.hel.fi"]))
    assert problem.reason == "'url' must be a string, not an array"


def test_impossible_date_is_a_problem(tmp_path):
    problem = only_problem(tmp_path, line(date="2021-02-30"))
    assert problem.reason == "impossible date '2021-02-30': day is out of range for month"


def test_impossible_month_is_a_problem(tmp_path):
    assert only_problem(tmp_path, line(date="2020-13")).reason == "impossible date '2020-13': month must be in 1..12"


def test_date_in_another_form_is_a_problem(tmp_path):
    problem = only_problem(tmp_path, line(date="4.3.2020"))
    assert problem.reason == "not a date of the form YYYY-MM or YYYY-MM-DD: '4.3.2020'"


def test_empty_body_is_a_problem(tmp_path):
    assert only_problem(tmp_path, line(body=" \n ")).reason == "empty body"


@pytest.mark.parametrize(
    ("bad_id", "reason"),
    [
        ("   ", "empty id"),
        ("kko/2020/15", "id 'kko/2020/15' contains '/'"),
        ("..", "id '..' cannot be a URL path segment"),
        ("kko\n15", "id 'kko\\n15' contains a control character"),
    ],
)
def test_ids_unfit_for_urls_are_problems(tmp_path, bad_id, reason):
    assert only_problem(tmp_path, line(id=bad_id)).reason == reason


def test_invalid_utf8_loses_only_its_own_line(tmp_path):
    latin1 = line(id="b", title="Päätös").encode("latin-1")
    items = read(write(tmp_path, line(id="a"), latin1, line(id="c")))
    assert [item.id for item in items if isinstance(item, Bulletin)] == ["a", "c"]
    [problem] = [item for item in items if isinstance(item, Problem)]
    assert problem.source == "data.jsonl:2"
    assert problem.reason.startswith("invalid UTF-8 (byte 0xe4 at column ")


def test_duplicate_id_in_one_file_keeps_the_first(tmp_path):
    items = read(write(tmp_path, line(id="a", title="Eka"), line(id="b"), line(id="a", title="Toka")))
    assert [item.title for item in items if isinstance(item, Bulletin)] == ["Eka", "Vahingonkorvaus rakennusvirheestä"]
    assert items[2] == Problem("data.jsonl:3", "duplicate id 'a': already read from data.jsonl:1")


def test_good_and_bad_lines_mixed_are_all_accounted_for(tmp_path):
    lines = []
    for number in range(1, 301):
        if number % 50 == 0:
            lines.append('{"id": "rikki",')
        elif number % 70 == 0:
            lines.append(line(id=f"t{number}", date="2020-13"))
        elif number % 90 == 0:
            lines.append("")
        else:
            lines.append(line(id=f"t{number}"))
    items = read(write(tmp_path, *lines))
    problems = {item.source: item.reason for item in items if isinstance(item, Problem)}
    bulletins = [item for item in items if isinstance(item, Bulletin)]
    assert sorted(problems) == sorted(f"data.jsonl:{n}" for n in (50, 70, 100, 140, 150, 200, 210, 250, 280, 300))
    assert problems["data.jsonl:140"].startswith("impossible date")
    assert problems["data.jsonl:150"].startswith("broken JSON")
    assert len(bulletins) == 300 - 10 - 3
    assert all(b.source == f"data.jsonl:{b.id[1:]}" for b in bulletins)


def test_lines_are_read_only_as_they_are_consumed(tmp_path):
    path = write(tmp_path, line(id="a"))
    items = read_file(path, tmp_path)
    assert next(items).id == "a"
    with path.open("a", encoding="utf-8") as more:  # written after reading began: a streaming reader sees it
        more.write(line(id="b") + "\n")
    assert [item.id for item in items] == ["b"]


def test_large_file_is_streamed_in_little_memory(tmp_path):
    body = "Kaupunginhallitus päätti esittää valtuustolle talousarvion hyväksymistä. " * 150
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number in range(2_000):
            out.write(line(id=f"u{number}", body=body) + "\n")
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_file(path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 2_000
    assert peak < path.stat().st_size / 20


def test_a_deeply_nested_line_is_broken_json_and_the_next_line_is_read(tmp_path):
    nested = "[" * 100_000 + "]" * 100_000
    problem, bulletin = read(write(tmp_path, nested, line()))
    assert str(problem) == "data.jsonl:1: broken JSON (nested too deeply)"
    assert bulletin.id == GOOD["id"]


def test_a_number_too_long_to_convert_is_broken_json(tmp_path):
    problem = only_problem(tmp_path, '{"id": ' + "7" * 5000 + "}")
    assert problem.reason.startswith("broken JSON (Exceeds the limit (4300 digits) for integer string conversion")


def test_a_line_over_the_size_limit_is_skipped_unread_and_the_next_is_read(tmp_path):
    long_body = line(id="pitka", body="Kaupunginvaltuusto päätti asiasta. " * 600)
    assert round(len(long_body.encode()) / 1024) == 22
    path = write(tmp_path, line(id="a"), long_body, line(id="b"))
    first, skipped, last = read_file(path, tmp_path, limit=max_bytes(0.01))
    assert (first.id, last.id) == ("a", "b")
    assert str(skipped) == ("data.jsonl:2: bulletin of 22 kB is larger than the limit of 0.01 MB: skipped "
                            "(--max-bulletin-mb raises the limit)")


def test_a_line_exactly_at_the_size_limit_is_read(tmp_path):
    text = line()
    [bulletin] = read_file(write(tmp_path, text), tmp_path, limit=len(text.encode()))
    assert bulletin.id == GOOD["id"]
    [problem] = read_file(write(tmp_path, text), tmp_path, limit=len(text.encode()) - 1)
    assert "is larger than the limit" in problem.reason


def test_control_characters_are_removed_from_the_text_fields(tmp_path):
    text = line(title="Kokeilu\u001b[31m alkaa\u0000", body="Ensimmäinen\u0001 rivi\r\ntoinen\trivi\u0085kolmas",
                organ="Kaupunginhallitus\u0007")
    [bulletin] = read(write(tmp_path, text))
    assert bulletin.title == "Kokeilu[31m alkaa"
    assert bulletin.body == "Ensimmäinen rivi\ntoinen\trivi\nkolmas"
    assert bulletin.organ == "Kaupunginhallitus"


def test_a_date_in_other_digits_than_ascii_is_refused(tmp_path):
    for date in ("１２３４-01", "٢٠٢٠-01", "2020-０1"):
        problem = only_problem(tmp_path, line(date=date))
        assert problem.reason == f"not a date of the form YYYY-MM or YYYY-MM-DD in ASCII digits: {date!r}"


def test_a_lone_surrogate_is_not_unicode_text(tmp_path):
    problem = only_problem(tmp_path, '{"id": "a", "date": "2020-01", "title": "T", "body": "kokeilu \\ud800 x"}')
    assert problem.reason == "'body' is not Unicode text: a lone surrogate \\ud800 at character 9"


# --- any line: a bulletin or a problem ----------------------------------------------------------

TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=30)  # lone surrogates and controls too
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                           max_leaves=6)
DATES = st.sampled_from(["2020-11", "2020-11-23", "2021-02-30", "0000-01", "１２３４-01", "2020-1", " 2020-11 ", ""]) | TEXT
RECORDS = st.fixed_dictionaries({}, optional={"id": TEXT | JSON_VALUES, "date": DATES | JSON_VALUES, "title": TEXT,
                                              "body": TEXT | JSON_VALUES, "url": TEXT, "organ": TEXT, "lang": TEXT})
LINES = (st.tuples(RECORDS, st.booleans()).map(lambda pair: json.dumps(pair[0], ensure_ascii=pair[1]).encode("utf-8",
                                                                                                          "surrogatepass"))
         | JSON_VALUES.map(lambda value: json.dumps(value).encode()) | st.binary(max_size=80))


@given(LINES)
@settings(max_examples=500)
def test_any_line_is_a_clean_bulletin_or_a_problem(line: bytes) -> None:
    item = parse_line(line, "data.jsonl:7")
    assert isinstance(item, (Bulletin, Problem)) and item.source == "data.jsonl:7"
    if isinstance(item, Problem):
        assert item.reason and "\n" not in item.reason
        return
    for text in (item.id, item.title, item.body, item.url or "", item.organ or "", item.lang or ""):
        assert all(char in "\t\n" or unicodedata.category(char) not in ("Cc", "Cs") for char in text)
    assert item.body == item.body.strip() and item.body and str(item.date).isascii()


@given(st.lists(LINES, max_size=6))
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_file_is_read_line_by_line(tmp_path: Path, lines: list[bytes]) -> None:
    path = tmp_path / "any.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    items = list(read_file(path, tmp_path, limit=256))  # some lines are longer
    assert all(isinstance(item, (Bulletin, Problem)) for item in items)
    numbers = [int(item.source.rsplit(":", 1)[1]) for item in items]
    assert numbers == sorted(set(numbers)) and all(1 <= number <= max(len(lines), 1) for number in numbers)

"""The query language: what each piece of syntax parses into, and a one-line error for every bad query."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.errors import QueryError
from search.searcher import SearchRequest
from search.searcher.query import DateRange, parse_day, parse_query, without_unpaired_quote

from conftest import copy_seeds


def texts(group) -> list[str]:
    return [" ".join(word.text for word in term.words) for term in group]


def test_plain_words_are_each_required_and_stopwords_dropped():
    parsed = parse_query("Yhtiön rakennus ja huoneistot")
    assert [texts(group) for group in parsed.required] == [["Yhtiön"], ["rakennus"], ["huoneistot"]]
    assert parsed.excluded == () and parsed.dates == DateRange()


def test_or_joins_its_neighbours_into_one_group():
    parsed = parse_query("kokeilu OR hanke korona")
    assert [texts(group) for group in parsed.required] == [["kokeilu", "hanke"], ["korona"]]


def test_not_excludes_the_next_word_anywhere():
    parsed = parse_query("kokeilu NOT korona hanke")
    assert [texts(group) for group in parsed.required] == [["kokeilu"], ["hanke"]]
    assert [" ".join(w.text for w in term.words) for term in parsed.excluded] == ["korona"]


@pytest.mark.parametrize("query, required, excluded", [
    ("-korona kokeilu", ["kokeilu"], ["korona"]),  # at the start
    ("-korona -covid kokeilu", ["kokeilu"], ["korona", "covid"]),  # after another exclusion
    ("kokeilu NOT hanke -korona", ["kokeilu"], ["hanke", "korona"]),
    ("date:2020 -korona kokeilu", ["kokeilu"], ["korona"]),  # after a date filter
    ("kokeilu -korona", ["kokeilu", "korona"], []),  # after a word: the tail of an open compound
    ('kokeilu -"korona virus"', ["kokeilu"], ["korona virus"]),  # a phrase is never a tail
    ("kokeilu -title:korona", ["kokeilu"], ["korona"]),  # nor is a field
])
def test_a_hyphen_excludes_only_where_no_word_stands_before_it(query, required, excluded):
    parsed = parse_query(query)
    assert [text for group in parsed.required for text in texts(group)] == required
    assert [" ".join(w.text for w in term.words) for term in parsed.excluded] == excluded


def test_a_code_with_a_colon_after_its_letters_is_also_the_code_written_with_a_space():
    parsed = parse_query("KKO:2019:105 OR KHO:2020:7 NOT KKO:2019:15 5G:n")
    assert [texts(group) for group in parsed.required] == [
        ["KKO:2019:105", "KKO 2019:105", "KHO:2020:7", "KHO 2020:7"], ["5G:n"]]
    assert [" ".join(w.text for w in term.words) for term in parsed.excluded] == ["KKO:2019:15", "KKO 2019:15"]
    spaced = parsed.required[0][1]
    assert [(word.start, word.position) for word in spaced.words] == [(0, 0), (4, 1)]
    assert [texts(group) for group in parse_query("EU:n HSL:ää").required] == [["EU:n"], ["HSL:ää"]]


def test_a_lone_dash_between_words_is_a_dash_not_an_operator():
    parsed = parse_query("Tuomioistuin - hallintoasia")
    assert [texts(group) for group in parsed.required] == [["Tuomioistuin"], ["hallintoasia"]]


def test_phrase_keeps_word_order_and_the_place_of_a_dropped_stopword():
    (term,), = parse_query('"rakennus ja huoneistot"').required
    assert term.is_phrase
    assert [(word.text, word.position) for word in term.words] == [("rakennus", 0), ("huoneistot", 2)]


def test_typographic_quotes_make_a_phrase():
    (term,), = parse_query("”kuusi innovaatiohaastetta”").required
    assert [word.text for word in term.words] == ["kuusi", "innovaatiohaastetta"]


def test_prefix_and_title_field():
    prefix, title = parse_query("kokeilu* title:elinkeinojaosto").required
    assert prefix[0].prefix and prefix[0].words[0].text == "kokeilu"
    assert title[0].title_only and title[0].words[0].text == "elinkeinojaosto"


def test_title_phrase():
    (term,), = parse_query('title:"kaupunginhallituksen elinkeinojaosto"').required
    assert term.title_only and term.is_phrase


@pytest.mark.parametrize("text, first, last", [
    ("date:2020", date(2020, 1, 1), date(2020, 12, 31)),
    ("date:2020-11", date(2020, 11, 1), date(2020, 11, 30)),
    ("date:2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("date:2020-11-23", date(2020, 11, 23), date(2020, 11, 23)),
    ("date:2019..2021", date(2019, 1, 1), date(2021, 12, 31)),
    ("date:..2020-06", None, date(2020, 6, 30)),
    ("date:2021..", date(2021, 1, 1), None),
])
def test_date_filters(text, first, last):
    assert parse_query(f"kokeilu {text}").dates == DateRange(first, last)


def test_date_filters_alone_are_a_query():
    parsed = parse_query("date:2020")
    assert parsed.required == () and parsed.dates.first == date(2020, 1, 1)


def test_two_date_filters_narrow_each_other():
    assert parse_query("date:2019..2021 date:2020").dates == DateRange(date(2020, 1, 1), date(2020, 12, 31))


def test_word_offsets_point_into_the_query_text():
    text = '"kuusi innovaatiohaastetta" kaupunginhalitus'
    for word in parse_query(text).positive_words:
        assert text[word.start:word.start + len(word.text)] == word.text


def test_parse_day_gives_the_first_or_last_day():
    assert parse_day("2020-02") == date(2020, 2, 1)
    assert parse_day("2020-02", last=True) == date(2020, 2, 29)


@pytest.mark.parametrize("text, message", [
    ('"kuusi innovaatiohaastetta', "unbalanced quotes"),
    ("OR", "OR needs a word on both sides"),
    ("kokeilu OR", "OR needs a word on both sides"),
    ("AND kokeilu", "AND needs a word on both sides"),
    ("NOT", "NOT needs a word right after it"),
    ("kokeilu NOT", "NOT needs a word right after it"),
    ("-", "nothing to search for"),
    ("*", "a prefix search needs at least 2 letters"),
    ("k*", "a prefix search needs at least 2 letters"),
    ("kokeilu OR -korona", "OR cannot join an excluded word"),
    ("kokeilu NOT korona OR hanke", "OR cannot join an excluded word"),
    ('NOT"0"OR 0', "OR cannot join an excluded word"),  # nothing before NOT: no group for OR to join
    ("ja tai että", "nothing to search for"),
    ("   ", "empty query"),
    ("", "empty query"),
    ("x" * 1001, "too long"),
    ("kokeilu\x00", "control character (U+0000)"),
    ("kokeilu\x1b[31m", "control character (U+001B)"),
    ("date:2020-13", "impossible date: 2020-13"),
    ("date:2021-02-29", "impossible date: 2021-02-29"),
    ("date:0000", "impossible date"),
    ("date:2021..2019", "ends before it begins"),
    ("date:eilen", "is not a date"),
    ("date:", "date: needs a date"),
    ("date:2019 date:2021", "do not overlap"),
    ("-date:2020", "cannot be negated"),
    ("title:", "title: needs a word"),
])
def test_bad_query_is_a_one_line_query_error(text, message):
    with pytest.raises(QueryError) as error:
        parse_query(text)
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_ten_thousand_characters_are_refused():
    with pytest.raises(QueryError, match="too long: 10,000 characters"):
        parse_query("kokeilu " * 1250)


def test_newlines_and_tabs_are_whitespace_not_control_characters():
    assert len(parse_query("kokeilu\n\thanke").required) == 2


@pytest.mark.parametrize(("text", "first", "last"), [
    ("23.11.2020", date(2020, 11, 23), date(2020, 11, 23)),
    ("1.1.2020", date(2020, 1, 1), date(2020, 1, 1)),
    ("11/2020", date(2020, 11, 1), date(2020, 11, 30)),
    ("2.2020", date(2020, 2, 1), date(2020, 2, 29)),
])
def test_parse_day_reads_finnish_dates(text, first, last):
    assert parse_day(text) == first and parse_day(text, last=True) == last


@pytest.mark.parametrize("text", ["32.1.2020", "13/2020", "1.2.20", "١/٢٠٢٠"])
def test_parse_day_refuses_what_is_no_date(text):
    with pytest.raises(QueryError):
        parse_day(text)


def test_a_finnish_date_range_in_the_query():
    assert parse_query("kokeilu date:1.6.2020..31.12.2020").dates == DateRange(date(2020, 6, 1), date(2020, 12, 31))


@pytest.mark.parametrize(("text", "forgiven"), [
    ('"kuusi innovaatiohaastetta', "kuusi innovaatiohaastetta"),
    ('kokeilu "kuusi', "kokeilu kuusi"),
    ('"a b" c"', '"a b" c'),
    ("kokeilu”hanke", "kokeilu hanke"),
    ('"kuusi innovaatiohaastetta"', '"kuusi innovaatiohaastetta"'),
    ("kokeilu", "kokeilu"),
])
def test_without_unpaired_quote(text, forgiven):
    assert without_unpaired_quote(text) == forgiven


# --- any query: a result or our own error ---------------------------------------------------------

# Pieces of the query language and of Finnish text, joined at random, and any text at all.
PIECES = st.sampled_from(['"', "“", "»", "-", "*", "OR", "AND", "NOT", "title:", "date:", "..", ":", "(", ")",
                          "kokeilu", "kokeiluja", "hautomo", "ja", "että", "2020", "2020-11", "2019..2021", "..2020",
                          "2021-02-30", "0000", "٢٠٢٠", "k", "ä", "\u00ad", "\u200b", "\t", "\x00", "\x1b", " "])
QUERIES = st.lists(PIECES, max_size=12).map("".join) | st.lists(PIECES, max_size=8).map(" ".join) | st.text(max_size=40)


@given(QUERIES)
@settings(max_examples=500)
def test_any_query_parses_or_raises_a_query_error(text: str) -> None:
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert parsed.required or parsed.excluded or parsed.dates != DateRange()


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_seeds(tmp_path_factory.mktemp("query") / "corpus")


@given(QUERIES)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_searches_or_raises_a_query_error(search, text: str) -> None:  # on every backend
    try:
        result = search.search(SearchRequest(text, explain=True))
    except QueryError:
        return
    assert 0 <= len(result.hits) <= result.total + result.related_total and result.total <= 2

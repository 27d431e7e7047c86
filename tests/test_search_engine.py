"""The search API on real Finnish text, on every backend: the seed bulletins plus small bulletins written for each feature."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest

from search.backends import Search
from search.errors import IndexMissingError, QueryError
from search.index.writer import update_index
from search.searcher import MAX_PAGE_SIZE, BulletinSearch, SearchRequest, spans_html

from conftest import copy_seeds

SEED_2020, SEED_2024 = "000_d69fc6f4f0811f96", "003_1869dba633d4af7d"

BULLETINS = {
    # Two bulletins alike but for the form of one word: the exact form ranks above the other.
    "muoto-tarkka": ("2019-03-04", "Lautakunta arvioi kokeiluja ja hankkeita vuoden aikana."),
    "muoto-toinen": ("2019-03-05", "Lautakunta arvioi kokeilusta ja hankkeita vuoden aikana."),
    # A whole word ranks above the same word as a compound part.
    "hautomo-sana": ("2021-06-01", "Hautomo avattiin keskustaan syksyllä."),
    "hautomo-osa": ("2021-06-02", "Yrityshautomo avattiin keskustaan syksyllä."),
    # Phrases: together and in order (in other inflections), apart, reversed.
    "jaosto-yhdessa": ("2022-01-10", "Kaupunginhallituksen elinkeinojaostolle esiteltiin uusi ohjelma."),
    "jaosto-erillaan": ("2022-01-11", "Kaupunginhallitus päätti antaa asian elinkeinojaostolle."),
    "jaosto-vaarin": ("2022-01-12", "Elinkeinojaosto ja kaupunginhallitus kokoontuivat yhdessä."),
    "kuusi-taivutettu": ("2023-09-01", "Kaupunki julkaisi kuuden innovaatiohaasteen sarjan."),
    "kuusi-erillaan": ("2023-09-02", "Kuusi puuta kaadettiin, ja innovaatiohaasteet jatkuivat."),
    # Compound parts never make a phrase: kaupunki+konserni pää+tavoite is not "kaupungin tavoite".
    "konserni-tavoite": ("2023-10-01", "Toinen kaupunkikonsernin päätavoite koskee työnantajia."),
    # Numbers joined by a colon are one term: a precedent and a clock time, and their pieces apart.
    "ennakkopaatos": ("2024-02-01", "Hallinto-oikeus viittasi ratkaisuun KKO:2019:105 ja kokoontui klo 16:00."),
    "vuosi-ja-pykala": ("2024-02-02", "Vuonna 2019 hovioikeus käsitteli 105 hakemusta kello 16 alkaen (KKO 2019:15)."),
    "ennakkopaatos-valilyonnein": ("2024-02-03", "Hovioikeus sovelsi ratkaisua KKO 2019:105."),
}


def write_bulletin(folder: Path, name: str, day: str, body: str) -> None:
    (folder / f"{name}.txt").write_text(f"date {day}\n\n{body}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = copy_seeds(tmp_path_factory.mktemp("search") / "corpus")
    for name, (day, body) in BULLETINS.items():
        write_bulletin(corpus, name, day, body)
    return corpus


def ids(search: Search, query: str, **options) -> list[str]:
    return [hit.id for hit in search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE, **options)).hits]


def matched(search: Search, query: str) -> set[str]:
    """The bulletins that match `query` (the hits it counts), without the related results."""
    result = search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE))
    return {hit.id for hit in result.hits[:result.total]}


# Words in any inflection, inside longer compounds


def test_any_inflection_finds_the_bulletin(search):
    assert SEED_2020 in ids(search, "kokeilu")
    assert SEED_2020 in ids(search, "kokeiluista")
    assert set(ids(search, "kaupunginhallitus")) >= {SEED_2020, SEED_2024}


def test_exact_form_ranks_above_another_inflection(search):
    found = ids(search, "kokeiluja")
    assert found.index("muoto-tarkka") < found.index("muoto-toinen")


def test_compound_part_finds_the_compound_but_ranks_below_the_whole_word(search):
    found = ids(search, "hautomo")
    assert found.index("hautomo-sana") < found.index("hautomo-osa")
    assert SEED_2024 in found  # yrityshautomopalvelujen


def test_compound_query_word_found_only_as_its_parts_is_a_related_result(search):
    # No bulletin has "innovaatiokokeilu", but the 2020 seed has its parts, scattered.
    result = search.search(SearchRequest("innovaatiokokeilu", page_size=MAX_PAGE_SIZE))
    assert result.total == 0 and result.only_related
    assert SEED_2020 in [hit.id for hit in result.hits] and all(hit.related for hit in result.hits)
    # Kaupunki alone, as a word or a part of another compound, is not kaupunginhallitus, nor related to it
    result = search.search(SearchRequest("kaupunginhallitus", page_size=MAX_PAGE_SIZE))
    assert not {"kuusi-taivutettu", "konserni-tavoite"} & {hit.id for hit in result.hits}
    assert result.related_total == 0 and not any(hit.related for hit in result.hits)


def test_numbers_joined_by_a_colon_are_found_whole(search):
    """`2019:105` is one term, not 2019 alone: it finds the precedent and not every text with
    2019 in it; a run of its pieces finds the longer code, as a compound's part does; a code
    excluded is excluded in either spelling."""
    assert matched(search, "16:00") == {"ennakkopaatos"}
    # a court's code, written with a colon or a space after its letters, finds both spellings
    for query in ("2019:105", "KKO:2019:105", "KKO:2019:105:ssä", "KKO 2019:105", "-hanke KKO:2019:105"):
        assert matched(search, query) == {"ennakkopaatos", "ennakkopaatos-valilyonnein"}, query
    assert matched(search, "KKO:2019:106") == set()
    assert matched(search, "hovioikeus NOT KKO:2019:105") == {"vuosi-ja-pykala"}
    assert "vuosi-ja-pykala" in matched(search, "2019 105")


# Matches first, then related results


def test_matches_come_first_and_related_results_follow_uncounted(search):
    result = search.search(SearchRequest("hautomo syksyllä", page_size=MAX_PAGE_SIZE))
    assert result.total == 2 and not result.only_related
    assert {hit.id for hit in result.hits[:2]} == {"hautomo-sana", "hautomo-osa"}
    assert SEED_2024 in [hit.id for hit in result.hits[2:]]  # has hautomo only
    assert all(hit.related for hit in result.hits[2:])
    assert len(result.hits) == result.total + result.related_total


def test_when_nothing_matches_the_related_results_are_listed(search):
    result = search.search(SearchRequest("kokeilu xyzzyä"))
    assert result.only_related and result.total == 0 and result.related_total > 0
    assert SEED_2020 in [hit.id for hit in result.hits]


def test_fallback_policy_lists_related_results_only_when_nothing_matches(target):
    fallback = target.open(related="fallback")
    assert {hit.id for hit in fallback.search(SearchRequest("hautomo syksyllä")).hits} == {"hautomo-sana", "hautomo-osa"}
    assert fallback.search(SearchRequest("kokeilu xyzzyä")).only_related


# Operators


def test_or_finds_either_word(search):
    assert set(ids(search, "hautomo OR innovaatiohaaste")) >= {"hautomo-sana", "kuusi-taivutettu", SEED_2020}


def test_minus_and_not_exclude_also_by_compound_part(search):
    assert SEED_2020 in ids(search, "kokeilu")
    assert SEED_2020 not in ids(search, "-korona kokeilu")  # koronaepidemiasta
    assert SEED_2020 not in ids(search, "kokeilu NOT korona")


def test_minus_after_a_word_is_the_tail_of_an_open_compound(search):
    result = search.search(SearchRequest("kokeilu -korona"))  # as in "covid-19 -potilaiden": text
    assert SEED_2020 in [hit.id for hit in result.hits if not hit.related]


def test_only_excluded_words_list_every_other_bulletin(search):
    found = ids(search, "-kokeilu")
    assert "hautomo-sana" in found and SEED_2020 not in found


def test_prefix_matches_words_that_begin_so(search):
    assert matched(search, "innovaatioh*") == {SEED_2020, "kuusi-taivutettu", "kuusi-erillaan"}


def test_title_limits_the_word_to_titles(search):
    assert set(ids(search, "title:hautomo")) == {"hautomo-sana"}  # the part in Yrityshautomo is not a lemma
    assert SEED_2024 not in ids(search, "title:hautomo")


# Phrases work on lemmas


def test_phrase_finds_the_words_together_in_order_in_any_inflection(search):
    found = set(ids(search, '"kaupunginhallituksen elinkeinojaosto"'))
    assert {SEED_2020, SEED_2024, "jaosto-yhdessa"} <= found
    assert "jaosto-erillaan" not in found and "jaosto-vaarin" not in found
    assert "jaosto-erillaan" in ids(search, "kaupunginhallituksen elinkeinojaosto")


def test_phrase_does_not_match_across_compound_parts(search):
    assert "konserni-tavoite" not in ids(search, '"kaupungin tavoite"')
    assert SEED_2024 in ids(search, '"kaupungin tavoite"')  # "Helsingin kaupungin tavoitteena"
    assert "konserni-tavoite" in ids(search, "kaupunki tavoite")  # as plain words, the parts count


def test_phrase_word_with_several_lemmas_matches_any_of_them(search):
    # `kuusi` is both kuusi (six) and kuu (moon); a prototype that joined the lemmas found nothing.
    assert matched(search, '"kuusi innovaatiohaastetta"') == {SEED_2020, "kuusi-taivutettu"}


def test_phrase_with_a_stopword_keeps_its_place(search):
    assert "jaosto-vaarin" in ids(search, '"elinkeinojaosto ja kaupunginhallitus"')
    assert "jaosto-vaarin" not in ids(search, '"elinkeinojaosto kaupunginhallitus"')


def test_title_phrase(search):
    assert set(ids(search, 'title:"kuuden innovaatiohaasteen"')) == {"kuusi-taivutettu"}


# Filters, sorting, paging, facets


def test_date_filters_in_the_query(search):
    assert set(ids(search, "kaupunginhallitus date:2020")) == {SEED_2020}
    assert set(ids(search, "kaupunginhallitus date:2020-11")) == {SEED_2020}
    assert set(ids(search, "kaupunginhallitus date:2022..2024")) >= {SEED_2024, "jaosto-erillaan"}
    assert SEED_2020 not in ids(search, "kaupunginhallitus date:2022..2024")


def test_date_filter_alone_lists_the_bulletins_of_those_dates(search):
    assert set(ids(search, "date:2019")) == {"muoto-tarkka", "muoto-toinen"}


def test_request_dates_and_year_filter(search):
    assert set(ids(search, "kaupunginhallitus", date_from=date(2024, 1, 1))) == {SEED_2024}
    assert set(ids(search, "kaupunginhallitus", date_to=date(2020, 12, 31))) == {SEED_2020}
    assert set(ids(search, "kaupunginhallitus", year=2022)) == {"jaosto-yhdessa", "jaosto-erillaan", "jaosto-vaarin"}
    assert ids(search, "kaupunginhallitus date:2020", year=2024) == []


def test_sort_by_date(search):
    def dates(sort: str) -> list[str]:
        return [hit.date for hit in search.search(SearchRequest("elinkeinojaosto", sort=sort, page_size=MAX_PAGE_SIZE)).hits]

    assert dates("newest") == ["2024-11", "2022-01-12", "2022-01-11", "2022-01-10", "2020-11"]
    assert dates("oldest") == dates("newest")[::-1]


def test_date_sort_lists_matches_only(search):
    # Kaupunki alone is only a part of kaupunginhallitus: those related results are left out.
    newest = search.search(SearchRequest("kaupunginhallitus", sort="newest", page_size=MAX_PAGE_SIZE))
    assert [hit.id for hit in newest.hits][-1] == SEED_2020 and len(newest.hits) == newest.total
    assert not {"konserni-tavoite", "kuusi-taivutettu"} & {hit.id for hit in newest.hits}


def test_pages_follow_each_other(search):
    everything = ids(search, "kaupunginhallitus")
    pages = [hit.id for page in (1, 2, 3) for hit in
             search.search(SearchRequest("kaupunginhallitus", page=page, page_size=2)).hits]
    assert pages == everything[:6]


def test_year_facets_count_every_match_not_just_the_page(search):
    result = search.search(SearchRequest("elinkeinojaosto", page_size=1))
    assert len(result.hits) == 1
    assert result.facets["year"] == {"2024": 1, "2022": 3, "2020": 1}
    assert result.total == 5


def test_hit_fields_and_score(search):
    result = search.search(SearchRequest('"kuusi innovaatiohaastetta"', date_to=date(2020, 12, 31)))
    hit = result.hits[0]
    assert (hit.id, hit.date) == (SEED_2020, "2020-11")
    assert hit.title.startswith("Helsingin kaupunginhallituksen elinkeinojaosto")
    assert hit.score > 0 and result.seconds > 0


# Snippets, highlighting, explanations, suggestions


def test_snippet_marks_the_matched_inflections(search):
    hit = search.search(SearchRequest('"kuusi innovaatiohaastetta"', date_to=date(2020, 12, 31))).hits[0]
    assert "<mark>kuusi</mark> <mark>innovaatiohaastetta</mark>" in spans_html(hit.snippet)
    assert 150 <= len("".join(span.text for span in hit.snippet)) <= 300


def test_highlight_marks_every_matched_form_in_the_whole_text(search):
    text = search.bulletin(SEED_2020).body
    spans = search.highlight(text, "kokeilu")
    assert "".join(span.text for span in spans) == text
    marked = {span.text for span in spans if span.matched}
    assert {"kokeilua", "kokeiluja", "Kokeilut", "kokeilualustoiminnan"} <= marked


def test_highlight_marks_a_phrase_only_where_it_stands(search):
    spans = search.highlight("Kaupunginhallitus antoi asian elinkeinojaostolle. Kaupunginhallituksen elinkeinojaosto kokoontui.",
                             '"kaupunginhallituksen elinkeinojaosto"')
    assert [span.text for span in spans if span.matched] == ["Kaupunginhallituksen", "elinkeinojaosto"]


def test_explain_says_how_each_query_word_matched(search):
    result = search.search(SearchRequest("kokeiluja hautomo", explain=True, page_size=MAX_PAGE_SIZE))
    matches = {hit.id: set((m.query_word, m.bulletin_word.lower(), m.how) for m in hit.matches) for hit in result.hits}
    assert ("kokeiluja", "kokeiluja", "exact") in matches[SEED_2020]
    assert ("kokeiluja", "kokeilua", "lemma") in matches[SEED_2020]
    assert ("kokeiluja", "kokeilualustoiminnan", "compound") in matches[SEED_2020]
    assert ("hautomo", "yrityshautomopalvelujen", "compound") in matches[SEED_2024]
    assert all(not hit.matches for hit in search.search(SearchRequest("kokeiluja")).hits)


def test_did_you_mean_suggests_an_indexed_spelling(search):
    result = search.search(SearchRequest("kaupunginhalitus kokeilu"))
    assert result.suggestion == "kaupunginhallitus kokeilu"


def test_no_suggestion_for_known_or_uncorrectable_words(search):
    assert search.search(SearchRequest("kaupunginhallitus")).suggestion is None
    assert search.search(SearchRequest("xyzzyä")).suggestion is None


def test_no_suggestion_of_a_spelling_the_word_finds_already(search):
    # an open compound with a hyphen finds the closed one (its lemma): Voikko's spelling would only sow doubt
    result = search.search(SearchRequest("yritys-hautomopalvelujen"))
    assert result.total == 1 and result.suggestion is None


def test_bulletin_by_id(search):
    bulletin = search.bulletin(SEED_2024)
    assert bulletin.date == "2024-11" and "yrityshautomopalvelujen" in bulletin.body
    assert search.bulletin("ei-ole") is None


# Bad requests, a missing index, updates, threads


@pytest.mark.parametrize("request_, message", [
    (SearchRequest("kokeilu", page=0), "page must be 1 or more"),
    (SearchRequest("kokeilu", page_size=0), "page size must be from 1 to 100"),
    (SearchRequest("kokeilu", page_size=MAX_PAGE_SIZE + 1), "page size must be from 1 to 100"),
    (SearchRequest("kokeilu", sort="random"), "unknown sort 'random'"),
    (SearchRequest("kokeilu", date_from=date(2021, 1, 1), date_to=date(2020, 1, 1)), "the dates run backwards"),
    (SearchRequest('"kokeilu', verbatim=True), "unbalanced quotes"),
    (SearchRequest("OR"), "OR needs a word"),
    (SearchRequest("date:2020-02-30"), "impossible date"),
])
def test_bad_request_is_a_query_error(search, request_, message):
    with pytest.raises(QueryError, match=message):
        search.search(request_)
    with pytest.raises(QueryError, match=message):
        search.rank(request_)


def test_missing_index_says_to_run_bulletins_index(tmp_path):
    with pytest.raises(IndexMissingError, match="bulletins index"):
        BulletinSearch(tmp_path / "nothing")


def test_sees_an_index_update_without_restart(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    update_index(corpus, tmp_path / "index")
    search = BulletinSearch(tmp_path / "index")
    assert ids(search, "hautomo") == [SEED_2024]
    write_bulletin(corpus, "uusi", "2025-01-01", "Uusi hautomo aloitti toimintansa.")
    update_index(corpus, tmp_path / "index")
    assert set(ids(search, "hautomo")) == {SEED_2024, "uusi"}


def test_threads_share_one_search(search):
    expected = ids(search, "kaupunginhallitus")
    results: list[list[str]] = []

    def run() -> None:
        for _ in range(5):
            results.append(ids(search, "kaupunginhallitus"))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 20


# Forgiving queries: an unpaired quote mark, and a misspelt word when nothing matches


def test_an_unpaired_quote_mark_is_dropped_and_said(search):
    result = search.search(SearchRequest('"kuusi innovaatiohaastetta'))
    assert result.searched == "kuusi innovaatiohaastetta" and result.corrections == ("quote",)
    assert SEED_2020 in [hit.id for hit in result.hits] and result.total >= 1
    assert result.to_dict()["searched"] == "kuusi innovaatiohaastetta" and result.to_dict()["corrections"] == ["quote"]


def test_paired_quotes_are_searched_as_written(search):
    result = search.search(SearchRequest('"kuusi innovaatiohaastetta" kokeilu'))
    assert result.searched is None and result.corrections == ()


def test_with_no_match_the_did_you_mean_is_searched_at_once(search):
    result = search.search(SearchRequest("kaupunginhalitus kokeilu"))
    assert result.corrections == ("spelling",) and result.searched == "kaupunginhallitus kokeilu"
    assert result.suggestion == "kaupunginhallitus kokeilu"
    assert result.total == 1 and [hit.id for hit in result.hits if not hit.related] == [SEED_2020]


def test_verbatim_searches_the_query_as_typed(search):
    result = search.search(SearchRequest("kaupunginhalitus kokeilu", verbatim=True))
    assert result.searched is None and result.total == 0 and result.suggestion == "kaupunginhallitus kokeilu"


def test_a_suggestion_that_matches_nothing_either_is_only_offered(search):
    result = search.search(SearchRequest("kaupunginhalitus xyzzyä"))
    assert result.suggestion == "kaupunginhallitus xyzzyä" and result.searched is None and result.total == 0


def test_quote_and_spelling_are_both_forgiven(search):
    result = search.search(SearchRequest('"kaupunginhalitus kokeilu'))
    assert result.corrections == ("quote", "spelling") and result.searched == "kaupunginhallitus kokeilu"


def test_highlight_forgives_an_unpaired_quote_mark(search):
    spans = search.highlight("Kuusi innovaatiohaastetta järjestettiin.", '"kuusi innovaatiohaastetta')
    assert [span.text for span in spans if span.matched] == ["Kuusi", "innovaatiohaastetta"]


# A title made of the opening sentence is not repeated by the snippet


def test_the_snippet_goes_on_after_a_title_made_of_the_opening_sentence(search):
    (hit,) = search.search(SearchRequest("hautomo avattiin")).hits[:1]
    assert hit.id == "hautomo-sana" and hit.title == "Hautomo avattiin keskustaan syksyllä"
    assert spans_html(hit.snippet).count("avattiin") == 1  # a one-sentence bulletin: the snippet is all of it


def test_the_snippet_skips_the_title_when_the_text_goes_on(search):
    hit = next(hit for hit in search.search(SearchRequest("kaupunginhallitus")).hits if hit.id == SEED_2024)
    assert hit.title.startswith("Kaupunginhallituksen elinkeinojaosto merkitsi tiedoksi")
    assert "merkitsi tiedoksi katsauksen" not in spans_html(hit.snippet)
    assert "<mark>" in spans_html(hit.snippet)

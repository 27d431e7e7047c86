"""Snippets and highlighting: the best passage, cut at word boundaries, every matched form marked."""

from __future__ import annotations

from search.searcher.matching import PHRASE_CHARS, QueryMatcher
from search.searcher.query import parse_query
from search.searcher.results import spans_html
from search.searcher.snippets import ELLIPSIS, FIRST_CHARS, SNIPPET_CHARS, highlight, snippet, snippet_matches

from conftest import SEEDS

SEED_2020 = (SEEDS / "000_d69fc6f4f0811f96.txt").read_text(encoding="utf-8").strip().split(" ", 2)[2]
SEED_2024 = (SEEDS / "003_1869dba633d4af7d.txt").read_text(encoding="utf-8").strip().split(" ", 2)[2]


def found(text: str, query: str):
    return QueryMatcher(parse_query(query)).find(text)


def test_every_inflected_form_and_compound_is_found_and_says_how():
    words = {(f.word, f.matches) for f in found(SEED_2020, "kokeiluja")}
    assert ("kokeiluja", (("kokeiluja", "exact"),)) in words
    assert ("kokeilua", (("kokeiluja", "lemma"),)) in words
    assert ("Kokeilut", (("kokeiluja", "lemma"),)) in words
    assert ("kokeiluhakukierrosta", (("kokeiluja", "compound"),)) in words


def test_gradated_forms_are_found():
    text = "Sakon määrä nousi. Tapon yritys. Lain mukaan käden taidot."
    marked = [f.word for f in found(text, "sakko tappo laki käsi")]
    assert marked == ["Sakon", "Tapon", "Lain", "käden"]


def test_forms_whose_double_consonant_gradation_makes_single_are_found_beside_the_strong_ones():
    """`kehittää` and `määrittää` keep `tt` in some forms and have `t` in others: each is marked."""
    text = "Kaupunki kehittää palveluja. Mallia on kehitetty vuosia. Määritetyt rajat määrittää lautakunta."
    marked = [f.word for f in found(text, "kehittää määrittää")]
    assert marked == ["kehittää", "kehitetty", "Määritetyt", "määrittää"]


def test_the_forms_of_a_word_in_nen_are_found_where_its_s_stands():
    """yleinen → yleisen, yleistä; ihminen → ihmisiä; väkisinmakaaminen → väkisinmakaamisesta."""
    text = ("Asia kuului yleisen tuomioistuimen toimivaltaan, ei yleistä etua koskevana. Ihmisiä kuultiin "
            "väkisinmakaamisesta, ja yleinen syyttäjä vaati rangaistusta.")
    marked = [f.word for f in found(text, "Yleinen ihminen väkisinmakaaminen")]
    assert marked == ["yleisen", "yleistä", "Ihmisiä", "väkisinmakaamisesta", "yleinen"]
    assert [f.word for f in found(text, "yleisen")] == ["yleisen", "yleistä", "yleinen"]


def test_a_hyphenated_compound_is_found_in_forms_its_written_form_does_not_begin():
    """työsuhde-etuudet (lemma työsuhdeetuus) has työsuhde-etuutena: gradation changed the d the
    written form has, and the lemma's start, without the hyphen, is not in the text either."""
    text = "Autoa pidettiin työsuhde-etuutena. Työsuhde-etuus verotettiin."
    assert [f.word for f in found(text, "Työsuhde-etuudet")] == ["työsuhde-etuutena", "Työsuhde-etuus"]


def test_a_range_typed_with_a_hyphen_is_marked_where_the_text_writes_a_dash():
    assert [f.word for f in found("Kausi 2017–2021 päättyi.", "2017-2021")] == ["2017–2021"]
    assert [f.word for f in found("linjaukset 30.12.2021\u20125.1.2022 tehtiin", "30.12.2021-5.1.2022")] == [
        "30.12.2021\u20125.1.2022"]
    assert [f.word for f in found("vuoden 2022:n talousarvio", "2022")] == ["2022:n"]


def test_a_long_query_matches_each_word_as_its_words_alone_do():
    """Every word of a text is matched by a long query's words as by each of them alone, in query
    order, with the strongest way each matches: a pasted subject line, a prefix, a compound, a
    repeated word."""
    query = "Kaupunginhallituksen elinkeinojaosto kokeiluja innovaatio* yrityshautomo kaupunki alusta kokeiluja"
    text = SEED_2020 + "\n" + SEED_2024
    expected: dict[int, list] = {}
    for word in query.split():
        for f in QueryMatcher(parse_query(word)).find(text, parts=True, every_word=True):
            expected.setdefault(f.start, []).extend(f.matches)
    found = QueryMatcher(parse_query(query)).find(text, parts=True, every_word=True)
    assert {f.start: list(f.matches) for f in found} == expected
    assert {how for f in found for _, how in f.matches} == {"exact", "lemma", "compound", "part"}


def test_snippet_is_the_passage_with_the_most_query_words():
    spans = snippet(SEED_2020, found(SEED_2020, "koronaepidemia innovaatiohaaste"))
    html = spans_html(spans)
    assert "<mark>koronaepidemiasta</mark>" in html and "<mark>innovaatiohaastetta</mark>" in html
    text = "".join(span.text for span in spans)
    assert text.startswith(ELLIPSIS + " ") and text.endswith(" " + ELLIPSIS)
    assert len(text) <= SNIPPET_CHARS + 4


def test_snippet_is_the_first_passage_with_the_most_query_words():
    """Not the passage with the most matches: the bulletin's opening says what it is about."""
    text = f"Jaosto arvioi kokeiluja.\n\n{SEED_2024}\n\n{SEED_2020}"
    assert "kokeilu" not in SEED_2024.lower()
    html = spans_html(snippet(text, found(text, "kokeilu")))
    assert html.startswith("Jaosto arvioi <mark>kokeiluja</mark>.")


def test_a_long_texts_snippet_needs_only_the_matches_of_its_beginning():
    """The snippet of the matches that snippet_matches reads is the snippet of all the matches, for
    words near the start, far in, and far apart, for a phrase and for the parts of a compound, beside
    a word the text lacks and for a long query; for a word that stands early, far fewer matches are
    read."""
    text = "\n\n".join([SEED_2020, SEED_2024] * 4)
    assert len(text) > 16 * FIRST_CHARS
    for query in ("kokeiluja", "maahanmuuton toimenpideohjelma", '"kotouttamisohjelman toteutusten"',
                  "kokeilu kotouttamisohjelma", "yrityshautomo", "olematon", "kokeiluja hevonen",
                  '"kotouttamisohjelman toteutusten" sakko', "Helsingin kaupungin kokeilu yrityksille 2020"):
        matcher = QueryMatcher(parse_query(query))
        for parts in (False, True):
            assert snippet(text, snippet_matches(matcher, text, parts)) == snippet(text, matcher.find(text, parts))
    matcher = QueryMatcher(parse_query("kokeiluja"))
    assert 0 < len(snippet_matches(matcher, text)) < len(matcher.find(text)) / 4


def test_a_later_passage_with_more_query_words_is_found_past_an_early_one():
    """Reading does not stop at an early passage with some of the query words: here the horse comes
    late, beside an experiment, and that passage is the snippet."""
    text = "\n\n".join([SEED_2020, SEED_2024] * 4) + "\n\nKokeiluja jatketaan, ja hevonen palaa tallille."
    matcher = QueryMatcher(parse_query("kokeiluja hevonen"))
    assert "<mark>hevonen</mark>" in spans_html(snippet(text, snippet_matches(matcher, text)))
    assert snippet(text, snippet_matches(matcher, text)) == snippet(text, matcher.find(text))


def test_a_phrase_cut_by_the_end_of_a_round_is_found_in_the_next():
    """A phrase whose words stand on both sides of where a round of reading stops, or of where the
    next round starts reading again (a phrase's length before), is found whole, and its word that
    the query also has alone keeps both matches."""
    query = '"kotouttamisohjelman toteutusten" toteutus hevonen'  # no horse: every round is read
    matcher = QueryMatcher(parse_query(query))
    filler = "Kaupunki julkaisi tänään uuden tiedotteen. "
    for around in (FIRST_CHARS - PHRASE_CHARS, FIRST_CHARS):
        for at in range(around - 40, around + 40, 3):
            head = "Kotouttamisohjelman laatiminen alkoi. " + filler * 40
            text = head[:at].rstrip() + " Kotouttamisohjelman toteutusten arviointi jatkuu. " + filler * 200
            read = {(f.start, frozenset(f.matches)) for f in snippet_matches(matcher, text)}
            assert read == {(f.start, frozenset(f.matches)) for f in matcher.find(text)}
    assert {("toteutusten", "exact"), ("toteutus", "lemma")} <= {match for f in matcher.find(text) for match in f.matches}


def test_snippet_is_cut_at_word_boundaries():
    spans = snippet(SEED_2020, found(SEED_2020, "cleantech"))
    inner = "".join(span.text for span in spans).strip(ELLIPSIS + " ")
    assert f" {inner.split()[0]} " in f" {SEED_2020} ".replace("\n", " ")
    assert inner.split()[-1] in SEED_2020.split()


def test_snippet_without_matches_is_the_beginning():
    text = "".join(span.text for span in snippet(SEED_2020, []))
    assert text.startswith("Helsingin kaupunginhallituksen") and not any(span.matched for span in snippet(SEED_2020, []))


def test_short_text_is_its_own_snippet():
    spans = snippet("Hautomo avattiin.", found("Hautomo avattiin.", "hautomo"))
    assert spans_html(spans) == "<mark>Hautomo</mark> avattiin."


def test_highlight_keeps_the_whole_text():
    spans = highlight(SEED_2020, found(SEED_2020, "kokeilu"))
    assert "".join(span.text for span in spans) == SEED_2020


def test_prefix_marks_words_that_begin_so():
    marked = {f.word for f in found(SEED_2020, "innovaatio*")}
    assert marked == {"innovaatiohaastetta", "innovaatiohaasteita", "innovaatiorahaston"}


def test_snippet_text_is_escaped_in_html():
    spans = snippet("<b>Hautomo</b> & muut", found("<b>Hautomo</b> & muut", "hautomo"))
    assert spans_html(spans) == "&lt;b&gt;<mark>Hautomo</mark>&lt;/b&gt; &amp; muut"


def test_snippet_drops_the_marks_of_headings():
    text = "## Päätös\nKaupunginhallitus päätti myöntää avustuksen.\n\n## Päätöksen perustelut\nAvustus kattaa kulut."
    html = spans_html(snippet(text, found(text, "avustus")))
    assert "#" not in html and "Päätös Kaupunginhallitus päätti myöntää <mark>avustuksen</mark>." in html

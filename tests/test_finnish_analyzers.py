"""The Whoosh analysis chains: terms, positions, offsets, pickling and threads."""

import pickle
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from search.errors import VoikkoMissingError
from search.finnish import LEAD_WORDS, exact_analyzer, lemma_analyzer, parts_analyzer, term_lists
from search.finnish.voikko import handle, open_voikko
from search.finnish.words import analyze_word

SEEDS = sorted((Path(__file__).parent.parent / "corpus").glob("*.txt"))


def terms(analyzer, text: str) -> list[tuple[str, int]]:
    return [(token.text, token.pos) for token in analyzer(text, positions=True)]


def test_lemma_chain_puts_every_reading_at_the_word_position():
    found = terms(lemma_analyzer(), "järjestetty kuusi innovaatiohaastetta")
    assert ("kuusi", 1) in found and ("kuu", 1) in found
    assert ("innovaatiohaaste", 2) in found
    assert ("järjestää", 0) in found


def test_stopwords_are_dropped_but_keep_their_position():
    found = terms(lemma_analyzer(), "kaupungin ja yritysten yhteistyö")
    assert [pos for _, pos in found if _ == "kaupunki"] == [0]
    assert ("yritys", 2) in found
    assert not any(term == "ja" for term, _ in found)


def test_exact_chain_keeps_the_written_form_lowercased():
    assert terms(exact_analyzer(), "Kaupunginhallituksen elinkeinojaosto") == [
        ("kaupunginhallituksen", 0), ("elinkeinojaosto", 1)]


def test_parts_chain_holds_only_compound_parts_and_their_runs():
    found = {term for term, _ in terms(parts_analyzer(), "yrityshautomopalvelujen toimeenpanoa Helsingissä")}
    assert {"yritys", "hautomo", "palvelu", "yrityshautomo", "hautomopalvelu"} <= found
    assert "yrityshautomopalvelu" not in found and "helsinki" not in found


@pytest.mark.parametrize("seed", SEEDS[:3], ids=lambda path: path.name)
def test_term_lists_for_the_index_equal_the_exact_and_parts_chains(seed):
    text = seed.read_text(encoding="utf-8")
    lists = term_lists(text)
    assert lists.exact == [token.text for token in exact_analyzer()(text)]
    assert lists.parts == [token.text for token in parts_analyzer()(text)]
    assert "kaupunginhallituksen" in lists.exact or "kaupunginhallitus" in lists.exact


@pytest.mark.parametrize("seed", SEEDS[:3], ids=lambda path: path.name)
def test_lead_is_the_lemmas_of_the_opening_words_once_each(seed):
    text = seed.read_text(encoding="utf-8")
    lead = term_lists(text).lead
    opening = [token.text for token in lemma_analyzer()(text) if token.pos < LEAD_WORDS]
    later = {token.text for token in lemma_analyzer()(text) if token.pos >= LEAD_WORDS}
    assert lead == list(dict.fromkeys(opening))
    assert later - set(lead), "the rest of the bulletin is not in its lead"


def test_offsets_of_lemma_tokens_point_at_the_original_word():
    text = "Kaupunginhallituksen elinkeinojaosto hyväksyi suunnitelman."
    for token in lemma_analyzer()(text, chars=True):
        assert text[token.startchar:token.endchar] in text.split() or text[token.startchar:token.endchar] + "." in text


def test_analyzer_pickles_without_a_voikko_handle():
    handle()  # make sure this thread has a handle open
    analyzer = lemma_analyzer()
    data = pickle.dumps(analyzer)
    assert b"libvoikko" not in data and b"ctypes" not in data
    text = "kaupunginhallituksen päätöstiedote"
    assert terms(pickle.loads(data), text) == terms(analyzer, text)


def test_pickled_analyzer_works_in_a_fresh_process():
    data = pickle.dumps(lemma_analyzer())
    script = ("import pickle, sys; a = pickle.loads(sys.stdin.buffer.read()); "
              "print(' '.join(t.text for t in a('kokeiluja')))")
    out = subprocess.run([sys.executable, "-c", script], input=data, capture_output=True, check=True)
    assert out.stdout.decode().split() == ["kokeilu"]


def test_each_thread_gets_its_own_voikko_handle():
    handles = []  # the handles themselves, kept alive so that no two can share an id()
    threads = [threading.Thread(target=lambda: handles.append(handle())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(voikko) for voikko in handles}) == 4 and handle() not in handles


def test_many_threads_analyse_like_one():
    words = [word for seed in SEEDS for word in seed.read_text(encoding="utf-8").split()]
    uncached = analyze_word.__wrapped__  # go to Voikko every time, from every thread at once
    serial = [uncached(word.strip(".,()")) for word in words if word.strip(".,()")]
    results: dict[int, list] = {}

    def work(n: int) -> None:
        results[n] = [uncached(word.strip(".,()")) for word in words if word.strip(".,()")]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert all(result == serial for result in results.values())


def test_missing_dictionary_is_a_clear_error_with_the_packages_to_install():
    with pytest.raises(VoikkoMissingError, match="libvoikko1 and voikko-fi"):
        open_voikko("xx")

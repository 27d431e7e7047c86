"""The persistent analysis cache on real Voikko and real indexing runs: a warm cache gives the same
index, it is consulted, it starts afresh when the dictionary changes, and no trouble with it stops
indexing."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.config import CACHE_ENV
from search.finnish import analyze_word
from search.finnish.analysis_cache import AnalysisCache, fingerprint, open_cache
from search.finnish.tokenizer import word_texts
from search.finnish.words import WordAnalysis
from search.index.store import open_index
from search.index.writer import update_index
from search.xapian.writer import update_index as update_xapian

from conftest import generate_bulletins

FIELDS = ("title", "body", "exact", "parts")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder of the test's own, for the runs of this test; the words analysed in
    this process before are analysed again (through it)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    analyze_word.cache_clear()
    yield folder
    analyze_word.cache_clear()  # nothing read from this test's cache outlives it


def terms(index_dir: Path) -> dict[str, list[tuple[bytes, int, int]]]:
    """Every term of each analysed field with its document frequency and total count."""
    with open_index(index_dir).reader() as reader:
        return {field: [(term, reader.doc_frequency(field, term), reader.frequency(field, term))
                        for term in reader.lexicon(field)] for field in FIELDS}


def stored_words(folder: Path) -> set[str]:
    [path] = folder.glob("analyses-*.sqlite")
    with sqlite3.connect(path) as connection:
        return {word for (word,) in connection.execute("SELECT word FROM analyses")}


def jsonl_words(path: Path) -> set[str]:
    """The words of the titles and bodies of a JSON Lines file."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {word for record in records for word in word_texts(record["title"] + " " + record["body"])}


def test_a_warm_cache_gives_the_same_index(cache: Path, corpus_dir: Path, tmp_path: Path):
    update_index(corpus_dir, tmp_path / "cold")
    stored = stored_words(cache)
    assert {"yrityshautomopalvelujen", "kokeiluja", "Kokeiluja", "Elinkeino-osaston"} <= stored
    analyze_word.cache_clear()  # the second run reads every analysis from the cache
    update_index(corpus_dir, tmp_path / "warm")
    assert terms(tmp_path / "warm") == terms(tmp_path / "cold")
    assert stored_words(cache) == stored  # nothing new to store


def test_worker_processes_read_and_fill_the_cache(cache: Path, corpus_dir: Path, tmp_path: Path):
    generate_bulletins(corpus_dir / "uudet.jsonl", 400)
    update_index(corpus_dir, tmp_path / "cold", procs=2)  # 400 bulletins: two worker processes
    assert jsonl_words(corpus_dir / "uudet.jsonl") <= stored_words(cache)
    analyze_word.cache_clear()
    update_index(corpus_dir, tmp_path / "warm", procs=2)
    assert terms(tmp_path / "warm") == terms(tmp_path / "cold")


def test_the_cache_is_consulted(cache: Path, corpus_dir: Path, tmp_path: Path):
    stored = open_cache()
    poison = WordAnalysis(("myrkkylemma",), (), True, False, "kokeiluja")
    stored.add("kokeiluja", poison)
    stored.save()
    update_index(corpus_dir, tmp_path / "index")
    body = {term for term, _, _ in terms(tmp_path / "index")["body"]}
    assert b"myrkkylemma" in body  # read from the cache, where Voikko would never give it


def test_a_damaged_cache_file_is_replaced(cache: Path, corpus_dir: Path, tmp_path: Path):
    update_index(corpus_dir, tmp_path / "reference")
    [path] = cache.glob("analyses-*.sqlite")
    for leftover in cache.glob("analyses-*.sqlite-*"):
        leftover.unlink()
    path.write_bytes(b"not a database" * 1000)
    analyze_word.cache_clear()
    update_index(corpus_dir, tmp_path / "index")
    assert terms(tmp_path / "index") == terms(tmp_path / "reference")
    assert "kokeiluja" in stored_words(cache)  # made anew


def test_a_cache_folder_that_cannot_be_made_does_not_stop_indexing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  corpus_dir: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    report = update_index(corpus_dir, tmp_path / "index")
    assert report.added == len(list(corpus_dir.iterdir()))
    assert open_cache() is None


def test_a_cache_of_another_dictionary_is_not_read(cache: Path, corpus_dir: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch):
    update_index(corpus_dir, tmp_path / "index")
    [old] = cache.glob("analyses-*.sqlite")
    # the same dictionary copied where libvoikko looks first, its morphology file then changed
    copy = tmp_path / "voikko"
    shutil.copytree("/usr/lib/voikko", copy)
    monkeypatch.setenv("VOIKKO_DICTIONARY_PATH", str(copy))
    fingerprint.cache_clear()
    try:
        copied = fingerprint()
        assert copied not in old.name
        [morphology] = copy.rglob("mor.vfst")
        stat = morphology.stat()
        os.utime(morphology, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        fingerprint.cache_clear()
        assert fingerprint() != copied
        stored = open_cache()
        assert isinstance(stored, AnalysisCache) and not old.exists()  # the other fingerprint's file is gone
        assert stored.get("kokeiluja") is None
    finally:
        fingerprint.cache_clear()


def test_the_fingerprint_holds_still(cache: Path):
    first = fingerprint()
    fingerprint.cache_clear()
    assert fingerprint() == first


def test_no_home_folder_does_not_stop_indexing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_dir: Path):
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", no_home)  # as where the user has no home folder nor passwd entry
    assert open_cache() is None
    assert update_index(corpus_dir, tmp_path / "index").added == len(list(corpus_dir.iterdir()))


def test_xapian_workers_fill_the_cache(cache: Path, corpus_dir: Path, tmp_path: Path):
    generate_bulletins(corpus_dir / "uudet.jsonl", 400)
    update_xapian(corpus_dir, tmp_path / "xapian", shards=2, procs=2)  # 400 bulletins: a pool of two workers
    assert jsonl_words(corpus_dir / "uudet.jsonl") <= stored_words(cache)

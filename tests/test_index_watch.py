"""Watch mode: the index follows the corpus folder without anyone running a command."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from search.errors import BulletinsError, IndexMissingError
from search.index.store import open_index
from search.index.watch import CorpusWatcher
from search.index.writer import IndexReport

SEED_IDS = {"000_d69fc6f4f0811f96", "003_1869dba633d4af7d"}


def indexed_ids(index_dir: Path) -> set[str]:
    try:
        with open_index(index_dir).searcher() as searcher:
            return {fields["id"] for fields in searcher.all_stored_fields()}
    except IndexMissingError:
        return set()


def eventually(condition: Callable[[], bool], within: float = 10.0) -> bool:
    """Whether `condition` holds at some point within `within` seconds (a generous cap, not a timing test)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_watch_follows_new_changed_and_removed_bulletins(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reports: list[IndexReport] = []
    errors: list[BulletinsError] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=reports.append, on_error=errors.append):
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS)

        (corpus_dir / "uimahalli.txt").write_text("date 2025-03 Kaupunginvaltuusto hyväksyi uimahallin.", encoding="utf-8")
        assert eventually(lambda: "uimahalli" in indexed_ids(index_dir))

        (corpus_dir / "uimahalli.txt").write_text("date 2025-04 Uimahalli avataan huhtikuussa.", encoding="utf-8")
        assert eventually(lambda: any(report.updated == 1 for report in reports))

        (corpus_dir / "003_1869dba633d4af7d.txt").unlink()
        assert eventually(lambda: indexed_ids(index_dir) == {"000_d69fc6f4f0811f96", "uimahalli"})
    assert errors == []
    with open_index(index_dir).searcher() as searcher:
        assert searcher.document(id="uimahalli")["date_text"] == "2025-04"


def test_watch_reports_bad_bulletins_and_keeps_watching(corpus_dir: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    reports: list[IndexReport] = []
    with CorpusWatcher(corpus_dir, index_dir, on_update=reports.append, on_error=lambda error: None):
        assert eventually(lambda: indexed_ids(index_dir) == SEED_IDS)
        (corpus_dir / "rikki.txt").write_bytes(b"date 2025-03 Kaupunginvaltuusto \xff")
        assert eventually(lambda: any(str(p).startswith("rikki.txt:1: invalid UTF-8") for r in reports for p in r.problems))
        (corpus_dir / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu.", encoding="utf-8")
        assert eventually(lambda: "kirjasto" in indexed_ids(index_dir))

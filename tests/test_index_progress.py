"""Showing an indexing run: the size estimate behind the progress bar, and plain lines off a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from search.index.progress import BarProgress, LineProgress, estimate_bulletins, progress_for


def test_estimate_counts_text_files_and_json_lines_but_not_hidden_or_other_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("date 2024-01 Kirjasto avautuu.", encoding="utf-8")
    (tmp_path / "alakansio").mkdir()
    (tmp_path / "alakansio" / "b.txt").write_text("date 2024-02 Uimahalli suljetaan.", encoding="utf-8")
    (tmp_path / "uutiset.jsonl").write_text('{"id": "1"}\n{"id": "2"}\n{"id": "3"}', encoding="utf-8")
    (tmp_path / ".piilo.txt").write_text("date 2024-03 Piilossa.", encoding="utf-8")
    (tmp_path / "muistio.md").write_text("ei tiedote", encoding="utf-8")
    assert estimate_bulletins(tmp_path) == 5


def test_off_a_terminal_progress_is_plain_lines_and_silent_for_a_short_run(corpus_dir: Path) -> None:
    stream = io.StringIO()
    progress = progress_for(corpus_dir, stream)
    assert isinstance(progress, LineProgress)
    progress.advance(2)
    progress.finishing()
    assert stream.getvalue() == ""


def test_a_long_run_off_a_terminal_shows_counts(corpus_dir: Path) -> None:
    stream = io.StringIO()
    progress = LineProgress(stream)
    progress.shown -= 60  # as if the last line were a minute ago
    progress.advance(1200)
    progress.finishing()
    progress.shown -= 60
    progress.writing(0.25)
    progress.writing(0.5)  # too soon after the last line: not shown
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("read 1,200 bulletins (") and lines[1] == "read 1,200 bulletins; finishing the index"
    assert lines[2:] == ["writing the index: 25%"]


def test_on_a_terminal_progress_is_a_bar(corpus_dir: Path) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = progress_for(corpus_dir, stream)
    assert isinstance(progress, BarProgress)
    progress.advance(2)
    progress.finishing()
    assert "Indexing" in stream.getvalue() and "2/2" in stream.getvalue()
    for share in (0.0, 0.4, 1.0):
        progress.writing(share)
    written = stream.getvalue().split("Finishing the index…")[1]
    assert "Writing" in written and "40%" in written and "100%" in written and written.endswith("\n")

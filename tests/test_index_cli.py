"""The `bulletins index` and `bulletins stats` commands: output, exit status, environment."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from search.cli import main
from search.index.lock import index_lock


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_index_prints_a_summary_and_exits_0(corpus_dir: Path, tmp_path: Path) -> None:
    result = run("index", "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 deleted, 0 skipped" in result.stdout
    assert "bulletins/s" in result.stdout
    assert result.stderr == ""


def test_index_reports_skipped_bulletins_on_stderr_and_still_exits_0(corpus_dir: Path, tmp_path: Path) -> None:
    (corpus_dir / "tyhja.txt").write_text("date 2021-05\n", encoding="utf-8")
    result = run("index", "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0
    assert result.stderr == "tyhja.txt:1: empty body\n"
    assert "2 added, 0 updated, 0 deleted, 1 skipped" in result.stdout


def test_index_strict_exits_3_when_bulletins_were_skipped(corpus_dir: Path, tmp_path: Path) -> None:
    (corpus_dir / "tyhja.txt").write_text("date 2021-05\n", encoding="utf-8")
    result = run("index", "--strict", "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"))
    assert result.exit_code == 3


def test_index_reads_folders_from_the_environment(corpus_dir: Path, tmp_path: Path) -> None:
    env = {"BULLETINS_CORPUS": str(corpus_dir), "BULLETINS_INDEX": str(tmp_path / "env-index")}
    result = run("index", env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-index").is_dir()
    assert run("stats", "--json", env=env).exit_code == 0


def test_index_rebuild_says_so(corpus_dir: Path, tmp_path: Path) -> None:
    run("index", "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"))
    result = run("index", "--rebuild", "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"))
    assert "rebuilt: 2 added" in result.stdout


def test_index_of_a_locked_index_is_a_one_line_error(corpus_dir: Path, tmp_path: Path) -> None:
    with index_lock(tmp_path / "index"):
        result = run("index", "--corpus", str(corpus_dir), "--index", str(tmp_path / "index"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: another indexing run") and result.stderr.count("\n") == 1


def test_index_of_a_missing_corpus_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("index", "--corpus", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: corpus folder not found: {tmp_path / 'nowhere'}\n"


def test_index_in_a_place_that_cannot_hold_one_is_a_one_line_error(corpus_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "tiedosto").write_text("", encoding="utf-8")
    result = run("index", "--corpus", str(corpus_dir), "--index", str(tmp_path / "tiedosto" / "index"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot write the index in") and result.stderr.count("\n") == 1


def test_index_help_documents_exit_status_and_environment() -> None:
    text = run("index", "--help").stdout
    for words in ("Exit status", "$BULLETINS_CORPUS", "$BULLETINS_INDEX", "--rebuild", "--strict"):
        assert words in text


def test_stats_shows_bulletins_dates_size_vocabulary_and_update(seed_index: Path) -> None:
    result = run("stats", "--index", str(seed_index))
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["bulletins"].strip() == "2"
    assert lines["dates"].strip() == "2020-11 … 2024-11"
    assert lines["size"].strip().endswith("MB")
    assert "lemmas" in lines["vocabulary"] and "last update" in lines


def test_stats_json_is_one_object(seed_index: Path) -> None:
    stats = json.loads(run("stats", "--json", "--index", str(seed_index)).stdout)
    assert stats["bulletins"] == 2
    assert (stats["first_date"], stats["last_date"]) == ("2020-11", "2024-11")
    assert stats["size_bytes"] > 0 and stats["vocabulary"]["lemmas"] > 100
    assert set(stats) >= {"updated", "segments", "schema_version", "index_dir"}


def test_stats_without_an_index_says_to_run_bulletins_index(tmp_path: Path) -> None:
    result = run("stats", "--index", str(tmp_path / "index"))
    assert result.exit_code == 1
    assert result.stderr == f"Error: no index in {tmp_path / 'index'} yet: run `bulletins index` to build it\n"


def test_one_of_a_thing_is_said_in_the_singular(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "yksi.txt").write_text("date 2024-11\n\nKaupunginhallitus kokoontui.\n", encoding="utf-8")
    indexed = run("index", "--corpus", str(corpus), "--index", str(tmp_path / "index"))
    assert "; 1 bulletin in " in indexed.stdout
    stats = run("stats", "--index", str(tmp_path / "index")).stdout
    assert "1 segment)" in stats

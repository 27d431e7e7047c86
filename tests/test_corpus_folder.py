"""Reading a corpus folder: walking order, formats, ignored files, duplicates and re-reading one file."""

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import search.corpus
from search.corpus import Bulletin, CorpusReader, Problem, is_bulletin_file, read_file
from search.errors import BulletinError
from search.index.progress import estimate_bulletins

SEEDS = Path(__file__).parent.parent / "corpus"


def txt(folder: Path, name: str, body: str = "Kirjasto avautuu.", date: str = "2022-01") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"date {date} {body}", encoding="utf-8")
    return path


def jsonl(folder: Path, name: str, *ids: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    records = ({"id": i, "date": "2020-11-23", "title": f"Tiedote {i}", "body": "Päätös tehtiin."} for i in ids)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def read_all(folder: Path) -> tuple[list[Bulletin], CorpusReader]:
    reader = CorpusReader(folder)
    return list(reader), reader


def test_seed_corpus_reads_both_seeds_without_problems():
    bulletins, reader = read_all(SEEDS)
    assert [b.id for b in bulletins] == ["000_d69fc6f4f0811f96", "003_1869dba633d4af7d"]
    assert reader.problems == []
    assert reader.ignored == []
    assert reader.files == [SEEDS / "000_d69fc6f4f0811f96.txt", SEEDS / "003_1869dba633d4af7d.txt"]


def test_package_exports_the_model():
    assert search.corpus.Bulletin is search.corpus.bulletin.Bulletin
    assert search.corpus.PartialDate is search.corpus.bulletin.PartialDate
    assert search.corpus.Problem is search.corpus.bulletin.Problem


def test_text_and_jsonl_files_are_read_together(tmp_path):
    txt(tmp_path, "a.txt")
    jsonl(tmp_path, "b.jsonl", "b1", "b2")
    bulletins, _ = read_all(tmp_path)
    assert [b.id for b in bulletins] == ["a", "b1", "b2"]


def test_extension_case_does_not_matter(tmp_path):
    txt(tmp_path, "VANHA.TXT")
    jsonl(tmp_path, "Vienti.JSONL", "v1")
    assert [b.id for b in read_all(tmp_path)[0]] == ["VANHA", "v1"]


def test_sub_folders_are_read_depth_first_in_name_order(tmp_path):
    txt(tmp_path, "b.txt")
    txt(tmp_path, "a/z.txt")
    txt(tmp_path, "a/deep/er/y.txt")
    txt(tmp_path, "c/x.txt")
    txt(tmp_path, "a.txt")
    bulletins, reader = read_all(tmp_path)
    assert [b.source for b in bulletins] == ["a/deep/er/y.txt:1", "a/z.txt:1", "a.txt:1", "b.txt:1", "c/x.txt:1"]
    assert [p.relative_to(tmp_path).as_posix() for p in reader.files] == [b.source[:-2] for b in bulletins]


def test_sources_are_relative_to_the_corpus_folder(tmp_path):
    jsonl(tmp_path, "vuosi/2020.jsonl", "a", "b")
    assert [b.source for b in read_all(tmp_path)[0]] == ["vuosi/2020.jsonl:1", "vuosi/2020.jsonl:2"]


def test_other_extensions_are_ignored_and_listed(tmp_path):
    txt(tmp_path, "a.txt")
    for name in ("README.md", "data.csv", "kuva.png", "sub/notes.doc"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    bulletins, reader = read_all(tmp_path)
    assert [b.id for b in bulletins] == ["a"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in reader.ignored) == [
        "README.md",
        "data.csv",
        "kuva.png",
        "sub/notes.doc",
    ]
    assert reader.problems == []


@pytest.mark.parametrize("name", [".piilo.txt", ".#a.txt", "#a.txt#", "a.txt~", "a.swp", ".a.txt.swp", "a.swo"])
def test_hidden_and_editor_temporary_files_are_ignored(tmp_path, name):
    txt(tmp_path, name)
    bulletins, reader = read_all(tmp_path)
    assert bulletins == []
    assert reader.ignored == [tmp_path / name]
    assert reader.problems == []


def test_hidden_folder_is_not_entered(tmp_path):
    txt(tmp_path, ".git/a.txt")
    txt(tmp_path, ".git/objects/b.txt")
    bulletins, reader = read_all(tmp_path)
    assert bulletins == []
    assert reader.ignored == [tmp_path / ".git"]


def test_every_bad_file_becomes_a_problem_and_the_rest_is_read(tmp_path):
    txt(tmp_path, "1-good.txt")
    txt(tmp_path, "2-month.txt", date="2020-13")
    txt(tmp_path, "3-day.txt", date="2021-02-30")
    txt(tmp_path, "4-empty.txt", body="")
    (tmp_path / "5-nodate.txt").write_text("Kirjasto avautuu.", encoding="utf-8")
    (tmp_path / "6-latin1.txt").write_bytes("date 2020-11 Päätös.".encode("latin-1"))
    (tmp_path / "7-mixed.jsonl").write_text(
        '{"id": "x"\n[]\n' + json.dumps({"id": "j", "date": "2020-01", "title": "T", "body": "B"}) + "\n",
        encoding="utf-8",
    )
    txt(tmp_path, "8-good.txt")
    bulletins, reader = read_all(tmp_path)
    assert [b.id for b in bulletins] == ["1-good", "j", "8-good"]
    assert [p.source for p in reader.problems] == [
        "2-month.txt:1",
        "3-day.txt:1",
        "4-empty.txt:1",
        "5-nodate.txt:1",
        "6-latin1.txt:1",
        "7-mixed.jsonl:1",
        "7-mixed.jsonl:2",
    ]
    assert all(p.reason for p in reader.problems)


def test_duplicate_id_across_files_keeps_the_first_and_points_to_it(tmp_path):
    jsonl(tmp_path, "a.jsonl", "x1", "tiedote")
    jsonl(tmp_path, "b.jsonl", "tiedote", "x2")
    txt(tmp_path, "c/tiedote.txt")
    bulletins, reader = read_all(tmp_path)
    assert [b.source for b in bulletins] == ["a.jsonl:1", "a.jsonl:2", "b.jsonl:2"]
    assert reader.problems == [
        Problem("b.jsonl:1", "duplicate id 'tiedote': already read from a.jsonl:2"),
        Problem("c/tiedote.txt:1", "duplicate id 'tiedote': already read from a.jsonl:2"),
    ]


def test_same_text_file_name_in_two_sub_folders_is_a_duplicate(tmp_path):
    txt(tmp_path, "2020/kokous.txt")
    txt(tmp_path, "2021/kokous.txt")
    bulletins, reader = read_all(tmp_path)
    assert [b.source for b in bulletins] == ["2020/kokous.txt:1"]
    assert reader.problems == [
        Problem("2021/kokous.txt:1", "duplicate id 'kokous': already read from 2020/kokous.txt:1")
    ]


def test_bad_bulletin_does_not_claim_its_id(tmp_path):
    txt(tmp_path, "a/tiedote.txt", date="2020-13")
    txt(tmp_path, "b/tiedote.txt")
    bulletins, reader = read_all(tmp_path)
    assert [b.source for b in bulletins] == ["b/tiedote.txt:1"]
    assert len(reader.problems) == 1


def test_bulletins_are_yielded_before_the_walk_ends(tmp_path):
    txt(tmp_path, "a.txt")
    txt(tmp_path, "b.txt")
    reader = CorpusReader(tmp_path)
    bulletins = iter(reader)
    assert next(bulletins).id == "a"
    assert reader.files == [tmp_path / "a.txt"]


def test_iterating_again_reads_afresh(tmp_path):
    txt(tmp_path, "a.txt")
    txt(tmp_path, "b.txt", date="2020-13")
    (tmp_path / "c.md").write_text("x")
    reader = CorpusReader(tmp_path)
    list(reader)
    txt(tmp_path, "d.txt")
    assert [b.id for b in reader] == ["a", "d"]
    assert len(reader.problems) == 1
    assert reader.ignored == [tmp_path / "c.md"]


def test_empty_folder_reads_nothing(tmp_path):
    bulletins, reader = read_all(tmp_path)
    assert (bulletins, reader.problems, reader.ignored, reader.files) == ([], [], [], [])


def test_missing_corpus_folder_is_an_error(tmp_path):
    with pytest.raises(BulletinError, match="corpus folder not found"):
        list(CorpusReader(tmp_path / "ei-ole"))


def test_symbolic_link_loop_is_not_followed(tmp_path):
    txt(tmp_path, "a/x.txt")
    (tmp_path / "a" / "takaisin").symlink_to(tmp_path, target_is_directory=True)
    bulletins, reader = read_all(tmp_path)
    assert [b.id for b in bulletins] == ["x"]
    assert reader.ignored == [tmp_path / "a" / "takaisin"]


def test_symbolic_link_to_another_folder_is_followed(tmp_path):
    jsonl(tmp_path / "muualla", "uutiset.jsonl", "u1")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "uutiset").symlink_to(tmp_path / "muualla", target_is_directory=True)
    bulletins, _ = read_all(tmp_path / "corpus")
    assert [b.source for b in bulletins] == ["uutiset/uutiset.jsonl:1"]


def test_read_file_names_sources_relative_to_root(tmp_path):
    path = jsonl(tmp_path, "sub/a.jsonl", "a1")
    assert [b.source for b in read_file(path, tmp_path)] == ["sub/a.jsonl:1"]
    assert [b.source for b in read_file(path)] == [f"{path}:1"]


def test_read_file_reports_ids_already_taken_elsewhere(tmp_path):
    path = jsonl(tmp_path, "uusi.jsonl", "vanha", "uusi")
    seen = {"vanha": "arkisto.jsonl:7"}
    items = list(read_file(path, tmp_path, seen))
    assert items[0] == Problem("uusi.jsonl:1", "duplicate id 'vanha': already read from arkisto.jsonl:7")
    assert items[1].id == "uusi"
    assert seen == {"vanha": "arkisto.jsonl:7", "uusi": "uusi.jsonl:2"}


def test_read_file_of_an_unknown_extension_is_an_error(tmp_path):
    with pytest.raises(BulletinError, match="not a bulletin file"):
        read_file(tmp_path / "kuva.png")


def test_read_file_of_a_vanished_file_is_a_problem(tmp_path):
    assert list(read_file(tmp_path / "poistettu.jsonl", tmp_path)) == [
        Problem("poistettu.jsonl:1", "cannot read file: No such file or directory")
    ]


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("a.txt", True),
        ("sub/a.jsonl", True),
        ("A.TXT", True),
        ("a.md", False),
        (".a.txt", False),
        (".git/a.txt", False),
        ("sub/.#a.txt", False),
        ("a.txt~", False),
        ("#a.txt#", False),
    ],
)
def test_is_bulletin_file(relative, expected):
    assert is_bulletin_file(Path(relative)) is expected


def within(seconds: float, work: Callable[[], object]) -> object:
    """What `work` returns, run in a thread of its own: failing the test, not hanging it, if it never ends."""
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(work()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert done, f"still running after {seconds} s"
    return done[0]


def test_named_pipes_are_skipped_without_waiting_for_a_writer(tmp_path):
    txt(tmp_path, "a.txt")
    os.mkfifo(tmp_path / "putki.txt")
    os.mkfifo(tmp_path / "putki.jsonl")
    txt(tmp_path, "z.txt")
    bulletins, reader = within(10, lambda: read_all(tmp_path))
    assert [b.id for b in bulletins] == ["a", "z"]
    assert [str(p) for p in reader.problems] == ["putki.jsonl:1: not a regular file but a named pipe: skipped",
                                                 "putki.txt:1: not a regular file but a named pipe: skipped"]


@pytest.mark.parametrize("name", ["nolla.txt", "nolla.jsonl"])
def test_a_link_to_a_device_is_skipped_unread(tmp_path, name):
    (tmp_path / name).symlink_to("/dev/zero")
    txt(tmp_path, "z.txt")
    bulletins, reader = within(10, lambda: read_all(tmp_path))
    assert [b.id for b in bulletins] == ["z"]
    assert [str(p) for p in reader.problems] == [f"{name}:1: not a regular file but a character device (/dev/zero): "
                                                 "skipped"]


def test_a_link_to_a_regular_file_elsewhere_is_read(tmp_path):
    txt(tmp_path / "muualla", "kirjasto.txt")
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "linkki.txt").symlink_to(tmp_path / "muualla" / "kirjasto.txt")
    assert [b.id for b in read_all(tmp_path / "corpus")[0]] == ["linkki"]


def test_the_progress_estimate_counts_no_pipe_or_device(tmp_path):
    jsonl(tmp_path, "a.jsonl", "a1", "a2")
    os.mkfifo(tmp_path / "putki.jsonl")
    (tmp_path / "nolla.jsonl").symlink_to("/dev/zero")
    assert within(10, lambda: estimate_bulletins(tmp_path)) == 2


def test_a_name_with_a_newline_is_quoted_so_that_its_report_is_one_line(tmp_path):
    txt(tmp_path, "uusi\nrivi.txt", date="2020-13")
    jsonl(tmp_path, "kansio\n2/a.jsonl", "a", "a")
    (tmp_path / "väärä\udcff.txt").write_bytes(b"date 2020-01 Kirjasto.")
    bulletins, reader = read_all(tmp_path)
    reports = [str(p) for p in reader.problems]
    assert reports == ["'kansio\\n2/a.jsonl':2: duplicate id 'a': already read from 'kansio\\n2/a.jsonl':1",
                       "'uusi\\nrivi.txt':1: impossible date '2020-13': month must be in 1..12",
                       "'väärä\\udcff.txt':1: id 'väärä\\udcff' is not UTF-8 text (a file name in another encoding?)"]
    assert [b.source for b in bulletins] == ["'kansio\\n2/a.jsonl':1"]
    assert all("\n" not in report for report in reports)


def test_an_error_no_reader_foresaw_ends_its_file_as_a_problem(tmp_path, monkeypatch):
    def failing(path: Path, name: str, limit: int):
        yield from search.corpus.jsonl.read(path, name, limit)
        raise RuntimeError("lukija hajosi")

    monkeypatch.setitem(search.corpus.READERS, ".jsonl", failing)
    jsonl(tmp_path, "a.jsonl", "a1", "a2")
    txt(tmp_path, "b.txt")
    bulletins, reader = read_all(tmp_path)
    assert [b.id for b in bulletins] == ["a1", "a2", "b"]
    assert [str(p) for p in reader.problems] == [
        "a.jsonl:3: cannot be read (RuntimeError: lukija hajosi): the rest of the file is skipped"]

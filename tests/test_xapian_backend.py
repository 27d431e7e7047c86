"""What only the sharded Xapian index has: each bulletin in the shard its id hashes to, updates that
find it there, rebuilds into a new generation of shards, runs that fail or are killed leaving the
previous index searchable, shards served by xapian-tcpsrv (`bulletins shard serve`) and a web app
that answers 503 naming a shard that is down, and recovers when it is back. Real Finnish text and
real servers on 127.0.0.1; nothing is mocked. (The search itself is tested on every backend by
the search and web test modules.)"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import xapian
from click.testing import CliRunner

from search import backends
from search.cli import main
from search.errors import BulletinsError, IndexMissingError, ShardUnavailableError
from search.index.watch import CorpusWatcher
from search.searcher import MAX_PAGE_SIZE, SearchRequest
from search.web import create_app
from search.xapian import LAYOUT_FILE
from search.xapian.engine import XapianSearch
from search.xapian.layout import PREFIXES, Layout, local_shards, shard_of
from search.xapian.servers import ShardServers, free_port, start, stop
from search.xapian.writer import CHUNK

from conftest import build_xapian, file_size_limit, generate_bulletins, wait_for

SEED_2020, SEED_2024 = "000_d69fc6f4f0811f96", "003_1869dba633d4af7d"
BULLETINS = [
    {"id": f"uimahalli-{number}", "date": f"2021-0{number}-01", "organ": "Liikuntalautakunta",
     "title": f"Uimahallin aukioloajat muuttuvat {number}",
     "body": f"Liikuntalautakunta päätti, että uimahalli on auki myös sunnuntaisin. Muutos koskee hallia numero {number}."}
    for number in range(1, 9)
]
ALL_IDS = {SEED_2020, SEED_2024} | {bulletin["id"] for bulletin in BULLETINS}


def write_jsonl(path: Path, bulletins: list[dict]) -> None:
    path.write_text("".join(json.dumps(bulletin, ensure_ascii=False) + "\n" for bulletin in bulletins), encoding="utf-8")


def ids_by_shard(index_dir: Path) -> list[Counter]:
    """How many documents of each bulletin id every shard of the index holds, shard by shard."""
    found = []
    for folder in local_shards(index_dir):
        database = xapian.Database(folder)
        found.append(Counter({item.term.decode("utf-8")[1:]: item.termfreq for item in database.allterms(PREFIXES["id"])}))
    return found


def assert_each_in_its_own_shard(index_dir: Path, expected: set[str]) -> None:
    """Every bulletin of `expected`, and no other, once in the whole index: in the shard its id hashes to."""
    shards = ids_by_shard(index_dir)
    assert sum(shards, Counter()) == Counter(expected)  # no duplicates across shards
    for number, held in enumerate(shards):
        assert {bulletin_id for bulletin_id in held if shard_of(bulletin_id, len(shards)) == number} == set(held)


def ids(search, query: str, **options) -> list[str]:
    return [hit.id for hit in search.search(SearchRequest(query, page_size=MAX_PAGE_SIZE, **options)).hits]


@pytest.fixture
def corpus(corpus_dir: Path) -> Path:
    """The seeds and eight bulletins on the swimming hall, to spread over the shards."""
    write_jsonl(corpus_dir / "uimahallit.jsonl", BULLETINS)
    return corpus_dir


# --- which shard a bulletin goes to, and updates that find it there -------------------------------------


def test_each_bulletin_goes_to_the_shard_its_id_hashes_to(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index", shards=3)
    assert_each_in_its_own_shard(index, ALL_IDS)
    assert all(held for held in ids_by_shard(index))  # ten bulletins: every shard holds some
    assert Layout.read(index) == Layout(shards=3, generation=1)


def test_an_update_replaces_changed_and_deletes_removed_bulletins_in_their_shards(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    search = XapianSearch(index)  # opened before the update: it sees the update at once
    assert set(ids(search, "sunnuntaisin")) == {bulletin["id"] for bulletin in BULLETINS}

    changed = [{**bulletin, "body": "Uimahalliin rakennetaan vesiliukumäki kesän aikana."} if bulletin["id"] == "uimahalli-3"
               else bulletin for bulletin in BULLETINS if bulletin["id"] != "uimahalli-5"]
    write_jsonl(corpus / "uimahallit.jsonl", changed)
    report = backends.update_index(corpus, index)  # the index says it is a Xapian one
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 1, 1, 8)
    assert not report.rebuilt and Layout.read(index) == Layout(shards=2, generation=1)

    assert_each_in_its_own_shard(index, ALL_IDS - {"uimahalli-5"})
    assert "uimahalli-3" not in ids(search, "sunnuntaisin") and "uimahalli-5" not in ids(search, "sunnuntaisin")
    assert ids(search, "vesiliukumäki") == ["uimahalli-3"]
    assert search.bulletin("uimahalli-3").body.startswith("Uimahalliin rakennetaan") and search.bulletin("uimahalli-5") is None
    assert search.search(SearchRequest("date:2000..2030")).facets["organ"] == {"Liikuntalautakunta": 7}


def test_an_unchanged_corpus_changes_no_shard(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    revisions = [xapian.Database(folder).get_revision() for folder in local_shards(index)]
    report = backends.update_index(corpus, index)
    assert (report.added, report.updated, report.deleted, report.unchanged) == (0, 0, 0, 10)
    assert [xapian.Database(folder).get_revision() for folder in local_shards(index)] == revisions


def test_another_shard_count_rebuilds_into_a_new_generation_and_removes_the_old(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    search = XapianSearch(index)
    old = local_shards(index)
    assert ids(search, "kokeiluja") == [SEED_2020]

    report = backends.update_index(corpus, index, backend="xapian", shards=3)
    assert report.rebuilt and report.added == len(ALL_IDS)
    assert Layout.read(index) == Layout(shards=3, generation=2)
    assert sorted(path.name for path in index.iterdir() if path.is_dir()) == ["g2"]  # g1 is gone
    assert not any(Path(folder).exists() for folder in old)
    assert_each_in_its_own_shard(index, ALL_IDS)
    assert ids(search, "kokeiluja") == [SEED_2020]  # the open search follows the index to its new shards

    assert backends.update_index(corpus, index, rebuild=True).rebuilt
    assert Layout.read(index) == Layout(shards=3, generation=3)  # a rebuild keeps the shard count
    assert sorted(path.name for path in index.iterdir() if path.is_dir()) == ["g3"]


def test_a_missing_index_says_to_run_bulletins_index(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="bulletins index"):
        XapianSearch(tmp_path / "nothing")
    assert backends.bulletin_count(tmp_path / "nothing", backend="xapian") == 0


def test_shards_need_the_xapian_backend(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(BulletinsError, match="--shards needs the Xapian backend"):
        backends.update_index(corpus, tmp_path / "index", backend="whoosh", shards=2)


# --- updates told which files changed, as the watcher makes them -----------------------------------------


def test_an_update_of_changed_files_reads_only_them_and_finds_their_bulletins_in_their_shards(corpus: Path,
                                                                                             tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    write_jsonl(corpus / "uimahallit.jsonl", [{**BULLETINS[0], "body": "Uimahalliin rakennetaan vesiliukumäki."}])
    write_jsonl(corpus / "tori.jsonl", [{"id": "tori", "date": "2021-04", "title": "Tori",
                                         "body": "Torin laidalle tulee kahvila."}])
    (corpus / f"{SEED_2024}.txt").write_text("date 2024-11\n\nMuuttunut, mutta ei sanottu.\n", encoding="utf-8")
    report = backends.update_index(corpus, index, files=["uimahallit.jsonl", "tori.jsonl"])
    assert (report.added, report.updated, report.deleted, report.unchanged) == (1, 1, 7, 2)
    assert_each_in_its_own_shard(index, {SEED_2020, SEED_2024, "uimahalli-1", "tori"})  # the seed's file was not read
    assert ids(XapianSearch(index), "vesiliukumäki") == ["uimahalli-1"]


def test_a_bulletin_moved_to_another_file_makes_the_update_read_the_whole_corpus(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    write_jsonl(corpus / "uimahallit.jsonl", BULLETINS[:4])
    write_jsonl(corpus / "siirretyt.jsonl", BULLETINS[4:])
    report = backends.update_index(corpus, index, files=["siirretyt.jsonl"])  # uimahallit.jsonl changed too
    assert report.bulletins == len(ALL_IDS)
    assert_each_in_its_own_shard(index, ALL_IDS)
    assert backends.update_index(corpus, index, files=["uimahallit.jsonl"]).deleted == 0
    assert_each_in_its_own_shard(index, ALL_IDS)


def test_the_watcher_keeps_a_xapian_index_current(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    search, errors = XapianSearch(index), []
    with CorpusWatcher(corpus, index, on_update=lambda report: None, on_error=errors.append):
        (corpus / "kirjasto.txt").write_text("date 2025-05 Kirjasto avautuu lauantaisin.", encoding="utf-8")
        assert wait_for(lambda: ids(search, "lauantaisin") == ["kirjasto"], 30)
        (corpus / "uimahallit.jsonl").unlink()
        assert wait_for(lambda: ids(search, "sunnuntaisin") == [], 30)
    assert errors == []
    assert_each_in_its_own_shard(index, {SEED_2020, SEED_2024, "kirjasto"})
    assert Layout.read(index) == Layout(shards=2, generation=1)


# --- a malformed bulletin, a failed run, a killed run ---------------------------------------------------


def test_a_malformed_bulletin_is_reported_and_skipped(corpus: Path, tmp_path: Path) -> None:
    (corpus / "mahdoton.txt").write_text("date 2021-02-30 Uimahalli suljetaan remontin ajaksi.", encoding="utf-8")
    with (corpus / "uimahallit.jsonl").open("a", encoding="utf-8") as file:
        file.write('{"id": "katkennut", "date":\n')
    report = backends.update_index(corpus, tmp_path / "index", backend="xapian", shards=2)
    assert [problem.source for problem in report.problems] == ["mahdoton.txt:1", "uimahallit.jsonl:9"]
    assert report.added == len(ALL_IDS) and report.skipped == 2
    assert_each_in_its_own_shard(tmp_path / "index", ALL_IDS)

    result = CliRunner().invoke(main, ["index", "--strict", "--corpus", str(corpus), "--index", str(tmp_path / "cli"),
                                       "--backend", "xapian", "--shards", "2"])
    assert result.exit_code == 3
    assert result.stderr.splitlines()[0].startswith("mahdoton.txt:1: ")
    assert result.stderr.splitlines()[1].startswith("uimahallit.jsonl:9: ")
    assert "10 added, 0 updated, 0 deleted, 2 skipped" in result.stdout


class Interrupted(Exception):
    """What the progress callback raises to stop a run half-way."""


class FailAfter:
    """Progress that stops the run with an error once `count` bulletins have been read."""

    def __init__(self, count: int) -> None:
        self.count, self.read = count, 0

    def advance(self, bulletins: int) -> None:
        self.read += bulletins
        if self.read >= self.count:
            raise Interrupted(f"stopped after {self.read} bulletins")

    def finishing(self) -> None:
        raise Interrupted("stopped before the index was written")


def test_an_update_that_fails_half_way_leaves_every_shard_as_it_was(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    before = ids_by_shard(index)
    write_jsonl(corpus / "uudet.jsonl", [{**bulletin, "id": f"uusi-{bulletin['id']}"} for bulletin in BULLETINS])
    (corpus / f"{SEED_2020}.txt").unlink()
    with pytest.raises(Interrupted):
        backends.update_index(corpus, index, progress=FailAfter(12))
    assert ids_by_shard(index) == before
    assert ids(XapianSearch(index), "kokeiluja") == [SEED_2020]

    report = backends.update_index(corpus, index)  # the next run completes
    assert (report.added, report.deleted) == (len(BULLETINS), 1)
    assert_each_in_its_own_shard(index, ALL_IDS - {SEED_2020} | {f"uusi-{bulletin['id']}" for bulletin in BULLETINS})


def test_a_rebuild_that_fails_leaves_the_old_generation_and_the_next_run_removes_its_leftovers(corpus: Path,
                                                                                              tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    with pytest.raises(Interrupted):
        backends.update_index(corpus, index, shards=3, progress=FailAfter(5))
    assert Layout.read(index) == Layout(shards=2, generation=1)
    assert ids(XapianSearch(index), "kokeiluja") == [SEED_2020]
    assert_each_in_its_own_shard(index, ALL_IDS)

    report = backends.update_index(corpus, index, shards=3)
    assert report.rebuilt and Layout.read(index) == Layout(shards=3, generation=2)
    assert sorted(path.name for path in index.iterdir() if path.is_dir()) == ["g2"]
    assert_each_in_its_own_shard(index, ALL_IDS)


class KillAWorker:
    """Progress that SIGKILLs one of the run's worker processes once `count` bulletins have been read:
    after the first CHUNK, whose analyses have all come back, so the workers are waiting for more."""

    def __init__(self, count: int) -> None:
        self.count, self.read, self.killed = count, 0, None
        self.before = set(multiprocessing.active_children())

    def advance(self, bulletins: int) -> None:
        self.read += bulletins
        if self.read >= self.count and self.killed is None:
            workers = set(multiprocessing.active_children()) - self.before
            self.killed = workers.pop()
            os.kill(self.killed.pid, signal.SIGKILL)

    def finishing(self) -> None:
        pass


def test_a_worker_that_dies_fails_the_run_with_one_line_and_leaves_the_old_index(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    generate_bulletins(corpus / "generoidut.jsonl", CHUNK + 100)
    killer = KillAWorker(CHUNK + 50)
    with pytest.raises(BulletinsError, match="^an indexing worker process ended unexpectedly; the index is as it was$"):
        backends.update_index(corpus, index, rebuild=True, progress=killer, procs=2)
    assert killer.killed is not None and not killer.killed.is_alive()
    assert Layout.read(index) == Layout(shards=2, generation=1) and ids(XapianSearch(index), "kokeiluja") == [SEED_2020]

    report = backends.update_index(corpus, index, rebuild=True)  # the next run completes
    assert report.added == len(ALL_IDS) + CHUNK + 100
    assert sorted(path.name for path in index.iterdir() if path.is_dir()) == ["g2"]


GENERATED = 1500  # enough for worker processes and a second or more of work


def test_a_rebuild_killed_mid_way_leaves_the_old_index_searchable_and_the_next_run_completes(corpus: Path,
                                                                                           tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    generate_bulletins(corpus / "generoidut.jsonl", GENERATED)
    process = subprocess.Popen([sys.executable, "-c", "from search.cli import main; main()", "index", "--corpus",
                                str(corpus), "--index", str(index), "--backend", "xapian", "--shards", "3"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # the run has made the new generation's shards and is analysing the bulletins
        assert wait_for(lambda: (index / "g2" / "shard-02").is_dir() or process.poll() is not None, 60)
        time.sleep(0.3)
        assert process.poll() is None, "the indexing run ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` does
        process.wait()
    finally:
        try:  # its worker processes die with it; this makes sure of it
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()

    assert Layout.read(index) == Layout(shards=2, generation=1)
    search = XapianSearch(index)
    assert ids(search, "kokeiluja") == [SEED_2020] and search.overview().bulletins == len(ALL_IDS)

    report = backends.update_index(corpus, index, shards=3)  # not blocked by the killed run's lock
    assert report.rebuilt and report.added == len(ALL_IDS) + GENERATED
    assert Layout.read(index) == Layout(shards=3, generation=2)
    assert sorted(path.name for path in index.iterdir() if path.is_dir()) == ["g2"]
    assert search.overview().bulletins == len(ALL_IDS) + GENERATED
    assert SEED_2020 in ids(search, "kokeiluja")


# --- the command line -------------------------------------------------------------------------------------


def test_cli_indexes_in_shards_then_searches_and_shows_stats(corpus: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    result = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(index), "--backend", "xapian",
                                       "--shards", "2"])
    assert result.exit_code == 0, result.output
    assert "rebuilt: 10 added, 0 updated, 0 deleted, 0 skipped" in result.stdout
    assert json.loads((index / LAYOUT_FILE).read_text(encoding="utf-8"))["shards"] == 2

    found = CliRunner().invoke(main, ["search", "--index", str(index), "--json", "uimahalli", "sunnuntaisin"])
    assert found.exit_code == 0, found.output
    assert {hit["id"] for hit in json.loads(found.stdout)["hits"]} == {bulletin["id"] for bulletin in BULLETINS}
    text = CliRunner().invoke(main, ["search", "--index", str(index), "kokeiluja"]).stdout
    assert f"2020-11  {SEED_2020}" in text and text.rstrip().splitlines()[-1].startswith("1 hit")

    stats = json.loads(CliRunner().invoke(main, ["stats", "--index", str(index), "--json"]).stdout)
    assert (stats["bulletins"], stats["segments"], stats["first_date"], stats["last_date"]) == (10, 2, "2020-11", "2024-11")
    assert stats["vocabulary"]["lemmas"] > 100 if "lemmas" in stats["vocabulary"] else all(stats["vocabulary"].values())
    lines = CliRunner().invoke(main, ["stats", "--index", str(index)]).stdout
    assert "2 shards" in lines and "10" in lines

    again = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(index)])
    assert "0 added, 0 updated, 0 deleted, 0 skipped" in again.stdout  # found to be Xapian, updated in place


def test_shard_serve_serves_a_shard_that_search_reaches_by_host_and_port(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    bulletins = Path(sys.executable).parent / "bulletins"
    command = [str(bulletins)] if bulletins.exists() else [sys.executable, "-c", "from search.cli import main; main()"]
    servers = []
    try:
        for number in range(2):
            port = free_port()
            servers.append((start([*command, "shard", "serve", str(number), "--index", str(index), "--port", str(port)],
                                  port), f"127.0.0.1:{port}"))
        shards = ",".join(address for _, address in servers)
        found = CliRunner().invoke(main, ["search", "--shards", shards, "--json", "uimahalli", "sunnuntaisin"])
        assert found.exit_code == 0, found.output
        assert {hit["id"] for hit in json.loads(found.stdout)["hits"]} == {bulletin["id"] for bulletin in BULLETINS}
        stats = json.loads(CliRunner().invoke(main, ["stats", "--shards", shards, "--json"]).stdout)
        assert (stats["bulletins"], stats["segments"]) == (10, 2)
        shown = CliRunner().invoke(main, ["show", "--shards", shards, "--json", SEED_2024])
        assert json.loads(shown.stdout)["date"] == "2024-11"
    finally:
        for process, _ in servers:
            stop(process)


def test_shard_serve_refuses_a_shard_the_index_does_not_have(corpus: Path, tmp_path: Path) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    result = CliRunner().invoke(main, ["shard", "serve", "2", "--index", str(index), "--port", "7999"])
    assert result.exit_code == 2 and "has 2 shards: 0 to 1" in result.output


# --- remote shards: a shard that is down, and back ---------------------------------------------------------


def test_remote_shards_find_what_the_local_index_finds_and_see_its_updates(corpus: Path, tmp_path: Path,
                                                                           tcpsrv: ShardServers) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    remote = XapianSearch(None, shards=tcpsrv.serve_all(local_shards(index)))
    local = XapianSearch(index)
    for query in ("kokeiluja", "uimahalli", '"kuusi innovaatiohaastetta"', "hautomo syksyllä"):
        request = SearchRequest(query, page_size=MAX_PAGE_SIZE)
        assert remote.search(request).to_dict() | {"seconds": 0} == local.search(request).to_dict() | {"seconds": 0}
    write_jsonl(corpus / "lisaa.jsonl", [{"id": "uusi", "date": "2025-01-01", "title": "Uusi uimahalli",
                                          "body": "Uusi uimahalli avataan sunnuntaisin."}])
    backends.update_index(corpus, index)
    assert "uusi" in ids(remote, "sunnuntaisin")  # the servers serve the shards as they are committed


def test_a_search_over_a_stopped_shard_is_an_error_naming_it(corpus: Path, tmp_path: Path, tcpsrv: ShardServers) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    shards = tcpsrv.serve_all(local_shards(index))
    search = XapianSearch(None, shards=shards)
    assert ids(search, "kokeiluja") == [SEED_2020]
    tcpsrv.stop(shards[1])
    with pytest.raises(ShardUnavailableError) as error:
        search.search(SearchRequest("kokeiluja"))
    assert error.value.shard == shards[1] and shards[1] in str(error.value)
    with pytest.raises(ShardUnavailableError, match=shards[1]):
        XapianSearch(None, shards=shards)
    tcpsrv.restart(shards[1])
    assert ids(search, "kokeiluja") == [SEED_2020]


def test_the_web_app_answers_503_naming_a_stopped_shard_and_recovers_when_it_is_back(corpus: Path, tmp_path: Path,
                                                                                     tcpsrv: ShardServers) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    shards = tcpsrv.serve_all(local_shards(index))
    client = create_app({"SHARDS": shards, "TESTING": True}).test_client()
    before = client.get("/api/search?q=kokeiluja")
    assert before.status_code == 200 and [hit["id"] for hit in before.get_json()["hits"]] == [SEED_2020]

    tcpsrv.stop(shards[0])
    for url in ("/api/search?q=kokeiluja", "/api/suggest?q=kaupunginh", f"/api/bulletins/{SEED_2020}",
                "/search.atom?q=kokeiluja"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert response.get_json()["status"] == 503 and shards[0] in response.get_json()["message"], url
        assert response.headers["Retry-After"] == "5"
    page = client.get("/?q=kokeiluja")
    assert page.status_code == 503 and shards[0] in page.get_data(as_text=True)
    health = client.get("/api/health")
    assert health.status_code == 503 and health.get_json()["shard"] == shards[0]
    # a new app, whose search cannot open while the shard is down
    fresh = create_app({"SHARDS": shards, "TESTING": True}).test_client()
    assert fresh.get("/api/search?q=kokeiluja").status_code == 503

    tcpsrv.restart(shards[0])
    for app_client in (client, fresh):
        after = app_client.get("/api/search?q=kokeiluja")
        assert after.status_code == 200 and after.get_json()["total"] == before.get_json()["total"]
        assert [hit["id"] for hit in after.get_json()["hits"]] == [SEED_2020]
    assert client.get("/api/health").get_json() == {"status": "ok"}


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_full_disk_fails_the_run_with_one_line_and_leaves_the_old_index(corpus: Path, tmp_path: Path,
                                                                         rebuild: bool) -> None:
    index = build_xapian(corpus, tmp_path / "index")
    before = ids_by_shard(index)
    generate_bulletins(corpus / "generoidut.jsonl", 400)
    process = subprocess.Popen([sys.executable, "-c", "from search.cli import main; main()", "index", "--corpus",
                                str(corpus), "--index", str(index), *(["--rebuild"] if rebuild else [])],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=file_size_limit(64 * 1024))
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stderr == f"Error: cannot write the index in {index}: File too large\n"
    assert Layout.read(index) == Layout(shards=2, generation=1) and ids_by_shard(index) == before
    assert ids(XapianSearch(index), "kokeiluja") == [SEED_2020]

    report = backends.update_index(corpus, index, rebuild=rebuild)
    assert report.added == (len(ALL_IDS) if rebuild else 0) + 400
    assert sorted(path.name for path in index.iterdir() if path.is_dir()) == ["g2" if rebuild else "g1"]

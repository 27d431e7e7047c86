"""An index that holds no bulletins — a first run on an empty or unrecognised corpus, or every bulletin
removed — is updated, searched and served like any other: 0 hits, and a word on how to add bulletins.
On every backend: Whoosh, Xapian in two local shards, the same shards served by xapian-tcpsrv."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search import backends
from search.cli import main
from search.index.writer import update_index
from search.searcher import SearchRequest
from search.web import create_app
from search.xapian.layout import local_shards
from search.xapian.servers import ShardServers

from conftest import SHARDS, Target, build_xapian, copy_seeds


def first_update(corpus: Path, index: Path, backend: str) -> None:
    """The first run over `corpus`: a Whoosh index, or a Xapian index in two shards."""
    if backend == "whoosh":
        update_index(corpus, index)
    else:
        build_xapian(corpus, index)


@pytest.fixture
def empty_index(tmp_path: Path, backend: str) -> Path:
    """An index built from a corpus folder with no bulletin in it (only a file of another kind)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "README.md").write_text("Tiedotteet tulevat tähän kansioon.\n", encoding="utf-8")
    first_update(corpus, tmp_path / "index", backend)
    return tmp_path / "index"


@pytest.fixture
def emptied_index(corpus_dir: Path, tmp_path: Path, backend: str) -> Path:
    """An index whose every bulletin was removed from the corpus after it was indexed."""
    first_update(corpus_dir, tmp_path / "index", backend)
    for path in corpus_dir.iterdir():
        path.unlink()
    assert backends.update_index(corpus_dir, tmp_path / "index").deleted == 2  # of whichever backend it is
    return tmp_path / "index"


@pytest.fixture(params=["empty_index", "emptied_index"])
def index_dir(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


def served(index: Path, backend: str, tcpsrv: ShardServers) -> Target:
    """What searches `index`: the index itself, or for xapian-remote its shards served over TCP."""
    if backend == "xapian-remote":
        return Target(backend, shards=tcpsrv.serve_all(local_shards(index)))
    return Target(backend, index)


@pytest.fixture
def target(index_dir: Path, backend: str, tcpsrv: ShardServers) -> Target:
    return served(index_dir, backend, tcpsrv)


@pytest.fixture
def empty_target(empty_index: Path, backend: str, tcpsrv: ShardServers) -> Target:
    return served(empty_index, backend, tcpsrv)


@pytest.mark.parametrize("query", ["kokeilu", '"kuusi innovaatiohaastetta" -korona', "kok* OR title:hanke date:2020",
                                   "kaupunginhalitus"])
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_search_finds_nothing_without_an_error(target: Target, query: str, sort: str) -> None:
    result = target.open().search(SearchRequest(query, sort=sort, explain=True))
    assert (result.total, result.related_total, result.hits) == (0, 0, ())
    assert result.facets == {"year": {}, "organ": {}, "kind": {}}


def test_an_empty_index_is_updated_again_and_then_finds_new_bulletins(empty_index: Path, empty_target: Target) -> None:
    search = empty_target.open()  # opened before the updates: it sees them as they are committed
    corpus = empty_index.parent / "corpus"
    assert backends.update_index(corpus, empty_index).bulletins == 0  # a second run over the empty index
    copy_seeds(corpus)
    assert backends.update_index(corpus, empty_index).added == 2
    assert search.search(SearchRequest("kokeiluja")).total == 1
    assert empty_target.open().search(SearchRequest("kokeiluja")).total == 1


def test_stats_of_an_empty_index(empty_target: Target, backend: str) -> None:
    result = CliRunner().invoke(main, ["stats", "--json", *empty_target.cli_options()])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    # a Xapian index counts its shards as its segments
    assert (stats["bulletins"], stats["first_date"], stats["segments"]) == (0, None, 0 if backend == "whoosh" else SHARDS)


def test_cli_search_says_how_to_add_bulletins(target: Target) -> None:
    result = CliRunner().invoke(main, ["search", *target.cli_options(), "kokeilu"])
    assert result.exit_code == 1, result.output  # nothing found
    assert "0 hits" in result.stdout
    where = f"The index in {target.index_dir} holds" if target.index_dir is not None else \
        f"The shards {', '.join(target.shards)} hold"
    assert result.stderr == f"{where} no bulletins: add bulletins to the corpus folder and run `bulletins index`.\n"
    as_json = CliRunner().invoke(main, ["search", "--json", *target.cli_options(), "kokeilu"])
    assert json.loads(as_json.stdout)["total"] == 0


def test_cli_search_says_nothing_more_when_the_index_holds_bulletins(seed_index: Path) -> None:
    result = CliRunner().invoke(main, ["search", "--index", str(seed_index), "olematon"])
    assert result.exit_code == 1 and result.stderr == ""


def test_api_page_and_feed_answer_without_an_error(target: Target) -> None:
    client = create_app({**target.settings(), "TESTING": True}).test_client()
    api = client.get("/api/search?q=kokeilu")
    assert api.status_code == 200 and api.get_json()["total"] == 0
    assert client.get("/api/health").get_json()["status"] == "ok"
    assert client.get("/search.atom?q=kokeilu").status_code == 200
    for url in ("/?q=kokeilu&lang=en", "/?lang=en"):
        page = client.get(url)
        assert page.status_code == 200
        assert "The index holds no bulletins yet. Add bulletins (.txt, .jsonl or Ahjo .json files)" in page.get_data(as_text=True)


def test_the_page_says_nothing_of_adding_bulletins_when_the_index_holds_some(seed_index: Path) -> None:
    client = create_app({"INDEX_DIR": seed_index, "TESTING": True}).test_client()
    for url in ("/?q=olematon&lang=en", "/?lang=en"):
        assert "The index holds no bulletins" not in client.get(url).get_data(as_text=True)

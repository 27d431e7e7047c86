"""An index that holds no bulletins — a first run on an empty or unrecognised corpus, or every bulletin
removed — is updated, searched and served like any other: 0 hits, and a word on how to add bulletins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import main
from search.index.stats import index_stats
from search.index.writer import update_index
from search.searcher import BulletinSearch, SearchRequest
from search.web import create_app

from conftest import copy_seeds


@pytest.fixture
def empty_index(tmp_path: Path) -> Path:
    """An index built from a corpus folder with no bulletin in it (only a file of another kind)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "README.md").write_text("Tiedotteet tulevat tähän kansioon.\n", encoding="utf-8")
    update_index(corpus, tmp_path / "index")
    return tmp_path / "index"


@pytest.fixture
def emptied_index(corpus_dir: Path, tmp_path: Path) -> Path:
    """An index whose every bulletin was removed from the corpus after it was indexed."""
    update_index(corpus_dir, tmp_path / "index")
    for path in corpus_dir.iterdir():
        path.unlink()
    assert update_index(corpus_dir, tmp_path / "index").deleted == 2
    return tmp_path / "index"


@pytest.fixture(params=["empty_index", "emptied_index"])
def index_dir(request: pytest.FixtureRequest) -> Path:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("query", ["kokeilu", '"kuusi innovaatiohaastetta" -korona', "kok* OR title:hanke date:2020",
                                   "kaupunginhalitus"])
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_search_finds_nothing_without_an_error(index_dir: Path, query: str, sort: str) -> None:
    result = BulletinSearch(index_dir).search(SearchRequest(query, sort=sort, explain=True))
    assert (result.total, result.related_total, result.hits) == (0, 0, ())
    assert result.facets == {"year": {}, "organ": {}, "kind": {}}


def test_an_empty_index_is_updated_again_and_then_finds_new_bulletins(empty_index: Path) -> None:
    corpus = empty_index.parent / "corpus"
    assert update_index(corpus, empty_index).bulletins == 0  # a second run over the empty index
    copy_seeds(corpus)
    assert update_index(corpus, empty_index).added == 2
    assert BulletinSearch(empty_index).search(SearchRequest("kokeiluja")).total == 1


def test_stats_of_an_empty_index(empty_index: Path) -> None:
    stats = index_stats(empty_index)
    assert (stats.bulletins, stats.first_date, stats.segments) == (0, None, 0)


def test_cli_search_says_how_to_add_bulletins(index_dir: Path) -> None:
    result = CliRunner().invoke(main, ["search", "--index", str(index_dir), "kokeilu"])
    assert result.exit_code == 1, result.output  # nothing found
    assert "0 hits" in result.stdout
    assert result.stderr == (f"The index in {index_dir} holds no bulletins: add bulletins to the corpus folder and "
                             "run `bulletins index`.\n")
    as_json = CliRunner().invoke(main, ["search", "--json", "--index", str(index_dir), "kokeilu"])
    assert json.loads(as_json.stdout)["total"] == 0


def test_cli_search_says_nothing_more_when_the_index_holds_bulletins(seed_index: Path) -> None:
    result = CliRunner().invoke(main, ["search", "--index", str(seed_index), "olematon"])
    assert result.exit_code == 1 and result.stderr == ""


def test_api_page_and_feed_answer_without_an_error(index_dir: Path) -> None:
    client = create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()
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

"""Property tests run without Hypothesis's deadline: a test asserts what the code does, never how
fast (benchmarks/ measure that), and a shared machine can slow any one example.

Shared fixtures: the session's own analysis cache folder, a writable copy of the seed corpus, an
index built from the seeds, and the search API and web client over a module's own corpus on each
backend; and waiting for a condition.

A module that uses `search` or `client` defines `indexed_corpus`, the corpus folder they search. Its
tests then run three times, once per backend: over the Whoosh index (`index_dir`), over a Xapian
index of two local shards (`xapian_dir`), and over the same two shards served by two xapian-tcpsrv
processes on 127.0.0.1 (`shard_servers`), with the same assertions. A module may override `index_dir`
(and the others) where it builds its index otherwise."""

from __future__ import annotations

import json
import random
import re
import resource
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from search import backends
from search.backends import Search
from search.config import CACHE_ENV
from search.index.writer import update_index
from search.searcher import BulletinSearch
from search.web import create_app
from search.xapian.engine import XapianSearch
from search.xapian.layout import local_shards
from search.xapian.servers import ShardServers

SEEDS = Path(__file__).resolve().parent.parent / "corpus"

settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")


def copy_seeds(folder: Path) -> Path:
    """Copy the seed bulletins into `folder` (writable, unlike the originals) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(seed, folder / seed.name)
    return folder


def generate_bulletins(path: Path, count: int) -> None:
    """Write `count` JSON Lines bulletins made of sentences of the seed bulletins."""
    text = " ".join(seed.read_text(encoding="utf-8").split(" ", 2)[2] for seed in sorted(SEEDS.glob("*.txt")))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 20]
    rng = random.Random(3)
    with path.open("w", encoding="utf-8") as file:
        for number in range(count):
            record = {"id": f"uusi-{number}", "date": f"20{rng.randint(10, 24)}-{rng.randint(1, 12):02d}",
                      "title": rng.choice(sentences)[:80], "body": " ".join(rng.sample(sentences, 6))}
            file.write(json.dumps(record, ensure_ascii=False) + "\n")


@pytest.fixture(scope="session", autouse=True)
def analysis_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The session's own persistent analysis cache (its runs, and the processes they start, use it),
    not the user's."""
    folder = tmp_path_factory.mktemp("analysis-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(folder))
        yield folder


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A corpus folder holding a copy of the seed bulletins, for a test to change as it likes."""
    return copy_seeds(tmp_path / "corpus")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of an index built from the seed bulletins, shared by the whole session: read it, never write it."""
    root = tmp_path_factory.mktemp("seed-index")
    index_dir = root / "index"
    update_index(copy_seeds(root / "corpus"), index_dir)
    return index_dir


@pytest.fixture(scope="session")
def segmented_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of an index of the seeds and 600 generated bulletins in several segments, every
    other one of them deleted again, shared by the whole session: read it, never write it."""
    root = tmp_path_factory.mktemp("segmented-index")
    corpus = copy_seeds(root / "corpus")
    generate_bulletins(corpus / "more.jsonl", 600)
    update_index(corpus, root / "index")
    (corpus / "more.jsonl").write_text("\n".join((corpus / "more.jsonl").read_text().splitlines()[::2]) + "\n")
    update_index(corpus, root / "index")
    return root / "index"


# The backends every search test runs on: Whoosh, Xapian in two local shards, the same two shards
# served by xapian-tcpsrv.
BACKENDS = ("whoosh", "xapian", "xapian-remote")
SHARDS = 2


@dataclass(frozen=True)
class Target:
    """What a test searches: a local index (Whoosh or Xapian) in `index_dir`, or Xapian `shards`
    (`host:port` of xapian-tcpsrv servers)."""

    backend: str
    index_dir: Path | None = None
    shards: tuple[str, ...] = ()

    def open(self, **options: Any) -> Search:
        """The search API over it; `options` are the engine's own (weights, related)."""
        if self.backend == "whoosh":
            return BulletinSearch(self.index_dir, **options)
        return XapianSearch(None if self.shards else self.index_dir, shards=self.shards, **options)

    def settings(self) -> dict[str, Any]:
        """The settings of create_app that serve it (the Xapian index found by its xapian.json)."""
        return {"SHARDS": self.shards} if self.shards else {"INDEX_DIR": self.index_dir}

    def cli_options(self) -> list[str]:
        """The options of `bulletins search` and `bulletins stats` that search it."""
        return ["--shards", ",".join(self.shards)] if self.shards else ["--index", str(self.index_dir)]


def build_xapian(corpus: Path, index_dir: Path, shards: int = SHARDS) -> Path:
    """A Xapian index of `corpus` in `shards` shards, built in `index_dir`."""
    backends.update_index(corpus, index_dir, backend="xapian", shards=shards)
    return index_dir


@pytest.fixture(scope="module")
def index_dir(indexed_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Whoosh index of the module's `indexed_corpus`."""
    index = tmp_path_factory.mktemp("whoosh") / "index"
    update_index(indexed_corpus, index)
    return index


@pytest.fixture(scope="module")
def xapian_dir(indexed_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Xapian index of the module's `indexed_corpus` in two shards, built once for the module."""
    return build_xapian(indexed_corpus, tmp_path_factory.mktemp("xapian") / "index")


@pytest.fixture(scope="module")
def shard_servers(xapian_dir: Path) -> Iterator[tuple[str, ...]]:
    """The shards of `xapian_dir` served by one xapian-tcpsrv each on 127.0.0.1: their `host:port`.
    Stopped when the module's tests are done."""
    with ShardServers() as servers:
        yield servers.serve_all(local_shards(xapian_dir))


@pytest.fixture
def tcpsrv() -> Iterator[ShardServers]:
    """xapian-tcpsrv servers that a test starts itself; stopped when the test ends."""
    with ShardServers() as servers:
        yield servers


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend a module's `search`, `client` and `target` run on."""
    return request.param


@pytest.fixture(scope="module")
def target(backend: str, request: pytest.FixtureRequest) -> Target:
    """The module's index on the backend: `index_dir`, `xapian_dir` or `shard_servers`, made only
    when a test asks for it."""
    if backend == "whoosh":
        return Target(backend, request.getfixturevalue("index_dir"))
    if backend == "xapian":
        return Target(backend, request.getfixturevalue("xapian_dir"))
    return Target(backend, shards=request.getfixturevalue("shard_servers"))


@pytest.fixture(scope="module")
def search(target: Target) -> Search:
    """The search API over the module's index, on each backend."""
    return target.open()


@pytest.fixture(scope="module")
def app(target: Target) -> Flask:
    """The web app over the module's index, on each backend."""
    return create_app({**target.settings(), "TESTING": True})


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    """The web app over the module's index, on each backend, through Flask's test client."""
    return app.test_client()


def make_target(backend: str, corpus: Path, folder: Path, servers: ShardServers) -> Target:
    """Index `corpus` in `folder` on `backend` and return what searches it; the shards of
    xapian-remote are served by `servers`."""
    if backend == "whoosh":
        update_index(corpus, folder / "index")
        return Target(backend, folder / "index")
    index = build_xapian(corpus, folder / "index")
    if backend == "xapian":
        return Target(backend, index)
    return Target(backend, shards=servers.serve_all(local_shards(index)))


@pytest.fixture
def build_target(backend: str, tmp_path_factory: pytest.TempPathFactory, tcpsrv: ShardServers) -> Callable[[Path], Target]:
    """A function that indexes a corpus of the test's own on the test's backend and returns what
    searches it (the servers of its shards stopped when the test ends)."""
    return lambda corpus: make_target(backend, corpus, tmp_path_factory.mktemp(backend), tcpsrv)


def file_size_limit(limit: int):
    """For a child process: writing beyond `limit` bytes into any file fails with EFBIG (File too
    large), as on a full disk, instead of killing the process."""
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Whether `condition` came true within `seconds` (asked every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False

"""Shared fixtures: a writable copy of the seed corpus, an index built from the seeds, and the
search API and web client over a module's own `index_dir`; and waiting for a condition."""

from __future__ import annotations

import json
import random
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search.index.writer import update_index
from search.searcher import BulletinSearch
from search.web import create_app

SEEDS = Path(__file__).resolve().parent.parent / "corpus"


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


@pytest.fixture(scope="module")
def search(index_dir: Path) -> BulletinSearch:
    """The search API over the test module's `index_dir` fixture."""
    return BulletinSearch(index_dir)


@pytest.fixture(scope="module")
def client(index_dir: Path) -> FlaskClient:
    """The web app over the test module's `index_dir` fixture, through Flask's test client."""
    return create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Whether `condition` came true within `seconds` (asked every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False

"""Shared fixtures: a writable copy of the seed corpus, and an index built from the seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search.index.writer import update_index

SEEDS = Path(__file__).resolve().parent.parent / "corpus"


def copy_seeds(folder: Path) -> Path:
    """Copy the seed bulletins into `folder` (writable, unlike the originals) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copyfile(seed, folder / seed.name)
    return folder


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

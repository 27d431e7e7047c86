"""Where the corpus and the index live: command-line option, environment variable, or default."""

import os
from pathlib import Path

CORPUS_ENV = "BULLETINS_CORPUS"
INDEX_ENV = "BULLETINS_INDEX"


def corpus_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The corpus folder: the explicit value, else $BULLETINS_CORPUS, else ./corpus."""
    return Path(explicit or os.environ.get(CORPUS_ENV) or "corpus")


def index_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The index folder: the explicit value, else $BULLETINS_INDEX, else ./index."""
    return Path(explicit or os.environ.get(INDEX_ENV) or "index")

"""Settings a person gives: where the corpus, the index and the analysis cache live (command-line
option, environment variable, or default), the largest bulletin read, and the environment variables
of the Ahjo API. Nothing here imports more than the standard library, so the command line starts fast."""

import os
from pathlib import Path

CORPUS_ENV = "BULLETINS_CORPUS"
INDEX_ENV = "BULLETINS_INDEX"
URL_ENV = "BULLETINS_AHJO_URL"  # the Ahjo API's base URL
KEY_ENV = "BULLETINS_AHJO_KEY"  # its key, where it needs one
CACHE_ENV = "BULLETINS_CACHE"  # the folder of the word analysis cache
# The largest bulletin read: a .txt file, or one line of a .jsonl file. The longest of the 6,242
# Supreme Court decisions in ../shared/data is 0.23 MB; indexing one bulletin takes about 70 times
# its size in memory.
MAX_BULLETIN_MB = 1.0


def corpus_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The corpus folder: the explicit value, else $BULLETINS_CORPUS, else ./corpus."""
    return Path(explicit or os.environ.get(CORPUS_ENV) or "corpus")


def index_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The index folder: the explicit value, else $BULLETINS_INDEX, else ./index."""
    return Path(explicit or os.environ.get(INDEX_ENV) or "index")


def cache_dir() -> Path:
    """The folder of the persistent word analysis cache: $BULLETINS_CACHE, else bulletin-search in
    $XDG_CACHE_HOME, else ~/.cache/bulletin-search."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bulletin-search"

"""Another revision of the project, run beside this one: its answers to the dev queries, so that a
benchmark compares before and after a change in one run.

The revision is checked out as a detached git worktree in benchmarks/out/, beside a link to
../shared, and runs in a child process with its own code first on the path; for the relevance
benchmark it indexes the dev corpus with its own code into its own benchmarks/out/ (once, like
this checkout's `devset.our_index`), and for another corpus (a folder of bulletins) into its own
benchmarks/out/ under the name given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from benchmarks.devset import DATA, OUT, ROOT

# Runs inside the other revision: indexes the corpus given (or the dev corpus), reads one query per
# line and answers each with one JSON line.
_CHILD = """
import json, sys
from pathlib import Path
from benchmarks import devset
from search.errors import QueryError
from search.index.writer import update_index
from search.searcher import BulletinSearch, SearchRequest
if len(sys.argv) > 1:
    index_dir = devset.OUT / sys.argv[2]
    update_index(Path(sys.argv[1]), index_dir)
else:
    index_dir = devset.our_index()
search = BulletinSearch(index_dir)
for line in sys.stdin:
    text = json.loads(line)
    try:
        ranked = search.search(SearchRequest(text, page_size=100))
        newest = search.search(SearchRequest(text, sort="newest"))
    except QueryError:
        print(json.dumps({"ranked": [], "newest": [], "total": 0, "related_total": None}))
        continue
    print(json.dumps({"ranked": [hit.id for hit in ranked.hits], "total": ranked.total,
                      "newest": [hit.id for hit in newest.hits if not getattr(hit, "related", False)],
                      "related_total": getattr(ranked, "related_total", None)}), flush=True)
"""


@dataclass(frozen=True)
class Answer:
    """What a search answered to one query: its first 100 hits by relevance, how many bulletins it
    counted, the matches it listed on the first page newest first, and how many related results it
    listed apart from them (None for a revision that listed none apart)."""

    ranked: list[str]
    total: int
    newest: list[str]
    related_total: int | None = None


def checkout(revision: str) -> Path:
    """The folder of `revision` (anything `git rev-parse` takes), checked out once."""
    commit = _git("rev-parse", "--verify", f"{revision}^{{commit}}").strip()
    home = OUT / f"revision-{commit[:12]}"
    tree = home / ROOT.name
    if not tree.is_dir():
        home.mkdir(parents=True, exist_ok=True)
        (home / DATA.parent.name).symlink_to(DATA.parent)  # the revision finds ../shared beside it, as we do
        _git("worktree", "add", "--detach", str(tree), commit)
    return tree


def answers(revision: str, queries: list[str], corpus: Path | None = None, name: str = "") -> list[Answer]:
    """The answers of `revision` to `queries`, in order: on the dev corpus, or on the bulletins of
    `corpus`, which it indexes into its benchmarks/out/`name`."""
    tree = checkout(revision)
    where = [str(corpus), name] if corpus is not None else []
    child = subprocess.run([sys.executable, "-c", _CHILD, *where], cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)},
                           text=True, check=True,
                           input="".join(json.dumps(text) + "\n" for text in queries), stdout=subprocess.PIPE)
    return [Answer(**json.loads(line)) for line in child.stdout.splitlines()]


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], text=True, check=True, stdout=subprocess.PIPE).stdout

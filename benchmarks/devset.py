"""The relevance dev set in ../shared/data and its indexes, shared by the benchmark scripts: ours
(built with `update_index`, kept up to date incrementally), ours on the Xapian backend with a given
number of shards, and the Snowball baseline."""

from __future__ import annotations

import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path

from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import FileIndex, create_in, exists_in, open_dir
from whoosh.qparser import OrGroup, QueryParser
from whoosh.query import Query

from search import backends
from search.index.writer import update_index

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CORPUS = DATA / "kko.jsonl"
OUT = ROOT / "benchmarks" / "out"


def require_devset() -> None:
    """Exit with a message when ../shared/data is not there."""
    if not CORPUS.is_file():
        print(f"skipped: the dev set {CORPUS} is not here (see ../shared/README.md)")
        sys.exit(0)


def queries() -> dict[str, str]:
    """Query id → query text, in file order."""
    lines = (DATA / "kko-queries.tsv").read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if line.strip())


def qrels() -> dict[str, set[str]]:
    """Query id → the ids of the bulletins relevant to it."""
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in (DATA / "kko-qrels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            query_id, doc_id, grade = line.split("\t")
            if int(grade) > 0:
                relevant[query_id].add(doc_id)
    return relevant


def corpus(limit: int | None = None) -> Path:
    """The corpus folder of the dev set: a link to its one file, or (with `limit`) its first `limit` lines."""
    folder = OUT / ("kko-corpus" if limit is None else f"kko-corpus-{limit}")
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / CORPUS.name).exists():
        first_lines(CORPUS, limit, folder)
    return folder


def first_lines(data_file: Path, limit: int | None, folder: Path) -> None:
    """Put `data_file` in `folder`: a link to it, or a copy of its first `limit` lines."""
    if limit is None:
        (folder / data_file.name).symlink_to(data_file)
        return
    with data_file.open("rb") as source, (folder / data_file.name).open("wb") as target:
        for number, line in enumerate(source):
            if number >= limit:
                break
            target.write(line)


def our_index(limit: int | None = None) -> Path:
    """Our index of the dev corpus (or of its first `limit` decisions), brought up to date (a no-op
    when nothing changed)."""
    index_dir = OUT / ("kko-index" if limit is None else f"kko-index-{limit}")
    report = update_index(corpus(limit), index_dir)
    if report.added or report.updated or report.deleted:
        print(f"indexed the dev corpus: {report.bulletins} bulletins in {report.seconds:.0f} s", file=sys.stderr)
    return index_dir


def xapian_index(shards: int) -> Path:
    """Our Xapian index of the dev corpus in `shards` shards, brought up to date."""
    index_dir = OUT / f"kko-xapian-{shards}"
    report = backends.update_index(corpus(), index_dir, backend="xapian", shards=shards)
    if report.added or report.updated or report.deleted:
        print(f"indexed the dev corpus into {shards} Xapian shard{'s' if shards > 1 else ''}: {report.bulletins} bulletins in "
              f"{report.seconds:.0f} s", file=sys.stderr)
    return index_dir


def baseline_index() -> FileIndex:
    """A plain Whoosh index of the dev corpus: Snowball stems (`LanguageAnalyzer("fi")`) of title and body."""
    index_dir = OUT / "kko-baseline"
    stamp = index_dir / "corpus-stamp"
    current = f"{CORPUS.stat().st_size} {CORPUS.stat().st_mtime_ns}"
    if exists_in(index_dir) and stamp.is_file() and stamp.read_text() == current:
        return open_dir(index_dir)
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    ix = create_in(index_dir, Schema(id=ID(stored=True, unique=True), text=TEXT(analyzer=LanguageAnalyzer("fi"))))
    with ix.writer(procs=2, limitmb=256, multisegment=True) as writer, CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            writer.add_document(id=record["id"], text=f"{record['title']}\n{record['body']}")
    stamp.write_text(current)
    return ix


def baseline_query(ix: FileIndex, text: str) -> Query:
    """The baseline's query: the words of `text` joined with OR."""
    return QueryParser("text", ix.schema, group=OrGroup).parse(text)

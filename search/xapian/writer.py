"""Bringing a sharded Xapian index up to date with the corpus, as search.index.writer does the Whoosh
index: the same comparison of content hashes (search.index.writer.compare_corpus), the same report.

Each bulletin goes to the shard its id hashes to. An update changes every shard in one transaction,
committed shard by shard: a run killed before a shard's commit leaves that shard as it was. A
rebuild (the first run, `rebuild`, another shard count or version) writes a new generation of shards
and switches to it by replacing xapian.json, so a killed rebuild leaves the old index whole; the next
run removes what it left behind. Worker processes analyse the text; this process writes.

The workers are a concurrent.futures process pool, not multiprocessing.Pool: a run that fails
while analyses are in flight (a full disk) must stop, and Pool.terminate() can hang for ever when it
kills a worker that is sending a result (CPython issues 73945 and 96995; it hung a test run). This
pool is stopped by cancelling what has not started and waiting for the few analyses that have. A
worker that dies between results breaks the pool with an error; one killed while it sends a result
can still stall the run (the pool waits for the rest of the message), as with any shared-queue pool."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from multiprocessing.util import Finalize
from pathlib import Path

import xapian

from search.corpus import Bulletin, CorpusReader, Problem, max_bytes
from search.errors import BulletinError, BulletinsError
from search.finnish.analysis_cache import cached_analyses, save_analyses
from search.index.lock import index_lock
from search.index.writer import (
    PARALLEL_CHARS,
    PARALLEL_FROM,
    HeldElsewhere,
    IndexReport,
    Progress,
    compare_corpus,
    count_failures,
)
from search.processes import die_with_parent
from search.xapian.documents import id_term, to_document
from search.xapian.layout import HASH, PREFIXES, Layout, shard_of

# Bulletins handed to the workers at once: their analysis overlaps with this process's writing.
CHUNK = 2000
# A rebuild commits a shard (which no reader sees yet) once this much of its documents is held in
# memory: Xapian itself waits for 10,000 documents, which for long decisions took 1.6 GB.
FLUSH_BYTES = 64 * 2**20
# The metadata key of every shard that says when the index was last committed to (ISO 8601, UTC).
UPDATED = "updated"


def update_index(corpus_dir: Path, index_dir: Path, *, shards: int | None = None, rebuild: bool = False,
                 progress: Progress | None = None, procs: int | None = None, wait: float = 0.0,
                 limit: int = max_bytes(), files: Iterable[str] | None = None) -> IndexReport:
    """Make the Xapian index in `index_dir` hold exactly the good bulletins of `corpus_dir`, in
    `shards` shards (default: as many as it has, or 1 for a new index). Incremental unless
    `rebuild`, a new shard count or version. With `files`, only those files changed (as
    search.index.writer.update_index takes them)."""
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    if not corpus_dir.is_dir():
        raise BulletinError(f"corpus folder not found: {corpus_dir}")
    try:
        with index_lock(index_dir, wait), cached_analyses():
            report = _update(corpus_dir, index_dir, shards, rebuild, progress, procs or os.cpu_count() or 1, limit,
                             None if files is None else sorted(set(files)))
    except OSError as error:
        raise BulletinsError(f"cannot write the index in {index_dir}: {error.strerror or error}") from error
    except xapian.Error as error:
        # the system's reason where there is one ("File too large"), as for an OSError, not "Error writing block 8"
        system = error.get_error_string()
        reason = (system.decode("utf-8", "replace") if isinstance(system, bytes) else system) or error.get_msg()
        raise BulletinsError(f"cannot write the index in {index_dir}: {reason}") from error
    report.seconds = time.perf_counter() - started
    return report


def _update(corpus_dir: Path, index_dir: Path, shards: int | None, rebuild: bool, progress: Progress | None,
            procs: int, limit: int, files: list[str] | None) -> IndexReport:
    old = Layout.read(index_dir)
    if old is None or old.version != Layout(1).version or (shards and shards != old.shards):
        rebuild = True
    layout = Layout(shards or (old.shards if old else 1), (old.generation + 1 if old else 1)) if rebuild else old
    _remove_leftovers(index_dir, keep=old)  # what a killed rebuild left
    report = IndexReport(rebuilt=rebuild)
    if rebuild:
        layout.folder(index_dir).mkdir(parents=True)
    batch = _Batch(layout.folders(index_dir), procs, transaction=not rebuild)
    try:
        held = None if rebuild else _Held(batch.databases, files)
        try:
            compare_corpus(CorpusReader(corpus_dir, limit, files), held, batch, report, progress)
        except HeldElsewhere:  # the bulletins moved between files: compare the whole corpus
            batch.cancel()
            batch = _Batch(layout.folders(index_dir), procs, transaction=True)
            held, report = _Held(batch.databases, None), IndexReport()
            compare_corpus(CorpusReader(corpus_dir, limit), held, batch, report, progress)
        if rebuild or report.added or report.updated or report.deleted:
            batch.commit()
            count_failures(batch.failures, held.hashes if held else {}, report)
        else:
            batch.cancel()
    except BaseException:
        batch.cancel()
        raise
    if rebuild:
        layout.write(index_dir)  # the switch to the new generation
        _remove_leftovers(index_dir, keep=layout)
    return report


def _remove_leftovers(index_dir: Path, keep: Layout | None) -> None:
    """Remove every generation of shards but `keep`'s (all of them when None)."""
    if not index_dir.is_dir():
        return
    kept = {keep.folder(index_dir).name} if keep else set()
    for folder in index_dir.iterdir():
        if folder.is_dir() and folder.name.startswith("g") and folder.name[1:].isdigit() and folder.name not in kept:
            shutil.rmtree(folder, ignore_errors=True)


class _Held:
    """The content hash of each bulletin the shards hold (of those read from `files`, or all), by id."""

    def __init__(self, databases: list[xapian.WritableDatabase], files: list[str] | None) -> None:
        self.files = files
        self.count = sum(database.get_doccount() for database in databases)
        self.hashes: dict[str, str] = {}
        self._databases = databases
        for database in databases:
            if files is None:
                ids = {posting.docid: term.term.decode("utf-8")[1:]
                       for term in database.allterms(PREFIXES["id"]) for posting in database.postlist(term.term)}
            else:
                docids = {posting.docid for name in files for posting in _postings(database, PREFIXES["file"] + name)}
                ids = {docid: _id_of(database.get_document(docid)) for docid in docids}
            for docid, bulletin_id in ids.items():
                self.hashes[bulletin_id] = database.get_document(docid).get_value(HASH).decode("ascii")

    def check_new(self, bulletin_id: str) -> None:
        if self.files is not None and any(database.get_termfreq(id_term(bulletin_id))
                                          for database in self._databases):
            raise HeldElsewhere(bulletin_id)


def _postings(database: xapian.Database, term: str) -> Iterable:
    return database.postlist(term) if database.term_exists(term) else ()


def _id_of(document: xapian.Document) -> str:
    for term in document.termlist():
        if term.term.startswith(PREFIXES["id"].encode()):
            return term.term.decode("utf-8")[1:]
    raise BulletinsError("a document of the index has no id")


class _Batch:
    """The changes of one run: deletions by id, and bulletins analysed by worker processes (or, for
    a few, by this one) and written to their shards."""

    def __init__(self, folders: list[Path], procs: int, transaction: bool) -> None:
        self.databases = [xapian.WritableDatabase(str(folder), xapian.DB_CREATE_OR_OPEN) for folder in folders]
        if transaction:
            for database in self.databases:
                database.begin_transaction()
        self.transaction = transaction
        self.procs = procs
        self.pending: list[tuple[Bulletin, str]] = []
        self.deleted: set[str] = set()
        self.failures: list[tuple[str, Problem]] = []
        self.added: set[str] = set()
        self.held = [0] * len(self.databases)  # bytes of documents each shard holds uncommitted, in a rebuild
        self._pool = None

    def add(self, bulletin: Bulletin, file: str) -> None:
        self.pending.append((bulletin, file))
        if len(self.pending) >= CHUNK:
            self._flush()

    def delete(self, bulletin_id: str) -> None:
        self.deleted.add(bulletin_id)

    def commit(self) -> None:
        """Write what is pending, apply the deletions (a bulletin that failed analysis keeps its old
        version) and commit every shard."""
        self._flush()
        if self._pool is not None:  # its workers end, and save the analyses they hold as they do
            self._pool.shutdown()
            self._pool = None
        kept = {bulletin_id for bulletin_id, _ in self.failures}
        for bulletin_id in self.deleted:
            if bulletin_id not in kept and bulletin_id not in self.added:
                self._database(bulletin_id).delete_document(id_term(bulletin_id))
        updated = datetime.now(UTC).isoformat(timespec="seconds")
        for database in self.databases:
            database.set_metadata(UPDATED, updated)
            if self.transaction:
                database.commit_transaction()
            else:
                database.commit()
        self._close()

    def cancel(self) -> None:
        """Leave every shard as it was."""
        for database in self.databases:
            if self.transaction:
                try:
                    database.cancel_transaction()
                except xapian.InvalidOperationError:  # committed already
                    pass
        self._close()

    def _database(self, bulletin_id: str) -> xapian.WritableDatabase:
        return self.databases[shard_of(bulletin_id, len(self.databases))]

    def _flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        if not (self.procs > 1 and (self._pool is not None or len(pending) >= PARALLEL_FROM
                                    or sum(len(bulletin.body) for bulletin, _ in pending) >= PARALLEL_CHARS)):
            self._write(map(_analyse, pending))
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.procs, multiprocessing.get_context("fork"), _bind_to, (os.getpid(),))
        try:
            self._write(self._pool.map(_analyse, pending, chunksize=8))
        except BrokenProcessPool as error:
            raise BulletinsError("an indexing worker process ended unexpectedly; the index is as it was") from error

    def _write(self, analysed: Iterable[tuple[str, bytes | None, Problem | None]]) -> None:
        for bulletin_id, document, problem in analysed:
            if problem is not None:
                self.failures.append((bulletin_id, problem))
                continue
            shard = shard_of(bulletin_id, len(self.databases))
            database, new = self.databases[shard], xapian.Document.unserialise(document)
            if bulletin_id in self.deleted:  # an update: the old version goes with it
                database.replace_document(id_term(bulletin_id), new)
            else:  # a new bulletin: no lookup of its id (which costs milliseconds in a large batch)
                database.add_document(new)
            self.added.add(bulletin_id)
            if not self.transaction:
                self.held[shard] += len(document)
                if self.held[shard] >= FLUSH_BYTES:
                    database.commit()
                    self.held[shard] = 0

    def _close(self) -> None:
        if self._pool is not None:  # what has not started is dropped; what has, ends
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        for database in self.databases:
            database.close()


def _bind_to(parent: int) -> None:
    """In a new worker: die with the run, and save the new analyses on a normal end."""
    die_with_parent(parent)
    Finalize(None, save_analyses, exitpriority=0)


def _analyse(item: tuple[Bulletin, str]) -> tuple[str, bytes | None, Problem | None]:
    """(id, the serialised document, None), or (id, None, the problem) when the analysis fails: no
    bulletin may stop the others being indexed."""
    bulletin, file = item
    try:
        return bulletin.id, to_document(bulletin, file).serialise(), None
    except Exception as error:
        return bulletin.id, None, Problem(bulletin.source, f"cannot be analysed ({error!r}): skipped")

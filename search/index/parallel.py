"""Indexing many bulletins on every core: worker processes analyse their share of the documents and
write it into segments of their own, which the run's writer then commits with its own changes.

A worker closes its segment when the segment's postings reach SEGMENT_MB instead of letting Whoosh
spill them to disk and merge the runs again (that took 40 % more time on 1,000 bulletins of kko.jsonl);
so memory stays bounded and the postings are sorted once. Whoosh's own MpWriter does not bound its
segments, so this module drives the same segment-level internals of the pinned whoosh3 release.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from typing import Any

from whoosh.codec.base import Segment
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from search.errors import BulletinsError
from search.index.documents import with_terms
from search.processes import die_with_parent

SEGMENT_MB = 160  # Whoosh's estimate of a segment's postings in memory; resident size is ~1.5×
BATCH = 64  # documents handed to a worker at once

_starting_for: int | None = None  # the pid of a run while it forks its workers


class SegmentWorkers:
    """`procs` worker processes writing new segments of `ix`. They die with this process."""

    def __init__(self, ix: FileIndex, procs: int) -> None:
        context = multiprocessing.get_context("fork")  # workers inherit the open index and the analysers
        self.jobs = context.Queue(procs * 2)  # bounded, so reading waits for analysis
        self.results = context.Queue()
        self.batch: list[dict[str, Any]] = []
        self.processes = [context.Process(target=_work, args=(ix, self.jobs, self.results), daemon=True)
                          for _ in range(procs)]
        global _starting_for
        _starting_for = os.getpid()
        try:
            for process in self.processes:
                process.start()
        finally:
            _starting_for = None

    def add(self, document: dict[str, Any]) -> None:
        self.batch.append(document)
        if len(self.batch) >= BATCH:
            self._put(self.batch)
            self.batch = []

    def finish(self) -> list[Segment]:
        """Wait for the workers to write everything; the segments they wrote."""
        if self.batch:
            self._put(self.batch)
        for _ in self.processes:
            self._put(None)
        segments: list[Segment] = []
        for _ in self.processes:
            result = self._get()
            if isinstance(result, BaseException):
                raise result
            segments += result
        for process in self.processes:
            process.join()
        return segments

    def terminate(self) -> None:
        """Stop the workers at once; their segments are left for the next commit to clean up."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()
        self.jobs.cancel_join_thread()  # else exiting waits to feed jobs to workers that are gone

    def _put(self, item: list[dict[str, Any]] | None) -> None:
        while True:
            try:
                return self.jobs.put(item, timeout=0.5)
            except queue.Full:
                self._check_alive()

    def _get(self) -> list[Segment] | BaseException:
        while True:
            try:
                return self.results.get(timeout=0.5)
            except queue.Empty:
                self._check_alive()

    def _check_alive(self) -> None:
        codes = [process.exitcode for process in self.processes]
        if any(code not in (None, 0) for code in codes) or None not in codes:
            raise RuntimeError(f"indexing worker processes ended unexpectedly (exit codes {codes})")


def _bind_worker_to_run() -> None:
    """In a newly forked worker: die with the run (an orphan would wait for work forever)."""
    if _starting_for is not None:
        die_with_parent(_starting_for)


os.register_at_fork(after_in_child=_bind_worker_to_run)


def _work(ix: FileIndex, jobs: multiprocessing.Queue, results: multiprocessing.Queue) -> None:
    """A worker: add the documents of every job to a segment, closing it at SEGMENT_MB, until a
    None job; then send the segments written (or the error that stopped it)."""
    try:
        segments = []
        writer = None
        while (documents := jobs.get()) is not None:
            for document in documents:
                # _lk=False: the run holds the indexing lock, and takes Whoosh's write lock to commit
                writer = writer or SegmentWriter(ix, _lk=False, limitmb=2 * SEGMENT_MB, compound=False)
                writer.add_document(**with_terms(document))
                if writer.pool.currentsize >= SEGMENT_MB * 2**20:
                    segments.append(writer._finalize_segment())
                    writer = None
        if writer is not None:
            segments.append(writer._finalize_segment())
        results.put(segments)
    except Exception as error:
        results.put(error if isinstance(error, BulletinsError) else RuntimeError(f"indexing worker: {error!r}"))


def commit_with(writer: SegmentWriter, segments: list[Segment], mergetype: Any = None) -> None:
    """Commit `writer` (its additions, deletions and merges, as `writer.commit` does) together
    with `segments` written by workers: one new TOC, so readers see all of it or none."""
    try:
        final = writer._merge_segments(mergetype, None, None)
        if writer._added:
            final.append(writer._finalize_segment())
        else:
            writer._close_segment()
        writer._commit_toc(final + segments)
    except BaseException:
        writer._cleanup_on_error()
        raise
    writer._finish()

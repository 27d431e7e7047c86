"""Indexing many bulletins on every core: worker processes analyse their share of the documents and
write it into segments of their own, which the run's writer then commits with its own changes.

A worker closes its segment when the segment's postings reach SEGMENT_MB instead of letting Whoosh
spill them to disk and merge the runs again (that took 40 % more time on 1,000 bulletins of kko.jsonl);
so memory stays bounded and the postings are sorted once. The postings are held compactly (a
TermPool: a term's postings in arrays, not a tuple each), so a segment holds about twice as many in
the same memory, and a search has fewer segments to look each term up in. Whoosh's own MpWriter does
not bound its segments, so this module drives the same segment-level internals of the pinned whoosh3
release, through search.index.whoosh_internals.
Documents go to the workers in batches bounded in count and in text, so that long bulletins queued
for analysis cannot fill the memory either.

A bulletin whose analysis fails is left out and reported, as a bulletin that cannot be read is.

Writing a segment's postings is most of the work once the corpus is read, so each worker counts
in shared memory the postings it holds and those it has written, and the run shows their share.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
from collections.abc import Callable
from typing import Any

from whoosh.codec.base import Segment
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from search.corpus import Problem
from search.errors import BulletinsError
from search.finnish.analysis_cache import save_analyses
from search.index.documents import text_size, with_terms
from search.index.whoosh_internals import finish_segment, held_bytes, held_postings, segment_writer
from search.processes import die_with_parent

SEGMENT_MB = 200  # about the bytes a segment's postings take in memory (TermPool.size)
BATCH = 16  # documents handed to a worker at once, at most: small, so that the workers end together
BATCH_CHARS = 2**22  # and at most about this much text

_starting_for: int | None = None  # the pid of a run while it forks its workers


class SegmentWorkers:
    """`procs` worker processes writing new segments of `ix`. They die with this process."""

    def __init__(self, ix: FileIndex, procs: int) -> None:
        context = multiprocessing.get_context("fork")  # workers inherit the open index and the analysers
        self.jobs = context.Queue(procs * 2)  # bounded, so reading waits for analysis
        self.results = context.Queue()
        self.batch: list[dict[str, Any]] = []
        self.batch_chars = 0
        self.sent = 0  # batches sent
        self.told = 0.0  # the share of the postings written, as last told
        # Each worker's two counts: the postings it holds, not yet written, and those it has written.
        self.postings = context.Array("q", 2 * procs, lock=False)
        self.processes = [context.Process(target=_work, args=(ix, self.jobs, self.results, self.postings, number),
                                          daemon=True)
                          for number in range(procs)]
        global _starting_for
        _starting_for = os.getpid()
        try:
            for process in self.processes:
                process.start()
        finally:
            _starting_for = None

    def add(self, document: dict[str, Any]) -> None:
        self.batch.append(document)
        self.batch_chars += text_size(document)
        if len(self.batch) >= BATCH or self.batch_chars >= BATCH_CHARS:
            self._put_batch()

    def finish(self, writing: Callable[[float], None] | None = None) -> tuple[list[Segment], list[Failure]]:
        """Wait for the workers to write everything, telling `writing` now and then the share of
        the postings written; the segments they wrote and the bulletins they could not analyse."""
        if self.batch:
            self._put_batch()
        for _ in self.processes:
            self._put(None)
        segments: list[Segment] = []
        failures: list[tuple[tuple[int, int], Failure]] = []
        for _ in self.processes:
            written, failed = _result_or_raise(self._get(writing))
            segments += written
            failures += failed
        if writing is not None:
            writing(1.0)  # every worker has written all it held
        for process in self.processes:
            process.join()
        return segments, [failure for _, failure in sorted(failures, key=lambda keyed: keyed[0])]

    def terminate(self) -> None:
        """Stop the workers at once; the files they were writing are left for the next run to remove."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()
        self.jobs.cancel_join_thread()  # else exiting waits to feed jobs to workers that are gone

    def _put_batch(self) -> None:
        """Send the batch, numbered: the workers' failures are reported in the order of the corpus."""
        self._put((self.sent, self.batch))
        self.sent += 1
        self.batch, self.batch_chars = [], 0

    def _put(self, item: tuple[int, list[dict[str, Any]]] | None) -> None:
        while True:
            try:
                return self.jobs.put(item, timeout=0.5)
            except queue.Full:
                # no worker ends before it is sent None: one that has ended was stopped by an error
                if any(process.exitcode is not None for process in self.processes):
                    self._raise_worker_error()

    def written_share(self) -> float:
        """The share of the postings held so far that the workers have written."""
        counts = self.postings[:]
        held, written = sum(counts[0::2]), sum(counts[1::2])
        return written / (held + written) if held + written else 0.0

    def _get(self, writing: Callable[[float], None] | None = None) -> Result:
        while True:
            if writing is not None:  # never back: a worker still analysing adds to what the others hold
                self.told = max(self.told, self.written_share())
                writing(self.told)
            try:
                return self.results.get(timeout=0.5)
            except queue.Empty:
                if any(process.exitcode not in (None, 0) for process in self.processes):
                    self._raise_worker_error()

    def _raise_worker_error(self) -> None:
        """Raise the error that ended a worker: the one it reported, or else how it died."""
        try:
            _result_or_raise(self.results.get(timeout=0.5))
        except queue.Empty:
            pass
        codes = [process.exitcode for process in self.processes]
        raise BulletinsError(f"indexing worker processes ended unexpectedly (exit codes {codes})")


Failure = tuple[str, Problem]  # a bulletin that could not be analysed: its id, and why
# What a worker sends back: its segments and its failures, each with its batch's number and its place
# in the batch; or the error that stopped it.
Result = tuple[list[Segment], list[tuple[tuple[int, int], Failure]]] | BaseException


def _result_or_raise(result: Result) -> tuple[list[Segment], list[tuple[tuple[int, int], Failure]]]:
    if isinstance(result, BaseException):
        raise result
    return result


def analysed(document: dict[str, Any], failures: list[Failure]) -> dict[str, Any] | None:
    """`document` with its terms (search.index.documents.with_terms), or None if its analysis fails,
    which is noted in `failures`: no bulletin may stop the others being indexed."""
    try:
        return with_terms(document)
    except Exception as error:
        failures.append((document["id"], Problem(document["source"], f"cannot be analysed ({error!r}): skipped")))
        return None


def _bind_worker_to_run() -> None:
    """In a newly forked worker: die with the run (an orphan would wait for work forever)."""
    if _starting_for is not None:
        die_with_parent(_starting_for)


os.register_at_fork(after_in_child=_bind_worker_to_run)


def _work(ix: FileIndex, jobs: multiprocessing.Queue, results: multiprocessing.Queue, postings: Any,
          number: int) -> None:
    """Worker `number`: add the documents of every job to a segment, closing it at SEGMENT_MB,
    until a None job, counting its postings in `postings`; then send the segments written and the
    bulletins left out (or the error that stopped it: an OSError as it is, so that the run reports
    a full disk as its own would be)."""
    try:
        segments: list[Segment] = []
        failures: list[tuple[tuple[int, int], Failure]] = []
        writer = None
        while (job := jobs.get()) is not None:
            batch, documents = job
            for place, document in enumerate(documents):
                failed: list[Failure] = []
                fields = analysed(document, failed)
                if fields is None:
                    failures += [((batch, place), failure) for failure in failed]
                    continue
                writer = writer or segment_writer(ix)
                writer.add_document(**fields)
                if held_bytes(writer) >= SEGMENT_MB * 2**20:
                    segments.append(_finish_counted(writer, postings, number))
                    writer = None
            if writer is not None:
                postings[2 * number] = held_postings(writer)
        if writer is not None:
            segments.append(_finish_counted(writer, postings, number))
        save_analyses()
        results.put((segments, failures))
    except Exception as error:
        known = isinstance(error, (BulletinsError, OSError))
        results.put(error if known else RuntimeError(f"indexing worker: {error!r}"))


def _finish_counted(writer: SegmentWriter, postings: Any, number: int) -> Segment:
    """Write the segment of `writer`, moving the count of worker `number`'s postings from held to
    written as they go."""
    held, written = 2 * number, 2 * number + 1
    postings[held] = held_postings(writer)

    def wrote(count: int) -> None:
        postings[held] -= count
        postings[written] += count

    return finish_segment(writer, wrote)

"""Showing an indexing run as it goes: a progress bar on a terminal, a plain line now and then
otherwise (logs, pipes)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TextIO

import click

from search.corpus import is_bulletin_file
from search.corpus.files import open_regular
from search.errors import BulletinError

LINE_EVERY = 5.0  # seconds between plain progress lines


def estimate_bulletins(corpus_dir: Path) -> int:
    """About how many bulletins `corpus_dir` holds: one a `.txt` file, one a line of `.jsonl`."""
    total = 0
    for folder, _, names in os.walk(corpus_dir):
        for name in names:
            path = Path(folder, name)
            if not is_bulletin_file(path.relative_to(corpus_dir)):
                continue
            if path.suffix.lower() == ".jsonl":
                total += _count_lines(path)
            else:
                total += 1
    return total


def _count_lines(path: Path) -> int:
    """The lines of a regular file (0 for anything else: reading a named pipe would wait for ever)."""
    lines, last = 0, b"\n"
    try:
        with open_regular(path) as file:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                lines, last = lines + chunk.count(b"\n"), chunk[-1:]
    except (OSError, BulletinError):
        pass
    return lines + (last != b"\n")


class BarProgress:
    """A progress bar on the terminal `stream`, sized by an estimate of the corpus."""

    def __init__(self, corpus_dir: Path, stream: TextIO = sys.stderr) -> None:
        total = max(estimate_bulletins(corpus_dir), 1)
        self.bar = click.progressbar(length=total, label="Indexing", file=stream, show_pos=True,
                                     update_min_steps=max(total // 500, 1))
        self.bar.__enter__()
        self.stream = stream
        self.written = None  # the bar of the postings written, once there is one

    def advance(self, bulletins: int) -> None:
        self.bar.update(bulletins)

    def finishing(self) -> None:
        self.bar.pos = self.bar.length  # the estimate counts blank lines too
        self.bar.render_progress()
        self.bar.__exit__(None, None, None)
        click.echo("Finishing the index…", file=self.stream)

    def writing(self, share: float) -> None:
        if self.written is None:
            self.written = click.progressbar(length=100, label="Writing", file=self.stream, show_percent=True)
            self.written.__enter__()
        if self.written.finished:
            return
        self.written.update(int(share * 100) - self.written.pos)
        if share >= 1:
            self.written.__exit__(None, None, None)


class LineProgress:
    """A line on `stream` every few seconds: bulletins read so far and how fast."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.read = 0
        self.started = self.shown = time.monotonic()

    def advance(self, bulletins: int) -> None:
        self.read += bulletins
        now = time.monotonic()
        if now - self.shown >= LINE_EVERY:
            self.shown = now
            rate = self.read / (now - self.started)
            click.echo(f"read {self.read:,} bulletins ({rate:,.0f}/s)", file=self.stream)

    def finishing(self) -> None:
        if self.shown > self.started:  # only a run long enough to have shown progress
            click.echo(f"read {self.read:,} bulletins; finishing the index", file=self.stream)

    def writing(self, share: float) -> None:
        now = time.monotonic()
        if now - self.shown >= LINE_EVERY:
            self.shown = now
            click.echo(f"writing the index: {share:.0%}", file=self.stream)


def progress_for(corpus_dir: Path, stream: TextIO = sys.stderr) -> BarProgress | LineProgress:
    """A bar when `stream` is a terminal, plain lines otherwise."""
    return BarProgress(corpus_dir, stream) if stream.isatty() else LineProgress(stream)

"""The waitress server's own log: with one search thread a process, requests waiting their turn are
how it serves them, and only a deep queue is warned of."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from waitress.task import ThreadedTaskDispatcher

from search.web import create_app
from search.web.server import QUEUE_WARNING_DEPTH, listen, make_server


def test_only_a_deep_queue_is_warned_of(seed_index: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_server(create_app({"INDEX_DIR": seed_index}), listen("127.0.0.1", 0), 1).close()
    dispatcher = ThreadedTaskDispatcher()  # no threads: every task added waits, and waitress logs the depth
    with caplog.at_level(logging.WARNING, logger="waitress.queue"):
        for _ in range(QUEUE_WARNING_DEPTH + 2):
            dispatcher.add_task(object())
    assert [record.getMessage() for record in caplog.records] == [
        f"Task queue depth is {depth}" for depth in range(QUEUE_WARNING_DEPTH, QUEUE_WARNING_DEPTH + 3)]

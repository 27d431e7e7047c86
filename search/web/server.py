"""The production server: waitress, a pure-Python WSGI server with a pool of worker threads, in one
process or in several that share the listening sockets.

Why waitress: a pool of N threads in a process shares one BulletinSearch (thread-safe, it refreshes
itself when the index changes) and holds N Voikko handles, each thread opening its own on first use
(`search.finnish.voikko`); it buffers slow clients itself, so it can face the network without a
proxy; and the tests run the very same server in a thread. Searching is CPU-bound Python, so one
process serves one core's worth: `serve` forks a worker process per core, each with its own app,
open index and threads, all accepting on the sockets the parent bound. A worker accepts a new
connection only while it holds no more connections than any other (they tell each other their
counts through shared memory): a client keeps its connection for many requests, and connections
dealt out as the workers happened to wake (seen: 7 to one, 1 to the other) left one core idle while
the other's clients queued. Each worker sees a new commit to the index at its next search, as one
process does. By default a process searches with
one thread: more take turns under Python's global lock, which under load costs more CPU per search
than it gives, while waitress's own thread reads requests and writes answers in either case.

Behind a reverse proxy, waitress takes the client's address, scheme and host from the proxy's
X-Forwarded-* headers only when the request comes from `trusted_proxy`; from anyone else they are
dropped, so a client cannot make the app believe it is reached at another address."""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import time
from collections.abc import Callable, MutableSequence
from multiprocessing.connection import wait
from typing import Any

from flask import Flask
from waitress.adjustments import Adjustments
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from search.processes import die_with_parent

# Bounds on what a client may send: a search is a short GET, never a large upload.
MAX_REQUEST_HEADER_SIZE = 64 * 1024
MAX_REQUEST_BODY_SIZE = 64 * 1024
BACKLOG = 1024
# A worker that dies is started again, but not more often than this.
RESTART_SECONDS = 1.0
PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port")
# Waitress warns of every request that waits for a thread; with one search thread a process, a few
# waiting is how it serves them, so only a queue this deep is worth a warning.
QUEUE_WARNING_DEPTH = 8

Server = BaseWSGIServer | MultiSocketServer
# What a worker that is not running tells the others of its connections: it takes none.
_STOPPED = 2**31 - 1


def listen(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for every address `host` stands for (as waitress resolves it), all on one
    port; port 0 picks a free one. Raise OSError when one cannot be bound."""
    sockets: list[socket.socket] = []
    try:
        for family, kind, proto, address in Adjustments(host=host, port=port).listen:
            if sockets and not port:  # the port the first socket got
                address = (address[0], sockets[0].getsockname()[1], *address[2:])
            sock = socket.socket(family, kind, proto)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def proxy_settings(trusted_proxy: str | None = None, headers: tuple[str, ...] = PROXY_HEADERS) -> dict[str, Any]:
    """The settings that make waitress believe the `headers` of requests from `trusted_proxy` (an
    address, or `*` for any); none without one. Raise ValueError for a header waitress does not know."""
    if not trusted_proxy:
        return {}
    settings = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": set(headers)}
    Adjustments(**settings)  # checks them now rather than in each worker
    return settings


class _DeepQueue(logging.Filter):
    """Lets waitress's "Task queue depth is N" warning through only from QUEUE_WARNING_DEPTH up."""

    def filter(self, record: logging.LogRecord) -> bool:
        depth = record.args[0] if isinstance(record.args, tuple) and record.args else None
        return not isinstance(depth, int) or depth >= QUEUE_WARNING_DEPTH


def make_server(app: Flask, sockets: list[socket.socket], threads: int, proxy: dict[str, Any] | None = None) -> Server:
    """A waitress server for `app` on bound `sockets`, ready to `run()`; `proxy` from proxy_settings."""
    queue_log = logging.getLogger("waitress.queue")
    if not any(isinstance(found, _DeepQueue) for found in queue_log.filters):
        queue_log.addFilter(_DeepQueue())
    return create_server(app, sockets=sockets, threads=threads, ident="bulletin-search",
                         max_request_header_size=MAX_REQUEST_HEADER_SIZE,
                         max_request_body_size=MAX_REQUEST_BODY_SIZE, channel_timeout=30, **(proxy or {}))


def addresses(sockets: list[socket.socket]) -> list[str]:
    """The URLs of the listening sockets."""
    found = []
    for sock in sockets:
        host, port = sock.getsockname()[:2]
        found.append(f"http://{f'[{host}]' if ':' in host else host}:{port}")
    return found


def run(server: Server | Workers) -> None:
    """Serve until Ctrl+C, then close the listening sockets (and stop the worker processes)."""
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


def balance(server: Server, connections: MutableSequence[int], me: int) -> None:
    """Make `server` accept new connections only while it holds no more than any other worker:
    `connections` holds each worker's count (the sockets its server watches), `me` is its place there."""
    watched = server.map if isinstance(server, MultiSocketServer) else server._map
    for listener in [each for each in watched.values() if isinstance(each, BaseWSGIServer)]:
        listener.readable = _balanced(listener.readable, watched, connections, me)


def _balanced(readable: Callable[[], bool], watched: dict, connections: MutableSequence[int],
              me: int) -> Callable[[], bool]:
    def balanced() -> bool:
        # asyncore asks before each wait: the count it tells is the one this worker waits with
        connections[me] = len(watched)
        return readable() and connections[me] <= min(connections)
    return balanced


class Workers:
    """Worker processes serving on shared `sockets`, each with an app of its own (`make_app`), so
    each with its own open index and Voikko handles, and taking new connections in turn (`balance`).
    Forked when made: make them before this process starts threads of its own."""

    def __init__(self, make_app: Callable[[], Flask], sockets: list[socket.socket], threads: int,
                 proxy: dict[str, Any], count: int, on_restart: Callable[[int], None]) -> None:
        self._context = multiprocessing.get_context("fork")
        self._parent = os.getpid()
        self._args = (make_app, sockets, threads, proxy)
        self._sockets = sockets
        self._on_restart = on_restart
        self.connections = self._context.RawArray("q", [_STOPPED] * count)
        self.processes = [self._start(index) for index in range(count)]

    def run(self) -> None:
        """Watch the workers until Ctrl+C, starting a worker that dies again (after telling
        `on_restart` its exit code)."""
        while True:
            wait([process.sentinel for process in self.processes])
            for index, process in enumerate(self.processes):
                if process.exitcode is not None:
                    self.connections[index] = _STOPPED
                    self._on_restart(process.exitcode)
                    time.sleep(RESTART_SECONDS)
                    self.processes[index] = self._start(index)

    def close(self) -> None:
        """Stop the workers and close the sockets."""
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()
        for sock in self._sockets:
            sock.close()

    def _start(self, index: int) -> multiprocessing.Process:
        process = self._context.Process(target=_work, args=(self._parent, self.connections, index, *self._args),
                                        daemon=True)
        process.start()
        return process


def _work(parent: int, connections: MutableSequence[int], me: int, make_app: Callable[[], Flask],
          sockets: list[socket.socket], threads: int, proxy: dict[str, Any]) -> None:
    """A worker process: its own app and index, serving on the shared sockets in turn with the others."""
    die_with_parent(parent)
    server = make_server(make_app(), sockets, threads, proxy)
    balance(server, connections, me)
    server.run()

"""Servers on 127.0.0.1 for the load and fault benchmarks: `bulletins serve`, and a client that sends
searches to /api/search and notes every reply. The `xapian-tcpsrv` servers of a Xapian index's
shards are search.xapian.servers': `shard_servers` starts one per shard of a local index."""

from __future__ import annotations

import http.client
import json
import random
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import devset
from search.xapian.layout import local_shards
from search.xapian.servers import ShardServers

HOST = "127.0.0.1"
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a second bound besides the clock
SERVER_LOG = devset.OUT / "load-server.log"


def start_server(target: list[str], threads: int | None, workers: int) -> tuple[subprocess.Popen, int]:
    """`bulletins serve` of `target` (`["--index", DIR]` or `["--shards", LIST]`) with `threads` per
    process (None: its default) on a free loopback port, and that port once the server answers. Its
    log (waitress warns of a deep queue of requests under load; the app logs unexpected errors) goes to
    benchmarks/out/load-server.log."""
    command = [sys.executable, "-c", "from search.cli import main; main()", "serve", "--host", HOST, "--port", "0",
               *target, *(["--threads", str(threads)] if threads else []), "--workers", str(workers)]
    with SERVER_LOG.open("a", encoding="utf-8") as log:
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=devset.ROOT)
    line = server.stdout.readline() if server.stdout else ""
    port = re.search(r"http://[^ ]+:(\d+)", line)  # the line names the shards too: not their ports
    if not port:
        server.kill()
        sys.exit(f"the server did not start: {line!r}")
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection(HOST, int(port[1]), timeout=5)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return server, int(port[1])
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not answer /api/health")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


@dataclass(frozen=True)
class Reply:
    """One search sent: when its answer came (perf_counter), how long it took, its HTTP status (0
    when none came) and, unless it was a 200 with hits, what went wrong."""

    at: float
    seconds: float
    status: int
    error: str = ""


def client(port: int, queries: list[str], deadline: float, seed: int, replies: list[Reply]) -> None:
    """Send searches one after another on one keep-alive connection until the deadline."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.perf_counter() >= deadline:
            break
        path = "/api/search?" + urlencode({"q": rng.choice(queries)})
        started = time.perf_counter()
        status, error = 0, ""
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            status = response.status
            body = json.loads(response.read())
            if status != 200 or "hits" not in body:
                error = f"{status} {path}: {body.get('message', '')}"
        except (OSError, http.client.HTTPException, ValueError) as exception:
            error = f"{type(exception).__name__} {path}"
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
        replies.append(Reply(time.perf_counter(), time.perf_counter() - started, status, error))
    connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def shard_servers(index_dir: Path) -> tuple[ShardServers, tuple[str, ...]]:
    """A `xapian-tcpsrv` on a free loopback port for each shard of the local Xapian index in
    `index_dir` (each in a session of its own, with the children it forks for its connections), and
    their `host:port` addresses. Closing the ShardServers stops them all."""
    servers = ShardServers()
    try:
        return servers, servers.serve_all(local_shards(index_dir))
    except RuntimeError as error:
        servers.close()
        sys.exit(f"cannot serve the shards: {error}")

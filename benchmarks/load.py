"""Load on loopback: `bulletins serve` over the dev corpus (../shared/data/kko.jsonl), hammered on
/api/search with the dev set's 300 queries by a few client threads, with one server process and
with the default (one per core), in the same run. Prints requests per second, p50/p95/p99 latency
and errors of each, and the server's memory after the run, as its proportional set size (PSS):
anonymous memory (Python's own: caches, per-generation tables) and mapped index files (pages the
OS shares between threads and processes, and can reclaim). A run of 30 s serves well over 1,000
searches on this machine.

    .venv/bin/python benchmarks/load.py [--seconds 30] [--clients 8] [--threads 4]

The first run indexes the corpus into benchmarks/out/ (several minutes); later runs reuse it.
Only 127.0.0.1 is contacted, and the run stops by itself after --seconds."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402

HOST = "127.0.0.1"
MIN_SECONDS = 30
MAX_REQUESTS_PER_CLIENT = 1_000_000  # a second bound besides the clock


def start_server(index_dir: Path, threads: int, workers: int) -> tuple[subprocess.Popen, int]:
    """`bulletins serve` on a free loopback port, and that port once the server answers. Its log
    (waitress warns of every queued request under load) goes to benchmarks/out/load-server.log."""
    command = [sys.executable, "-c", "from search.cli import main; main()", "serve", "--host", HOST, "--port", "0",
               "--index", str(index_dir), "--threads", str(threads), "--workers", str(workers)]
    with (devset.OUT / "load-server.log").open("a", encoding="utf-8") as log:
        server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True, cwd=devset.ROOT)
    line = server.stdout.readline() if server.stdout else ""
    port = re.search(r":(\d+) ", line)
    if not port:
        server.kill()
        sys.exit(f"the server did not start: {line!r}")
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection(HOST, int(port[1]), timeout=5)
            connection.request("GET", "/api/health")
            if connection.getresponse().status == 200:
                return server, int(port[1])
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not answer /api/health")


def client(port: int, queries: list[str], deadline: float, seed: int, latencies: list[float],
           errors: list[str]) -> None:
    """Send searches one after another on one keep-alive connection until the deadline."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.perf_counter() >= deadline:
            break
        path = "/api/search?" + urlencode({"q": rng.choice(queries)})
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or "hits" not in json.loads(body):
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException, ValueError) as error:
            errors.append(f"{type(error).__name__} {path}")
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=30)
        latencies.append(time.perf_counter() - started)
    connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def memory(pid: int) -> tuple[int, int]:
    """Anonymous and file-backed memory, in bytes, of process `pid` and its children: their
    proportional share (PSS), so that index pages mapped by several threads' readers or several
    processes count once."""
    anonymous = mapped = 0
    for entry in [pid, *(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]:
        rollup = Path(f"/proc/{entry}/smaps_rollup").read_text()
        anonymous += int(re.search(r"Pss_Anon:\s+(\d+)", rollup)[1]) * 1024
        mapped += int(re.search(r"Pss_File:\s+(\d+)", rollup)[1]) * 1024
    return anonymous, mapped


def measure(index_dir: Path, queries: list[str], args: argparse.Namespace, workers: int) -> tuple[float, int]:
    """Serve with `workers` processes, load it, and print what it did."""
    server, port = start_server(index_dir, args.threads, workers)
    try:
        for seed in range(2 * workers):  # open each process's index and fill its caches
            client(port, queries, time.perf_counter() + 3 / workers, seed, [], [])
        latencies: list[list[float]] = [[] for _ in range(args.clients)]
        errors: list[str] = []
        started = time.perf_counter()
        deadline = started + args.seconds
        clients = [threading.Thread(target=client, args=(port, queries, deadline, n + 1, latencies[n], errors))
                   for n in range(args.clients)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        elapsed = time.perf_counter() - started
        anonymous, mapped = memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    every = [latency for per_client in latencies for latency in per_client]
    print(f"{workers} process{'es' if workers > 1 else ''}: requests {len(every):,}  errors {len(errors)}  "
          f"{len(every) / elapsed:,.1f} req/s  p50 {percentile(every, 0.50) * 1000:.1f} ms  "
          f"p95 {percentile(every, 0.95) * 1000:.1f} ms  p99 {percentile(every, 0.99) * 1000:.1f} ms")
    print(f"  memory after {len(every):,} searches: {(anonymous + mapped) / 2**20:,.0f} MB (proportional set size) = "
          f"{anonymous / 2**20:,.0f} MB anonymous + {mapped / 2**20:,.0f} MB of mapped index and program files")
    for error in errors[:5]:
        print(f"  error: {error}")
    return len(every) / elapsed, len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=MIN_SECONDS, help="length of each measured run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--threads", type=int, default=4, help="server threads per process")
    args = parser.parse_args()
    devset.require_devset()
    queries = list(devset.queries().values())
    index_dir = devset.our_index()
    default = os.cpu_count() or 1
    print(f"GET /api/search on {HOST}: {len(queries)} dev queries, {args.clients} clients, {args.threads} server "
          f"threads per process, {args.seconds:.0f} s each")
    one, errors = measure(index_dir, queries, args, 1)
    if default > 1:
        many, more_errors = measure(index_dir, queries, args, default)
        print(f"{default} processes against 1: {many / one:.2f}× the requests per second")
        errors += more_errors
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

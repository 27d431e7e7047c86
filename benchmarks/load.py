"""Load on loopback: `bulletins serve` over the dev corpus (../shared/data/kko.jsonl), hammered on
/api/search with the dev set's 300 queries by a few client threads, with one server process and
with the default (one per core), in the same run. Prints requests per second, p50/p95/p99 latency
and errors of each, and the server's memory after the run, as its proportional set size (PSS):
anonymous memory (Python's own: caches, per-generation tables) and mapped index files (pages the
OS shares between threads and processes, and can reclaim). A run of 30 s serves well over 1,000
searches on this machine.

    .venv/bin/python benchmarks/load.py [--seconds 30] [--clients 8] [--threads N] [--limit N] [--backend xapian --shards 1,2,4]

With `--limit N` the index holds the first N decisions only (issue 15 set its serving targets on
1,500).

With `--backend xapian`, the Whoosh index with the default processes comes first, as the baseline;
then the Xapian index of the same corpus built with each shard count of --shards in turn, each
shard served by its own `xapian-tcpsrv` on loopback and searched by `bulletins serve --shards`
(the memory figures are the web server's; the shard servers' follow apart).

The first run indexes the corpus into benchmarks/out/ (several minutes); later runs reuse it.
Only 127.0.0.1 is contacted, and the run stops by itself after --seconds."""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402
from benchmarks.loopback import HOST, Reply, client, percentile, shard_servers, start_server, stop  # noqa: E402

MIN_SECONDS = 30


def memory(pid: int) -> tuple[int, int]:
    """Anonymous and file-backed memory, in bytes, of process `pid` and its children: their
    proportional share (PSS), so that index pages mapped by several threads' readers or several
    processes count once. A child that ends meanwhile counts nothing."""
    anonymous = mapped = 0
    for entry in [pid, *(int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]:
        try:
            rollup = Path(f"/proc/{entry}/smaps_rollup").read_text()
        except OSError:
            continue
        anonymous += int(re.search(r"Pss_Anon:\s+(\d+)", rollup)[1]) * 1024
        mapped += int(re.search(r"Pss_File:\s+(\d+)", rollup)[1]) * 1024
    return anonymous, mapped


def measure(label: str, target: list[str], queries: list[str], args: argparse.Namespace, workers: int,
            shard_pids: tuple[int, ...] = ()) -> tuple[float, int]:
    """Serve `target` (`--index DIR` or `--shards LIST`, whose servers are `shard_pids`) with `workers`
    processes, load it, and print what it did."""
    server, port = start_server(target, args.threads, workers)
    try:
        for seed in range(2 * workers):  # open each process's index and fill its caches
            client(port, queries, time.perf_counter() + 3 / workers, seed, [])
        replies: list[list[Reply]] = [[] for _ in range(args.clients)]
        started = time.perf_counter()
        deadline = started + args.seconds
        clients = [threading.Thread(target=client, args=(port, queries, deadline, n + 1, replies[n]))
                   for n in range(args.clients)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        elapsed = time.perf_counter() - started
        anonymous, mapped = memory(server.pid)
        held = sum(sum(memory(pid)) for pid in shard_pids)  # before the web server's connections close
    finally:
        stop(server)
    every = [reply.seconds for per_client in replies for reply in per_client]
    errors = [reply.error for per_client in replies for reply in per_client if reply.error]
    print(f"{label}: requests {len(every):,}  errors {len(errors)}  "
          f"{len(every) / elapsed:,.1f} req/s  p50 {percentile(every, 0.50) * 1000:.1f} ms  "
          f"p95 {percentile(every, 0.95) * 1000:.1f} ms  p99 {percentile(every, 0.99) * 1000:.1f} ms")
    print(f"  memory after {len(every):,} searches: {(anonymous + mapped) / 2**20:,.0f} MB (proportional set size) = "
          f"{anonymous / 2**20:,.0f} MB anonymous + {mapped / 2**20:,.0f} MB of mapped index and program files"
          + (f"; the shard servers: {held / 2**20:,.0f} MB" if shard_pids else ""))
    for error in errors[:5]:
        print(f"  error: {error}")
    return len(every) / elapsed, len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=MIN_SECONDS, help="length of each measured run")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--threads", type=int, help="server threads per process  [default: bulletins serve's]")
    parser.add_argument("--backend", choices=("whoosh", "xapian"), default="whoosh",
                        help="xapian: the Xapian index through xapian-tcpsrv shards, after the Whoosh baseline")
    parser.add_argument("--shards", default="1,2,4", help="with --backend xapian: the shard counts to serve in turn")
    parser.add_argument("--limit", type=int, help="serve an index of the dev corpus's first N decisions only")
    args = parser.parse_args()
    if args.limit and args.backend == "xapian":
        parser.error("--limit serves the Whoosh index only")
    devset.require_devset()
    queries = list(devset.queries().values())
    index_dir = devset.our_index(args.limit)
    default = os.cpu_count() or 1
    threads = (f"{args.threads} server thread{'s' if args.threads > 1 else ''}" if args.threads
               else "the server's default threads")
    decisions = f"the first {args.limit:,} decisions" if args.limit else "all decisions"
    print(f"GET /api/search on {HOST}: {len(queries)} dev queries, {args.clients} clients, {threads} "
          f"per process, {args.seconds:.0f} s each, on {decisions}")
    if args.backend == "xapian":
        sys.exit(1 if compare_shards(index_dir, queries, args, default) else 0)
    one, errors = measure("1 process", ["--index", str(index_dir)], queries, args, 1)
    if default > 1:
        many, more_errors = measure(f"{default} processes", ["--index", str(index_dir)], queries, args, default)
        print(f"{default} processes against 1: {many / one:.2f}× the requests per second")
        errors += more_errors
    sys.exit(1 if errors else 0)


def compare_shards(index_dir: Path, queries: list[str], args: argparse.Namespace, workers: int) -> int:
    """The Whoosh index, then the Xapian index in each shard count of --shards served by xapian-tcpsrv
    on loopback, each with `workers` server processes; the errors of them all."""
    counts = [int(count) for count in args.shards.split(",")]
    indexes = {count: devset.xapian_index(count) for count in counts}  # all built before any is timed
    base, errors = measure(f"Whoosh, {workers} processes", ["--index", str(index_dir)], queries, args, workers)
    for count, xapian_dir in indexes.items():
        servers, addresses = shard_servers(xapian_dir)
        with servers:
            rate, more = measure(f"Xapian, {count} shard{'s' if count > 1 else ''} on xapian-tcpsrv, {workers} processes",
                                 ["--shards", ",".join(addresses)], queries, args, workers,
                                 tuple(process.pid for process in servers.processes.values()))
        print(f"  {rate / base:.2f}× the requests per second of Whoosh")
        errors += more
    return errors


if __name__ == "__main__":
    main()

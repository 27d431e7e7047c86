"""Shard faults: a shard server dies under load and comes back. `bulletins serve --shards` searches the
dev corpus's Xapian index through one `xapian-tcpsrv` per shard on loopback, hammered on /api/search
by client threads (benchmarks/load.py's); in the middle of the run one shard server is killed with
SIGKILL (with the children it forked for its connections), kept down a few seconds, and started
again on the same port.

    .venv/bin/python benchmarks/shardfaults.py [--shards 2] [--before 5] [--down 5] [--after 10] [--clients 8]

Prints the replies before the kill, while the shard is down and after its restart: how many were
200, 503 (the app's answer while a shard is down, naming it) and 500 (must be 0), and how soon after
the restart searches succeeded again: the first 200, and the last reply that was not. The first
run indexes the corpus into benchmarks/out/ (a few minutes); later runs reuse it. Only 127.0.0.1 is
contacted. Skips with a message when ../shared/data is absent."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402
from benchmarks.loopback import SERVER_LOG, Reply, client, shard_servers, start_server, stop  # noqa: E402

VICTIM = 0  # the shard whose server is killed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shards", type=int, default=2, help="shards of the index, each with its own server")
    parser.add_argument("--before", type=float, default=5.0, help="seconds of load before the kill")
    parser.add_argument("--down", type=float, default=5.0, help="seconds the shard stays down")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of load after the restart")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--threads", type=int, default=4, help="server threads per process")
    args = parser.parse_args()
    devset.require_devset()
    queries = list(devset.queries().values())
    index_dir = devset.xapian_index(args.shards)
    log_start = SERVER_LOG.stat().st_size if SERVER_LOG.exists() else 0
    workers = os.cpu_count() or 1
    servers, addresses = shard_servers(index_dir)
    victim = addresses[VICTIM]
    with servers:
        server, port = start_server(["--shards", ",".join(addresses)], args.threads, workers)
        try:
            for seed in range(2 * workers):  # open each process's shards
                client(port, queries, time.perf_counter() + 3 / workers, seed, [])
            replies: list[list[Reply]] = [[] for _ in range(args.clients)]
            started = time.perf_counter()
            deadline = started + args.before + args.down + args.after
            clients = [threading.Thread(target=client, args=(port, queries, deadline, n + 1, replies[n]))
                       for n in range(args.clients)]
            for thread in clients:
                thread.start()
            time.sleep(args.before)
            killed = time.perf_counter()
            os.killpg(servers.processes[victim].pid, signal.SIGKILL)  # the server and its connections' children
            servers.stop(victim)  # only reaps them now
            time.sleep(args.down)
            servers.restart(victim)
            restarted = time.perf_counter()
            for thread in clients:
                thread.join()
        finally:
            stop(server)
    every = sorted((reply for per_client in replies for reply in per_client), key=lambda reply: reply.at)
    print(f"{args.clients} clients on /api/search over {args.shards} shards (xapian-tcpsrv on loopback), {workers} "
          f"server processes; shard {VICTIM} ({victim}) killed with "
          f"SIGKILL {killed - started:.1f} s in, started again {restarted - killed:.1f} s later")
    report(every, started, killed, restarted, victim)
    unexpected = SERVER_LOG.read_bytes()[log_start:].count(b"unexpected error")
    print(f"unexpected errors in the server's log ({SERVER_LOG.name}): {unexpected}")
    sys.exit(1 if unexpected or any(reply.status == 500 for reply in every) else 0)


def report(every: list[Reply], started: float, killed: float, restarted: float, victim: str) -> None:
    """The replies of each phase by status, the 503s that name the shard, and the recovery."""
    phases = {"before the kill": (started, killed), "while the shard is down": (killed, restarted),
              "after the restart": (restarted, float("inf"))}
    print(f"\n{'replies':26}{'all':>7}{'200':>7}{'503':>7}{'500':>7}{'other':>7}")
    for name, (first, last) in phases.items():
        statuses = Counter(reply.status for reply in every if first <= reply.at < last)
        other = sum(count for status, count in statuses.items() if status not in (200, 503, 500))
        print(f"{name:26}{statuses.total():7,}{statuses[200]:7,}{statuses[503]:7,}{statuses[500]:7,}{other:7,}")
    unavailable = [reply for reply in every if reply.status == 503]
    naming = sum(victim in reply.error for reply in unavailable)
    print(f"503s that name the killed shard: {naming}/{len(unavailable)}")
    for error in sorted({reply.error for reply in every if reply.error and reply.status != 503})[:5]:
        print(f"  other error: {error}")
    after = [reply for reply in every if reply.at >= restarted]
    first_ok = next((reply.at for reply in after if reply.status == 200), None)
    last_bad = max((reply.at for reply in every if reply.status != 200), default=None)
    print(f"first 200 after the restart: {_after(first_ok, restarted)}; last reply other than 200: "
          f"{_after(last_bad, restarted)}")


def _after(moment: float | None, restarted: float) -> str:
    return "none" if moment is None else f"{moment - restarted:+.2f} s from the restart"


if __name__ == "__main__":
    main()

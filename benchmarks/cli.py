"""CLI: the wall time and peak memory of one `bulletins search --json QUERY` on the dev index (the
6,242 decisions of ../shared/data/kko.jsonl), start-up included, against a plain Whoosh search of
the Snowball index run the same way in the same run (and, with --before, against another git
revision's `bulletins search` on its own index of the dev corpus). Targets: 300 ms and 250 MB.

    .venv/bin/python benchmarks/cli.py [--queries 30] [--before REVISION]

Each query runs once per program, the programs interleaved, so that the shared machine's noise
falls on all of them alike. Each checkout's package is compiled to bytecode first, as `make setup`
leaves it (and as pip leaves a regular install), so that no run compiles it where
PYTHONDONTWRITEBYTECODE is set."""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset, revision  # noqa: E402

TARGET_SECONDS = 0.3
TARGET_MB = 250
# The one-shot search a Whoosh user would write: open the Snowball index, search, print the ids.
_SNOWBALL = """
import json, sys
from whoosh.index import open_dir
from whoosh.qparser import OrGroup, QueryParser
ix = open_dir(sys.argv[1])
query = QueryParser("text", ix.schema, group=OrGroup).parse(sys.argv[-1])
with ix.searcher() as searcher:
    print(json.dumps([hit["id"] for hit in searcher.search(query, limit=10)]))
"""
_BULLETINS = "from search.cli import main; main()"


def run(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one run of `command`, which must succeed (or find nothing)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env={**os.environ, "PYTHONPATH": str(cwd)},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {child.stderr.read().decode()}")
    child.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def summary(name: str, runs: list[tuple[float, float]], target: bool = False) -> None:
    """One row: p50, p95 and the slowest wall time, and the largest peak memory."""
    times = sorted(seconds for seconds, _ in runs)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    peak = max(megabytes for _, megabytes in runs)
    verdict = ""
    if target:
        met = times[len(times) // 2] <= TARGET_SECONDS and peak <= TARGET_MB
        verdict = f"   target {TARGET_SECONDS * 1000:.0f} ms / {TARGET_MB} MB: {'met' if met else 'not met'} (by p50)"
    print(f"{name:<28} {statistics.median(times) * 1000:7.0f} {p95 * 1000:7.0f} {times[-1] * 1000:7.0f} {peak:8.0f}{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=30, help="how many dev queries (the first ones)")
    parser.add_argument("--before", metavar="REVISION", help="also run this revision's CLI, for comparison")
    args = parser.parse_args()
    devset.require_devset()
    queries = list(devset.queries().values())[:args.queries]
    programs: dict[str, tuple[list[str], Path]] = {}
    index_dir = devset.our_index()
    programs["bulletins search (ours)"] = ([sys.executable, "-c", _BULLETINS, "search", "--json", "--index",
                                            str(index_dir)], devset.ROOT)
    baseline = devset.baseline_index()
    programs["plain Whoosh, Snowball"] = ([sys.executable, "-c", _SNOWBALL, baseline.storage.folder], devset.ROOT)
    if args.before:
        tree = revision.checkout(args.before)
        subprocess.run([sys.executable, "-c", "from benchmarks import devset; devset.our_index()"], cwd=tree,
                       env={**os.environ, "PYTHONPATH": str(tree)}, check=True)
        programs[f"bulletins search ({args.before})"] = (
            [sys.executable, "-c", _BULLETINS, "search", "--json", "--index", str(tree / "benchmarks/out/kko-index")], tree)
    for tree in {cwd for _, cwd in programs.values()}:
        compileall.compile_dir(tree / "search", quiet=1)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in programs}
    for text in queries:
        for name, (command, cwd) in programs.items():
            runs[name].append(run([*command, "--", text], cwd))
    print(f"one search per process, {len(queries)} dev queries, on {index_dir.name} (6,242 decisions)")
    print(f"{'':<28} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'peak MB':>8}")
    for number, (name, measured) in enumerate(runs.items()):
        summary(name, measured, target=number == 0)


if __name__ == "__main__":
    main()

"""Indexing speed and size: our Voikko index against a plain Whoosh index with Snowball stemming
(`LanguageAnalyzer("fi")`, default single-process writer), same bulletins, same run; with
`--before REVISION`, also our index as another git revision of the project builds it
(benchmarks/revision.py), to see what a change costs.

    .venv/bin/python benchmarks/indexing.py [--data kko] [--data headlines] [--limit N]… [--before REVISION] [--rounds N]

By default every size issue 15 names: the first 300 and 1,500 decisions of kko and all 6,242, the
first 20,000 headlines and all 100,000 (about 20 minutes); `--limit` (repeatable) picks sizes of
each data set instead. Each build runs in a fresh process, timed from the process's start to its
end, as a `bulletins index` run is (start-up, imports and the commit included); peak RSS is sampled
over that process and its worker processes together. Ours is built twice: first with an empty
persistent analysis cache (search.finnish.analysis_cache), as on a new machine, then again with the
cache that first build filled ("ours warm"), as a rebuild or a corpus that grows finds it. The
ratio is of wall-clock speed; the CPU-time ratio beside it tells how much other load on the machine
skewed it. For both builds of ours a line tells where the wall time went: start-up and exit (the
interpreter, imports), reading the corpus (as the workers analyse and add it), finishing (the
workers' last batches, then their segments written) and committing; the cold build's reading and
finishing less the warm build's are about what analysing new words costs. On a shared, noisy
machine, `--rounds N` builds every index N times, the builders taking turns, and reports the median
of each figure. A table of the ratios at every size ends the run. Skips with a message when
../shared/data is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
SETS = {"kko": "kko.jsonl", "headlines": "headlines-100k.jsonl"}
SIZES = {"kko": (300, 1500, None), "headlines": (20_000, None)}  # None: all of it
BUILDERS = ("ours", "snowball")
XAPIAN_SHARDS = 2  # the shards of the Xapian build (benchmarks/backends.py)


def build_ours(corpus_dir: Path, index_dir: Path) -> tuple[int, dict[str, float]]:
    """Our build, and how long its phases took (Phases)."""
    from search.index.writer import update_index

    phases = Phases()
    bulletins = update_index(corpus_dir, index_dir, rebuild=True, progress=phases).bulletins
    return bulletins, phases.seconds()


class Phases:
    """Notes when a run of update_index (told as its progress is) reads its last bulletin and when its
    workers have written all they hold: the three phases of a run, from its call to its end, are
    reading (the workers analysing and adding what is read), finishing (the workers' last batches,
    then their segments written) and committing."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.read: float | None = None
        self.written: float | None = None

    def advance(self, bulletins: int) -> None:
        pass

    def finishing(self) -> None:
        self.read = time.perf_counter()

    def writing(self, share: float) -> None:
        if share >= 1:
            self.written = time.perf_counter()

    def seconds(self) -> dict[str, float]:
        """Each phase's seconds, up to now (the run's end)."""
        ended = time.perf_counter()
        read = self.read or ended
        written = self.written or read  # a run without workers writes as it commits
        return {"reading": read - self.started, "finishing": written - read, "committing": ended - written}


def build_xapian(corpus_dir: Path, index_dir: Path) -> int:
    """Our index on the Xapian backend, in XAPIAN_SHARDS shards."""
    from search.backends import update_index

    return update_index(corpus_dir, index_dir, backend="xapian", shards=XAPIAN_SHARDS, rebuild=True).bulletins


def build_snowball(corpus_dir: Path, index_dir: Path) -> int:
    from whoosh.analysis import LanguageAnalyzer
    from whoosh.fields import DATETIME, ID, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage

    from search.corpus import CorpusReader
    from search.index.documents import to_document

    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(LanguageAnalyzer("fi"), stored=True),
                    body=TEXT(LanguageAnalyzer("fi"), stored=True), date=DATETIME(stored=True, sortable=True))
    index_dir.mkdir(parents=True)
    count = 0
    with FileStorage(str(index_dir)).create_index(schema).writer() as writer:
        for bulletin in CorpusReader(corpus_dir):
            document = to_document(bulletin)
            writer.add_document(**{name: document[name] for name in schema.names()})
            count += 1
    return count


def run_build(builder: str, corpus_dir: Path, index_dir: Path) -> None:
    """In the child process: build, then print the bulletin count, the seconds of the build's phases
    (ours only) and CPU seconds (this process, start-up included, and its workers) as JSON."""
    built = globals()[f"build_{builder}"](corpus_dir, index_dir)
    count, phases = built if isinstance(built, tuple) else (built, {})
    print(json.dumps({"bulletins": count, "cpu": cpu_seconds()} | phases))


def cpu_seconds() -> float:
    """CPU time used by this process and its finished child processes."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tree_rss(pid: int) -> int:
    """The resident memory of process `pid` and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total


def measure(builder: str, corpus_dir: Path, index_dir: Path, cache: Path, tree: Path | None = None) -> dict:
    """Build in a child process (with the code of the checkout `tree`, when given, and the analysis
    cache folder `cache`) and sample its memory; return its figures."""
    root = tree or ROOT
    command = [sys.executable, str(root / "benchmarks" / "indexing.py"), "--run", builder, str(corpus_dir), str(index_dir)]
    # the child imports what it builds with from `root`: its own code, first on the path
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=root,
                               env={**os.environ, "PYTHONPATH": str(root), "BULLETINS_CACHE": str(cache)})
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{builder} build failed")
    figures = json.loads(output.strip().splitlines()[-1]) | {"seconds": seconds}
    if "reading" in figures:  # the rest of the wall time: the interpreter's start, imports and exit
        figures["starting"] = seconds - figures["reading"] - figures["finishing"] - figures["committing"]
    figures["peak_mb"] = peak / 2**20
    figures["size_mb"] = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file()) / 2**20
    figures["stored_mb"] = stored_size(index_dir) / 2**20
    return figures


def stored_size(index_dir: Path) -> int:
    """Bytes taken by the stored fields (title, body, …) in the index's compound segment files."""
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(index_dir))
    total = 0
    for name in storage.list():
        if name.endswith(".seg"):
            compound = CompoundStorage(storage.open_file(name), use_mmap=False)
            total += sum(compound.file_length(inner) for inner in compound.list() if "_stored" in inner)
            compound.close()
    return total


def corpus_of(data_file: Path, limit: int | None, scratch: Path) -> Path:
    """A corpus folder holding `data_file`, or its first `limit` lines."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.devset import first_lines  # here, not in the builds' child processes: they import what they build with

    folder = scratch / f"corpus-{data_file.stem}"
    folder.mkdir()
    first_lines(data_file, limit, folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, action="append",
                        help="index only the first N bulletins of each data set (repeatable; default: issue 15's sizes)")
    parser.add_argument("--data", action="append", choices=SETS, help="data set (default: both)")
    parser.add_argument("--before", metavar="REVISION", help="also build our index as this revision builds it")
    parser.add_argument("--rounds", type=int, default=1,
                        help="build each index this many times, the builders taking turns, and report the medians")
    parser.add_argument("--run", nargs=3, metavar=("BUILDER", "CORPUS", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_build(args.run[0], Path(args.run[1]), Path(args.run[2]))
        return
    if not DATA.is_dir():
        print(f"skipped: {DATA} is absent (see ../shared/README.md)")
        return
    print(f"{'data':10} {'index':9} {'bulletins':>9} {'seconds':>8} {'CPU s':>7} {'bull./s':>8} {'size MB':>8} "
          f"{'stored MB':>9} {'peak RSS MB':>11}")
    ratios: list[tuple[str, int, float, float, float, float]] = []
    for name in args.data or list(SETS):
        for limit in args.limit or SIZES[name]:
            results = measure_size(name, limit, args.before, args.rounds)
            ours, warm, snowball = results["ours"], results["ours warm"], results["snowball"]
            ratios.append((name, ours["bulletins"], snowball["seconds"] / ours["seconds"], snowball["cpu"] / ours["cpu"],
                           snowball["seconds"] / warm["seconds"], snowball["cpu"] / warm["cpu"]))
    print(f"{'':20} {'cold cache':>14} {'warm cache':>14}")
    print(f"{'data':10} {'bulletins':>9} {'ratio':>6} {'of CPU':>7} {'ratio':>6} {'of CPU':>7}"
          "   (Snowball's time over ours: ≥ 1.0 is the target)")
    for name, bulletins, ratio, cpu, warm_ratio, warm_cpu in ratios:
        print(f"{name:10} {bulletins:9,} {ratio:6.2f} {cpu:7.2f} {warm_ratio:6.2f} {warm_cpu:7.2f}")


def measure_size(name: str, limit: int | None, before: str | None, rounds: int = 1) -> dict[str, dict]:
    """Build the first `limit` bulletins (all, for None) of data set `name` with each builder, in
    `rounds` rounds (each cold build with an empty cache of its own), print their rows (the median
    of the rounds), and return their figures."""
    runs: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-indexing-") as scratch:
        corpus = corpus_of(DATA / SETS[name], limit, Path(scratch))
        tree = None
        if before:
            sys.path.insert(0, str(ROOT))
            from benchmarks.revision import checkout  # only here: the builds must import their own code

            tree = checkout(before)
        for number in range(rounds):
            cache = Path(scratch, f"cache-{number}")  # empty for the first build of ours, filled by it for the second
            for builder in BUILDERS:
                runs.setdefault(builder, []).append(measure(builder, corpus, Path(scratch, f"index-{builder}-{number}"),
                                                           cache))
            runs.setdefault("ours warm", []).append(measure("ours", corpus, Path(scratch, f"index-warm-{number}"), cache))
            if tree is not None:
                runs.setdefault(f"before {before}", []).append(
                    measure("ours", corpus, Path(scratch, f"index-before-{number}"), Path(scratch, f"cache-before-{number}"),
                            tree))
    results = {builder: median_run(figures) for builder, figures in runs.items()}
    for builder, r in results.items():
        rate = r["bulletins"] / r["seconds"]
        print(f"{name:10} {builder[:9]:9} {r['bulletins']:9,} {r['seconds']:8.1f} {r['cpu']:7.1f} {rate:8,.0f} "
              f"{r['size_mb']:8.1f} {r['stored_mb']:9.1f} {r['peak_mb']:11.0f}")
    ours, warm, snowball = results["ours"], results["ours warm"], results["snowball"]
    print(f"{name:10} ratio of bulletins/s, ours / snowball: {snowball['seconds'] / ours['seconds']:.2f} "
          f"(of CPU time: {snowball['cpu'] / ours['cpu']:.2f}); with a warm analysis cache "
          f"{snowball['seconds'] / warm['seconds']:.2f} (of CPU time: {snowball['cpu'] / warm['cpu']:.2f}); "
          f"load average now {os.getloadavg()[0]:.1f}")
    for builder in ("ours", "ours warm"):
        r = results[builder]
        print(f"{name:10} {builder[:9]:9} where the time goes: start-up and exit {r['starting']:.1f} s, reading "
              f"{r['reading']:.1f} s, finishing {r['finishing']:.1f} s, committing {r['committing']:.1f} s")
    if before:
        old = results[f"before {before}"]
        print(f"{name:10} ours against {before}: {ours['seconds'] / old['seconds']:.2f}× the time, "
              f"{ours['cpu'] / old['cpu']:.2f}× the CPU time, {ours['size_mb'] / old['size_mb']:.2f}× the size")
    print()
    return results


def median_run(runs: list[dict]) -> dict:
    """The figures of several builds of one index (of the same bulletins): the median of each."""
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]} | {"bulletins": runs[0]["bulletins"]}


if __name__ == "__main__":
    main()

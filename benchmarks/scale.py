"""Scale, by simulation (issue 17): index COUNT generated bulletins into 4 Xapian shards and into 1,
time both builds, time the search API over them, and project the figures to 10 million bulletins.

    .venv/bin/python benchmarks/scale.py [--count 1000000] [--seed 17] [--keep] [--reuse]

The bulletins are made of the real corpora's sentences, so that their words and how often each
comes stay realistic: the KKO decisions (../shared/data/kko.jsonl), the news headlines and their
leads (headlines-100k.jsonl) and Helsinki's decisions (../shared/ahjo). Three kinds, mixed:
- news: a headline as the title, one to a few lead sentences as the body;
- court: several KKO sentences (how many varies widely), titled by their first sentence;
- city: Ahjo and KKO sentences half and half, titled by an Ahjo decision's title or the first
  sentence, with an organ, a kind, a subject class, a diary number and a section as Ahjo has them.
The dates spread over 2000-2025, more of them recent. The corpus goes to benchmarks/out/scale-corpus/
as JSON Lines, 50,000 bulletins a file, and is reused by a run with the same count and seed.

Each build runs in a fresh process (`update_index(..., backend="xapian", shards=N)`, a worker per
core): wall time, CPU time of it and its workers, peak RSS of them together (sampled), and the size
of the index on disk. The generated text repeats a bounded vocabulary, and the Voikko analysis is
cached per word (search.finnish.words.analyze_word), so it indexes faster than as many new
bulletins would: the bulletins/s are an upper bound.

Queries: the 300 dev queries (../shared/data/kko-queries.tsv), 50 one-word queries from the
headlines' titles and 50 phrase queries from the KKO titles (benchmarks/latency.py), each through
`XapianSearch.search()`, warm: every query once untimed, then once timed. Searched: the 4-shard
index, the 1-shard index, and one shard of the 4 alone (a quarter of the bulletins in one
database), so that the growth of p95 from COUNT/4 to COUNT bulletins is measured on one database
and extrapolated to 10 million as a power law.

The figures are printed and kept in benchmarks/out/scale-results.txt; the corpus and the indexes
are removed at the end unless `--keep`."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402
from benchmarks.indexing import cpu_seconds, tree_rss  # noqa: E402
from benchmarks.latency import percentiles, phrase_queries, timed  # noqa: E402
from search.corpus import CorpusReader  # noqa: E402
from search.corpus.text import derive_title, first_sentence  # noqa: E402
from search.finnish import analyze_word  # noqa: E402

OUT = devset.OUT
CORPUS = OUT / "scale-corpus"
RESULTS = OUT / "scale-results.txt"
BUILDS = OUT / "scale-builds.json"  # the last builds' figures, for --reuse
AHJO = devset.DATA.parent / "ahjo"
HEADLINES = devset.DATA / "headlines-100k.jsonl"
TARGET = 10_000_000
SHARDS = 4
PER_FILE = 50_000
INDEXES = {SHARDS: OUT / f"scale-index-{SHARDS}", 1: OUT / "scale-index-1"}
ONE_WORD = 50
ROUNDS = 3  # timed runs of each query
# The mix of kinds, and the median and spread (of the logarithm) of their bodies' sentence counts.
KINDS = {"news": 0.4, "court": 0.3, "city": 0.3}
SENTENCES = {"news": (1.3, 0.6), "court": (7.0, 0.8), "city": (6.0, 0.7)}
MAX_SENTENCES = 60
MIN_WORDS = 3
# City bulletins: the kinds Ahjo gives, how often each, and how often the title is a real decision's.
CITY_KINDS = {"decision": 0.6, "agenda_item": 0.3, "announcement": 0.1}
AHJO_TITLE = 0.4
FIRST_YEAR, LAST_YEAR = 2000, 2025


@dataclass
class Pools:
    """What the generated bulletins are made of, from the real corpora."""

    court: list[str] = field(default_factory=list)  # KKO sentences
    news: list[str] = field(default_factory=list)  # the headlines' lead sentences
    headlines: list[str] = field(default_factory=list)
    city: list[str] = field(default_factory=list)  # sentences of Helsinki's decisions
    city_titles: list[str] = field(default_factory=list)
    organs: list[str] = field(default_factory=list)
    classifications: list[str] = field(default_factory=list)


def sentences(text: str) -> Iterator[str]:
    """The sentences of `text`, line by line (search.corpus.text.first_sentence tells where one ends),
    but not the paragraph numbers, headings and signatures of fewer than MIN_WORDS words."""
    for line in text.split("\n"):
        line = line.strip()
        while line:
            sentence = first_sentence(line)
            if len(re.findall(r"[^\W\d_]+", sentence)) >= MIN_WORDS:
                yield sentence
            line = line[len(sentence):].lstrip()


def load_pools() -> Pools:
    pools = Pools()
    with devset.CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            pools.court += sentences(json.loads(line)["body"])
    with HEADLINES.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            pools.headlines.append(record["title"])
            pools.news += sentences(record["body"])
    for bulletin in CorpusReader(AHJO):
        pools.city += sentences(bulletin.body)
        pools.city_titles.append(bulletin.title)
        pools.organs += [bulletin.organ] if bulletin.organ else []
        pools.classifications += [bulletin.classification] if bulletin.classification else []
    return pools


def body_of(pool: list[str], kind: str, rng: random.Random, other: list[str] | None = None) -> str:
    """Sentences drawn from `pool` (half from `other`, when given), as many as the kind's bulletins
    have, in paragraphs of a few sentences."""
    median, spread = SENTENCES[kind]
    count = max(1, min(MAX_SENTENCES, round(rng.lognormvariate(math.log(median), spread))))
    drawn = [rng.choice(other if other and rng.random() < 0.5 else pool) for _ in range(count)]
    paragraphs = []
    while drawn:
        size = rng.randint(2, 5)
        paragraphs.append(" ".join(drawn[:size]))
        drawn = drawn[size:]
    return "\n\n".join(paragraphs)


def bulletin(number: int, rng: random.Random, pools: Pools) -> dict[str, str]:
    """The `number`th generated bulletin, as a JSON Lines record."""
    kind = rng.choices(list(KINDS), list(KINDS.values()))[0]
    year = FIRST_YEAR + min(int((LAST_YEAR - FIRST_YEAR + 1) * rng.random() ** 0.6), LAST_YEAR - FIRST_YEAR)
    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    record = {"id": f"scale-{number:08d}", "date": date, "lang": "fi"}
    if kind == "news":
        return {**record, "title": rng.choice(pools.headlines), "body": body_of(pools.news, kind, rng)}
    if kind == "court":
        body = body_of(pools.court, kind, rng)
        return {**record, "title": derive_title(body), "body": body}
    body = body_of(pools.city, kind, rng, pools.court)
    title = rng.choice(pools.city_titles) if rng.random() < AHJO_TITLE else derive_title(body)
    return {**record, "title": title, "body": body, "organ": rng.choice(pools.organs),
            "kind": rng.choices(list(CITY_KINDS), list(CITY_KINDS.values()))[0],
            "classification": rng.choice(pools.classifications), "case": f"HEL {year}-{rng.randrange(10**6):06d}",
            "section": str(rng.randint(1, 400))}


def generate(count: int, seed: int) -> dict[str, float]:
    """Write `count` bulletins into CORPUS (unless they are there from an earlier run); their
    figures: characters per bulletin, distinct word forms, and seconds taken."""
    stamp = CORPUS / ".generated.json"  # hidden: the corpus reader leaves it alone
    if stamp.is_file() and json.loads(stamp.read_text())["run"] == [count, seed]:
        return json.loads(stamp.read_text())["figures"]
    started = time.perf_counter()
    shutil.rmtree(CORPUS, ignore_errors=True)
    CORPUS.mkdir(parents=True)
    pools = load_pools()
    rng = random.Random(seed)
    characters, words = 0, set()
    for first in range(0, count, PER_FILE):
        with (CORPUS / f"scale-{first // PER_FILE:04d}.jsonl").open("w", encoding="utf-8") as file:
            for number in range(first, min(first + PER_FILE, count)):
                record = bulletin(number, rng, pools)
                characters += len(record["title"]) + len(record["body"])
                if number < 100_000:  # the vocabulary of the first 100,000 is enough to show it is bounded
                    words.update(re.findall(r"\w+", (record["title"] + " " + record["body"]).lower()))
                file.write(json.dumps(record, ensure_ascii=False) + "\n")
    figures = {"seconds": time.perf_counter() - started, "characters": characters / count,
               "words": len(words), "sentences": len(pools.court) + len(pools.news) + len(pools.city)}
    stamp.write_text(json.dumps({"run": [count, seed], "figures": figures}))
    return figures


def build(index_dir: Path, shards: int) -> dict[str, float]:
    """Index CORPUS into `shards` shards in a fresh process (cold caches): its figures (run_build's)
    and the size of the index on disk."""
    shutil.rmtree(index_dir, ignore_errors=True)
    child = subprocess.run([sys.executable, __file__, "--build", str(shards), str(index_dir)], stdout=subprocess.PIPE,
                           text=True, check=False)
    if child.returncode:
        raise SystemExit(f"the {shards}-shard build failed")
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    return {**json.loads(child.stdout), "size_mb": size / 2**20}


class MemoryPeak(threading.Thread):
    """The largest resident memory of this process and its workers together, sampled until `stopped`."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            self.peak = max(self.peak, tree_rss(os.getpid()))


def run_build(shards: int, index_dir: Path) -> None:
    """In the child process: build (a progress line a minute on stderr) and print as JSON the
    bulletins, the wall and CPU seconds (this process and its workers) and the peak RSS."""
    from search import backends
    from search.index import progress

    progress.LINE_EVERY = 60.0
    memory = MemoryPeak()
    memory.start()
    started, cpu = time.perf_counter(), cpu_seconds()
    report = backends.update_index(CORPUS, index_dir, backend="xapian", shards=shards,
                                   progress=progress.LineProgress(sys.stderr))
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    memory.stopped.set()
    memory.join()
    print(json.dumps({"bulletins": report.bulletins, "skipped": report.skipped, "seconds": seconds, "cpu": cpu,
                      "peak_mb": memory.peak / 2**20}))


def one_word_queries(count: int = ONE_WORD, seed: int = 2) -> list[str]:
    """Words of four letters or more, not function words, from randomly chosen headlines."""
    rng = random.Random(seed)
    with HEADLINES.open(encoding="utf-8") as lines:
        titles = [json.loads(line)["title"] for line in lines]
    found: list[str] = []
    while len(found) < count:
        words = [word for word in re.findall(r"[^\W\d_]{4,}", rng.choice(titles)) if not analyze_word(word).stop]
        found += [rng.choice(words)] if words else []
    return found


def query_sets() -> dict[str, list[str]]:
    return {"dev queries": list(devset.queries().values()), "one-word": one_word_queries(),
            "phrases": phrase_queries()}


def latency(shards: list[str], sets: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    """p50 and p95 (ms) of `.search()` over `shards` for each query set and for all, warm."""
    from search.searcher.results import SearchRequest
    from search.xapian.engine import XapianSearch

    search = XapianSearch(None, shards=shards)

    def run(text: str) -> None:
        search.search(SearchRequest(text))

    everything = [text for queries in sets.values() for text in queries]
    timed(run, everything)  # the warming: the operating system's file cache and Xapian's
    # each query's time is the median of ROUNDS runs: a burst of the machine's other load hits one
    times = {name: [statistics.median(runs) for runs in zip(*(timed(run, queries) for _ in range(ROUNDS)))]
             for name, queries in sets.items()}
    times["all"] = [seconds for row in times.values() for seconds in row]
    return {name: percentiles(row) for name, row in times.items()}


def code_digest() -> str:
    """A digest of the code in search/ as it is now: other work in the same tree may change it during a run."""
    digest = hashlib.sha256()
    for path in sorted((devset.ROOT / "search").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=devset.ROOT, capture_output=True, text=True,
                          check=False).stdout.strip() or "?"


def quarter(count: int) -> str:
    return f"{count // SHARDS:,}"


def shard_label(shards: int) -> str:
    return f"{shards} shard{'s' * (shards > 1)}"


def indexing(count: int, seed: int, reuse: bool, say: Callable[[str], None]) -> dict[int, dict[str, float]]:
    """Generate the corpus and build both indexes, saying how long each took; or, with `reuse`, the
    figures of the last run's builds (of the same count and seed), whose indexes are still there."""
    if reuse:
        saved = json.loads(BUILDS.read_text()) if BUILDS.is_file() else {}
        if saved.get("run") != [count, seed] or not all(folder.is_dir() for folder in INDEXES.values()):
            raise SystemExit(f"--reuse: no indexes of --count {count} --seed {seed} in {OUT}")
        say(f"reusing the indexes and the figures of a run of {saved['date']}")
        corpus, builds = saved["corpus"], {int(shards): figures for shards, figures in saved["builds"].items()}
    else:
        corpus, builds = generate(count, seed), {}
    say(f"generated {count:,} bulletins in {corpus['seconds']:.0f} s from {corpus['sentences']:,.0f} real "
        f"sentences: {corpus['characters']:,.0f} characters each on average; the first 100,000 hold "
        f"{corpus['words']:,.0f} distinct word forms")
    if not reuse:
        for shards, index_dir in INDEXES.items():
            builds[shards] = {**build(index_dir, shards), "load": os.getloadavg()[2]}
            say(f"indexed into {shard_label(shards)} in {builds[shards]['seconds']:.0f} s "
                f"({builds[shards]['skipped']:,} bulletins skipped)")
        BUILDS.write_text(json.dumps({"run": [count, seed], "date": time.strftime("%Y-%m-%d %H:%M"),
                                      "corpus": corpus, "builds": builds}))
    say("")
    say(f"{'index':10} {'bulletins':>10} {'wall s':>8} {'CPU s':>8} {'bull./s':>8} {'size MB':>9} "
        f"{'bytes/bull.':>11} {'peak RSS MB':>11} {'load':>5}")
    for shards, figures in builds.items():
        say(f"{shard_label(shards):10} {figures['bulletins']:>10,} {figures['seconds']:8.0f} {figures['cpu']:8.0f} "
            f"{figures['bulletins'] / figures['seconds']:8,.0f} {figures['size_mb']:9,.0f} "
            f"{figures['size_mb'] * 2**20 / figures['bulletins']:11,.0f} {figures['peak_mb']:11,.0f} "
            f"{figures.get('load', math.nan):5.1f}")
    say("(load: the machine's load average over the 15 minutes before the build ended; bulletins/s is an upper "
        "bound: the generated text repeats a bounded vocabulary, whose Voikko analyses stay cached)")
    return builds


def searching(count: int, say: Callable[[str], None]) -> dict[str, float]:
    """Time the query sets on the 4-shard index, the 1-shard index and one shard of the 4; say the
    table and return the p95 of all queries on each."""
    from search.xapian.layout import local_shards

    sets = query_sets()
    four = local_shards(INDEXES[SHARDS])
    searched = {f"{count:,} in 4 shards": four, f"{count:,} in 1 shard": local_shards(INDEXES[1]),
                f"{quarter(count)} in 1 shard (1 of the 4)": four[:1]}
    say("search API (.search()), warm, ms; queries: " + ", ".join(f"{name} {len(q)}" for name, q in sets.items()))
    say(f"{'':34}" + "".join(f"{name[:12]:>16}" for name in [*sets, "all"]))
    say(f"{'':34}" + f"{'p50':>8}{'p95':>8}" * (len(sets) + 1))
    slowest, started = {}, time.perf_counter()
    for name, shards in searched.items():
        figures = latency(shards, sets)
        say(f"{name:34}" + "".join(f"{p50:8.1f}{p95:8.1f}" for p50, p95 in figures.values()))
        slowest[name] = figures["all"][1]
    say(f"(searched in {time.perf_counter() - started:.0f} s)")
    return slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="bulletins to generate (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=17, help="seed of the generator (default 17)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and the indexes in benchmarks/out/")
    parser.add_argument("--reuse", action="store_true",
                        help="search the indexes a run with --keep (or one that failed while searching) left, "
                             "without generating and building again")
    parser.add_argument("--build", nargs=2, metavar=("SHARDS", "INDEX"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        run_build(int(args.build[0]), Path(args.build[1]))
        return
    devset.require_devset()
    if not HEADLINES.is_file() or not AHJO.is_dir():
        print(f"skipped: {HEADLINES} or {AHJO} is absent (see ../shared/README.md)")
        return
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    started, code = time.perf_counter(), code_digest()
    say(f"scale.py --count {args.count:,} --seed {args.seed}: {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the start; commit {commit()}, search/ digest {code}")
    builds = indexing(args.count, args.seed, args.reuse, say)
    say()
    four, one, part = searching(args.count, say).values()
    say()
    project(args.count, builds, four, one, part, say)
    say()
    say(f"this run: {(time.perf_counter() - started) / 60:.0f} min; load average now {os.getloadavg()[0]:.1f}")
    if code_digest() != code:
        say(f"WARNING: the code in search/ changed during the run (digest {code} → {code_digest()}): the "
            f"builds and the searches may not all have run the same version")
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not args.keep:
        for folder in (CORPUS, *INDEXES.values()):
            shutil.rmtree(folder, ignore_errors=True)
        BUILDS.unlink(missing_ok=True)


def project(count: int, builds: dict[int, dict[str, float]], four: float, one: float, part: float,
            say: Callable[[str], None]) -> None:
    """Say what 10 million bulletins would take: size and indexing time linearly, p95 by the growth
    measured on one database from count/4 to count bulletins (p95 ∝ bulletins^b)."""
    factor = TARGET / count
    growth = math.log(one / part) / math.log(SHARDS)
    say(f"projection to {TARGET:,} bulletins (×{factor:g}):")
    for shards, figures in builds.items():
        say(f"  {shard_label(shards)}: indexing {figures['seconds'] * factor / 3600:.1f} h "
            f"(CPU {figures['cpu'] * factor / 3600:.1f} h), {figures['size_mb'] * factor / 1024:.0f} GB on disk "
            f"(linear in the bulletins)")
    say(f"  p95 of all queries grew ×{one / part:.2f} from {quarter(count)} to {count:,} bulletins in one database: "
        f"p95 ∝ bulletins^{growth:.2f}; at {TARGET:,}, assuming the same growth:")
    say(f"    1 shard {one * factor ** growth:,.0f} ms; 4 shards searched by one process "
        f"{four * factor ** growth:,.0f} ms")
    say(f"    4 shards on 4 machines, searched in parallel (not measured here): about one database of "
        f"{TARGET // SHARDS:,}, {one * (factor / SHARDS) ** growth:,.0f} ms, plus the network and the merge")


if __name__ == "__main__":
    main()

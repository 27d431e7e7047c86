"""Subject lines pasted as queries, on real Helsinki decisions (../shared/ahjo): does each find the
one decision it names? MRR@10, nDCG@10 and Recall@100 of our search API and, in the same run, of a
plain Whoosh index with Snowball stems queried with OR.

    .venv/bin/python benchmarks/knownitem.py [--before REVISION]

The set is built from the API responses with our Ahjo reader: every decision (and every agenda
item that has real HTML) becomes a bulletin without its title, which, as for any bulletin without
one, is then the first sentence of its text (the head of the document, which repeats the subject
line, is never part of the text). Each subject line that names one bulletin only is a query, and
that bulletin is the one relevant to it. A subject line is a long query (6 to 12 words) of which
few bulletins hold every word: it measures how the related results are ranked."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from whoosh.analysis import LanguageAnalyzer  # noqa: E402
from whoosh.fields import ID, TEXT, Schema  # noqa: E402
from whoosh.filedb.filestore import RamStorage  # noqa: E402

from benchmarks import devset  # noqa: E402
from benchmarks.measures import DEPTH, per_query, print_changes, print_header, print_row  # noqa: E402
from benchmarks.relevance import Answerer, ours, snowball  # noqa: E402
from benchmarks.revision import Answer, answers  # noqa: E402
from search.corpus import Bulletin, read_file  # noqa: E402
from search.corpus.ahjo import AGENDA_ITEM, DECISION  # noqa: E402
from search.index.writer import update_index  # noqa: E402
from search.searcher import BulletinSearch  # noqa: E402

AHJO = devset.DATA.parent / "ahjo"
CORPUS = devset.OUT / "ahjo-items-corpus"
INDEX = "ahjo-items-index"
TARGET = 0.03  # MRR@10 over the baseline's, as issue 14 asks


def items() -> list[Bulletin]:
    """The decisions and agenda items of the API responses, as our reader reads them."""
    found = []
    for path in sorted(AHJO.glob("*.json")):
        found += [item for item in read_file(path) if isinstance(item, Bulletin) and item.kind in (DECISION, AGENDA_ITEM)]
    return found


def write_corpus(bulletins: list[Bulletin]) -> Path:
    """The bulletins without their titles as a JSON Lines corpus folder (rewritten only when it changes)."""
    CORPUS.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps({"id": b.id, "date": str(b.date), "title": "", "body": b.body}, ensure_ascii=False) + "\n"
                    for b in bulletins)
    path = CORPUS / "items.jsonl"
    if not path.is_file() or path.read_text(encoding="utf-8") != lines:
        path.write_text(lines, encoding="utf-8")
    return CORPUS


def baseline(bulletins: list[Bulletin]) -> Answerer:
    """Whoosh with Snowball stems (`LanguageAnalyzer("fi")`) over the same texts, queried with OR."""
    ix = RamStorage().create_index(Schema(id=ID(stored=True), text=TEXT(analyzer=LanguageAnalyzer("fi"))))
    with ix.writer() as writer:
        for bulletin in bulletins:
            writer.add_document(id=bulletin.id, text=bulletin.body)
    return snowball(ix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REVISION", help="also run this revision of the project, for comparison")
    args = parser.parse_args()
    if not AHJO.is_dir():
        print(f"skipped: the Ahjo responses {AHJO} are not here (see ../shared/README.md)")
        sys.exit(0)
    bulletins = items()
    titles = Counter(bulletin.title for bulletin in bulletins)
    named = {bulletin.title: bulletin.id for bulletin in bulletins if titles[bulletin.title] == 1}
    query_ids = list(named)  # a subject line is its own query id
    qrels = {title: {doc_id} for title, doc_id in named.items()}
    corpus = write_corpus(bulletins)
    update_index(corpus, devset.OUT / INDEX)
    runs: dict[str, Answerer] = {"Snowball baseline (OR)": baseline(bulletins)}
    if args.before:
        runs[f"before: {args.before}"] = lambda texts: answers(args.before, texts, corpus, INDEX)
    runs["ours"] = ours(BulletinSearch(devset.OUT / INDEX))
    print(f"{len(bulletins)} bulletins, {len(query_ids)} subject lines that name one of them "
          f"({sum(len(title.split()) for title in query_ids) / len(query_ids):.1f} words on average)\n")
    print_header()
    results, found = {}, {}
    for name, answer in runs.items():
        started = time.perf_counter()
        found[name] = answer(query_ids)
        results[name] = per_query(found[name], query_ids, qrels)
        print_row(name, results[name], time.perf_counter() - started)
    print()
    changes = [("ours against Snowball", "ours", "Snowball baseline (OR)")]
    if args.before:
        changes.append(("ours against before", "ours", f"before: {args.before}"))
    print_changes(changes, results, ("MRR@10", "Recall@100"))
    print("\nWhere ours ranks the item below Snowball (its rank: ours / Snowball):")
    for title, answer, base in zip(query_ids, found["ours"], found["Snowball baseline (OR)"]):
        mine, theirs = _rank(answer, named[title]), _rank(base, named[title])
        if mine > theirs:
            print(f"  {_shown(mine)} / {_shown(theirs)}  {title}")
    gain = sum(results["ours"]["MRR@10"]) / len(query_ids) - sum(results["Snowball baseline (OR)"]["MRR@10"]) / len(query_ids)
    print(f"\nMRR@10: ours {gain:+.3f} over the baseline (target +{TARGET:.2f}: {'met' if gain >= TARGET else 'NOT met'})")


def _rank(answer: Answer, doc_id: str) -> int:
    return answer.ranked.index(doc_id) + 1 if doc_id in answer.ranked else DEPTH + 1


def _shown(rank: int) -> str:
    return f"{rank:>3}" if rank <= DEPTH else "  -"


if __name__ == "__main__":
    main()

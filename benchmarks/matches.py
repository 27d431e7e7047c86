"""Are the matches of a query the bulletins that hold it, and no others? Our matches (every page)
against the independent stem check of benchmarks/stemcheck.py, on the first N decisions of the
dev corpus, with the words that made each disagreement.

    .venv/bin/python benchmarks/matches.py [--limit 1500] [WORD ...]

The index of those decisions is built into benchmarks/out/ on the first run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import devset  # noqa: E402
from benchmarks.stemcheck import fold, holds_every_word  # noqa: E402
from search.index.writer import update_index  # noqa: E402
from search.searcher import MAX_PAGE_SIZE, BulletinSearch, SearchRequest  # noqa: E402

WORDS = ("huumausainerikos", "rakennuslupa", "kiinteistökauppa", "veropetos")


def first_decisions(limit: int) -> tuple[Path, dict[str, str]]:
    """The index of the first `limit` decisions, and their folded texts by id."""
    corpus = devset.OUT / f"kko-{limit}-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    texts, lines = {}, []
    with devset.CORPUS.open(encoding="utf-8") as source:
        for line, _ in zip(source, range(limit)):
            record = json.loads(line)
            texts[record["id"]] = fold(f"{record['title']}\n{record['body']}")
            lines.append(line)
    part = corpus / "kko.jsonl"
    if not part.is_file() or part.read_text(encoding="utf-8") != "".join(lines):
        part.write_text("".join(lines), encoding="utf-8")
    update_index(corpus, devset.OUT / f"kko-{limit}-index")
    return devset.OUT / f"kko-{limit}-index", texts


def matches(search: BulletinSearch, query: str) -> dict[str, str]:
    """Every match of `query`, with the bulletin words that made it one."""
    found, page = {}, 1
    while True:
        result = search.search(SearchRequest(query, sort="newest", page=page, page_size=MAX_PAGE_SIZE, explain=True))
        found |= {hit.id: ", ".join(sorted({m.bulletin_word.lower() for m in hit.matches})) for hit in result.hits}
        if page * MAX_PAGE_SIZE >= result.total:
            return found
        page += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1500, help="decisions to search (the first N)")
    parser.add_argument("words", nargs="*", default=WORDS, help="the queries")
    args = parser.parse_args()
    devset.require_devset()
    index_dir, texts = first_decisions(args.limit)
    search = BulletinSearch(index_dir)
    print(f"{'query':24}{'ours':>6}{'check':>7}{'both':>6}  only ours (the words that matched) / only the check")
    for query in args.words:
        ours = matches(search, query)
        checked = {doc_id for doc_id, text in texts.items() if holds_every_word(text, query)}
        print(f"{query:24}{len(ours):6}{len(checked):7}{len(ours.keys() & checked):6}")
        for doc_id in sorted(ours.keys() - checked):
            print(f"{'':26}+ {doc_id}: {ours[doc_id][:100]}")
        for doc_id in sorted(checked - ours.keys()):
            print(f"{'':26}- {doc_id}")


if __name__ == "__main__":
    main()

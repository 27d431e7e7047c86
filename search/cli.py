"""The `bulletins` command line: parses arguments and calls the library, nothing more."""

import contextlib
import json
import re
import sys
import threading
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import click

from search import config
from search.corpus import MAX_BULLETIN_MB, max_bytes
from search.errors import BulletinsError
from search.finnish import check_voikko
from search.index.progress import progress_for
from search.index.stats import bulletin_count, index_stats
from search.index.watch import CorpusWatcher
from search.index.writer import IndexReport, update_index
from search.searcher import MAX_PAGE_SIZE, SORTS, BulletinSearch, SearchRequest, SearchResult
from search.searcher.query import parse_day

# Control characters other than tab and newline: bulletin text must never recolour or move the
# terminal (readers remove them, but an index built before that still holds them).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile("[\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with its control characters (but tab and newline) shown as escapes: `\\x1b`."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class _Commands(click.Group):
    """A group whose commands show our own errors as one line (`Error: …`, exit 1), never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BulletinsError as error:
            raise click.ClickException(printable(str(error))) from None


@click.group(cls=_Commands)
def main() -> None:
    """Finnish-aware full-text search for city bulletins.

    The corpus folder defaults to ./corpus ($BULLETINS_CORPUS) and the index folder to ./index
    ($BULLETINS_INDEX)."""
    check_voikko()


def max_bulletin_option(command: Callable) -> Callable:
    """The --max-bulletin-mb option: bulletins larger than this are skipped."""
    return click.option("--max-bulletin-mb", "max_mb", default=MAX_BULLETIN_MB, show_default=True,
                        envvar="BULLETINS_MAX_BULLETIN_MB", type=click.FloatRange(0, min_open=True),
                        help="Skip (and report) a bulletin larger than this many MB: a .txt file, or a line of a "
                             ".jsonl file.  [env: BULLETINS_MAX_BULLETIN_MB]")(command)


@main.command("index")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of bulletins (.txt, .jsonl) to index.  [default: $BULLETINS_CORPUS or ./corpus]")
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the index.  [default: $BULLETINS_INDEX or ./index]")
@click.option("--rebuild", is_flag=True, help="Build the index from scratch instead of updating it.")
@click.option("--strict", is_flag=True, help="Exit with status 3 if any bulletin was skipped.")
@max_bulletin_option
def index_command(corpus: Path | None, index: Path | None, rebuild: bool, strict: bool, max_mb: float) -> None:
    """Update the index from the corpus: add new bulletins, re-index changed ones, delete removed ones.

    A bulletin that cannot be read, or is larger than --max-bulletin-mb, is skipped and reported on
    stderr as `file:line: reason`; the others are indexed. Only regular files are read (a link to
    one too). Readers see the old index until the new one is committed, and a run that is
    interrupted leaves the old index as it was; the next run removes what it left behind.

    Exit status: 0 when the index is up to date (even if bulletins were skipped), 1 on an error (the
    index is left as it was), 2 on bad usage, 3 with --strict when bulletins were skipped.
    """
    corpus_path, index_path = config.corpus_dir(corpus), config.index_dir(index)
    report = update_index(corpus_path, index_path, rebuild=rebuild, progress=progress_for(corpus_path),
                          limit=max_bytes(max_mb))
    for problem in report.problems:
        click.echo(printable(str(problem)), err=True)
    click.echo(f"{corpus_path} → {index_path}: {report.summary()}")
    if strict and report.problems:
        sys.exit(3)


@main.command("stats")
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the index.  [default: $BULLETINS_INDEX or ./index]")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
def stats_command(index: Path | None, as_json: bool) -> None:
    """Show what the index holds: bulletins, date range, size on disk, vocabulary, last update."""
    stats = index_stats(config.index_dir(index))
    if as_json:
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False))
    else:
        click.echo("\n".join(stats.lines()))


def _show_update(report: IndexReport) -> None:
    """Print a watched update: its unreadable bulletins on stderr, then its summary line."""
    for problem in report.problems:
        click.echo(printable(str(problem)), err=True)
    click.echo(f"{datetime.now():%H:%M:%S} {report.summary()}")


def _show_error(error: BulletinsError) -> None:
    click.echo(printable(f"Error: {error}"), err=True)


@main.command("watch")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of bulletins to watch.  [default: $BULLETINS_CORPUS or ./corpus]")
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the index.  [default: $BULLETINS_INDEX or ./index]")
@max_bulletin_option
def watch_command(corpus: Path | None, index: Path | None, max_mb: float) -> None:
    """Keep the index current: update it now, then within about 2 seconds whenever bulletins are
    added, changed or removed in the corpus folder. Stop with Ctrl-C.

    Each update prints a summary line; bulletins that cannot be read are reported on stderr as
    `file:line: reason`. An update that fails (say, the corpus folder is gone) is printed, leaves
    the index as it was and is tried again on the next change: watching goes on.
    """
    corpus_path, index_path = config.corpus_dir(corpus), config.index_dir(index)
    with CorpusWatcher(corpus_path, index_path, on_update=_show_update, on_error=_show_error,
                       limit=max_bytes(max_mb)):
        click.echo(f"Watching {corpus_path} for changes to index into {index_path}; Ctrl-C stops.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 listens on every network interface.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the index.  [default: $BULLETINS_INDEX or ./index]")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of bulletins that --watch keeps indexed.  [default: $BULLETINS_CORPUS or ./corpus]")
@click.option("--watch", is_flag=True,
              help="Also keep the index current, as `bulletins watch` does: bulletins added, changed or removed "
                   "in the corpus show in searches within seconds.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads, each with its own Voikko handle.")
@click.option("--base-url", envvar="BULLETINS_BASE_URL", metavar="URL",
              help="The address people reach the service at (https://haku.example.fi): the feeds' links and ids "
                   "are built from it. Without it, links use the address the request was sent to.  "
                   "[env: BULLETINS_BASE_URL]")
@click.option("--trusted-proxy", envvar="BULLETINS_TRUSTED_PROXY", metavar="ADDRESS",
              help="The address of a reverse proxy in front of the server (* for any): the X-Forwarded-* headers "
                   "of its requests are believed, those of anyone else dropped.  [env: BULLETINS_TRUSTED_PROXY]")
@click.option("--trusted-proxy-headers", envvar="BULLETINS_TRUSTED_PROXY_HEADERS", metavar="HEADERS",
              help="The headers of the trusted proxy to believe, separated by spaces.  [default: x-forwarded-for "
                   "x-forwarded-host x-forwarded-proto x-forwarded-port; env: BULLETINS_TRUSTED_PROXY_HEADERS]")
@max_bulletin_option
def serve_command(host: str, port: int, index: Path | None, corpus: Path | None, watch: bool, threads: int,
                  base_url: str | None, trusted_proxy: str | None, trusted_proxy_headers: str | None,
                  max_mb: float) -> None:
    """Serve the search page, the bulletin pages, the JSON API (/api) and the Atom feeds.

    Runs the waitress WSGI server until Ctrl+C. The server reads the index as it is: new bulletins
    indexed while it runs (by `bulletins index`, `bulletins watch` or --watch) show in searches at
    once, without a restart. With --watch, /api/health also tells how the watching goes.
    """
    from search.web import create_app  # the web app's imports load only for this command
    from search.web.backend import open_search
    from search.web.server import PROXY_HEADERS, addresses, make_server, run

    index_path = config.index_dir(index)
    watcher = CorpusWatcher(config.corpus_dir(corpus), index_path, on_update=_show_update, on_error=_show_error,
                            limit=max_bytes(max_mb))
    try:
        app = create_app({"INDEX_DIR": index_path, "BASE_URL": base_url}, watcher if watch else None)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from None
    try:
        headers = tuple(trusted_proxy_headers.split()) if trusted_proxy_headers else PROXY_HEADERS
        server = make_server(app, host, port, threads, trusted_proxy, headers)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    except ValueError as error:  # waitress's word on the proxy settings
        raise click.BadParameter(str(error), param_hint="--trusted-proxy-headers") from None
    with watcher if watch else contextlib.nullcontext():
        if not watch:
            try:
                open_search(app)
            except BulletinsError as error:
                click.echo(f"Warning: {error}; until then searches answer 503.", err=True)
        for url in addresses(server):
            click.echo(f"Serving {index_path} on {url} (Ctrl+C stops)")
        if watch:
            click.echo(f"Watching {watcher.corpus_dir} for changes to index into {index_path}")
        run(server)


def _day(last: bool):
    """A click callback turning YYYY, YYYY-MM or YYYY-MM-DD into its first (or last) day."""
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
        try:
            return parse_day(value, last) if value else None
        except BulletinsError as error:
            raise click.BadParameter(str(error)) from None
    return convert


@main.command("search", context_settings={"ignore_unknown_options": True})  # -word is a query word
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, MAX_PAGE_SIZE), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of hits to show.")
@click.option("--sort", default="relevance", show_default=True, type=click.Choice(SORTS), help="Order of the hits.")
@click.option("--from", "date_from", metavar="DATE", callback=_day(last=False),
              help="Only bulletins from this date on: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--to", "date_to", metavar="DATE", callback=_day(last=True),
              help="Only bulletins up to this date (inclusive): YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--explain", is_flag=True, help="Show which query word matched which words of each hit, and how.")
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the index.  [default: $BULLETINS_INDEX or ./index]")
def search_command(query: tuple[str, ...], limit: int, page: int, sort: str, date_from: date | None,
                   date_to: date | None, as_json: bool, explain: bool, index: Path | None) -> None:
    """Search the bulletins. Words match in any inflection, and bulletins holding every word come
    first, followed by those holding only some of them.

    \b
      kokeilu alusta                 both words, in any inflection (kokeiluja, alustana)
      kokeilu OR hanke               either word
      -korona   NOT korona           leave out bulletins with the word
      "kuusi innovaatiohaastetta"    the words together in this order, in any inflection
      kokeilu*                       words beginning with kokeilu
      title:elinkeinojaosto          the word in the title (also title:"a phrase")
      date:2020  date:2020-11  date:2019..2021  date:..2020-06   bulletins of those dates

    A compound is also found by its parts (hautomo finds yrityshautomopalvelujen). Common words
    (ja, tai, että, …) are not indexed. Quote a phrase for the shell too:
    bulletins search '"kuusi innovaatiohaastetta"' -korona.

    \b
    With --json the output is one object:
      {"query", "total", "complete", "related", "page", "page_size", "sort", "seconds",
       "hits": [{"id", "title", "date", "score", "snippet", "organ", "url"}],
       "facets": {"year": {"2020": 3, ...}}, "suggestion"}
    where "snippet" is HTML with the matched words in <mark>, "complete" counts the hits that hold
    every word (they come first), "related" is true when none does, and "suggestion" is a
    corrected query or null. With --explain each hit also has "matches":
    [{"query_word", "bulletin_word", "how": "exact" | "lemma" | "part"}].

    Exit status: 0 (also when nothing is found), 1 on a bad query or a missing index, 2 on bad usage.
    """
    index_path = config.index_dir(index)
    result = BulletinSearch(index_path).search(SearchRequest(" ".join(query), date_from=date_from, date_to=date_to,
                                                             sort=sort, page=page, page_size=limit, explain=explain))
    if as_json:
        # JSON escapes the C0 controls itself; DEL and the C1 controls (which some terminals obey) are escaped too
        click.echo(_C1.sub(lambda match: f"\\u{ord(match.group()):04x}",
                           json.dumps(result.to_dict(), ensure_ascii=False, indent=2)))
    else:
        _print_result(result)
    if not result.total and bulletin_count(index_path) == 0:
        click.echo(f"The index in {index_path} holds no bulletins: add .txt or .jsonl bulletins to the corpus folder "
                   "and run `bulletins index`.", err=True)


def _print_result(result: SearchResult) -> None:
    """The hits as text: title, date and snippet with the matches in colour (on a terminal), then the total."""
    if result.suggestion:
        click.echo(f"Did you mean: {click.style(printable(result.suggestion), bold=True)}?")
    if result.related:
        click.echo("No bulletin holds every word of the query; these hold some of them.")
    first = (result.request.page - 1) * result.request.page_size
    for number, hit in enumerate(result.hits, first + 1):
        click.echo(f"\n{number}. {click.style(printable(hit.title), bold=True)}")
        click.echo(f"   {printable(hit.date)}  {click.style(printable(hit.id), dim=True)}")
        snippet = "".join(click.style(printable(span.text), fg="yellow", bold=True) if span.matched
                          else printable(span.text) for span in hit.snippet)
        click.echo(f"   {snippet}")
        words: dict[str, list[str]] = {}
        for match in hit.matches:
            words.setdefault(printable(match.query_word), []).append(f"{printable(match.bulletin_word)} ({match.how})")
        for query_word, found in words.items():
            click.echo(f"   {click.style(query_word, bold=True)} → {', '.join(found)}")
    shown = f"{first + 1}–{first + len(result.hits)} of " if result.hits else ""
    click.echo(f"\n{shown}{result.total} hits ({result.complete} with every word), {result.seconds * 1000:.0f} ms")

"""The `bulletins` command line: parses arguments and calls the library, nothing more.

Each command imports what it uses when it runs, so that `bulletins search` does not load the
readers, the fetcher or the watcher."""

from __future__ import annotations

import atexit
import contextlib
import gc
import json
import os
import re
import sys
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from search import config
from search.config import KEY_ENV, MAX_BULLETIN_MB, URL_ENV
from search.errors import BulletinsError
from search.finnish import check_voikko
from search.searcher.results import MAX_PAGE_SIZE, SORTS, SearchRequest, SearchResult, Span

if TYPE_CHECKING:
    from search.fetch.ahjo import FetchReport
    from search.index.writer import IndexReport

# Exit status of `search` and `show`, as grep's: found, nothing found, an error.
FOUND, NOT_FOUND, FAILED = 0, 1, 2
# Control characters other than tab and newline: bulletin text must never recolour or move the
# terminal (readers remove them, but an index built before that still holds them).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile("[\x7f-\x9f]")


def _json(data: dict) -> str:
    """`data` as JSON for a terminal: JSON escapes the C0 controls itself; DEL and the C1 controls
    (which some terminals obey) are escaped too."""
    return _C1.sub(lambda match: f"\\u{ord(match.group()):04x}", json.dumps(data, ensure_ascii=False, indent=2))


def printable(text: str) -> str:
    """`text` with its control characters (but tab and newline) shown as escapes: `\\x1b`."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


class _Commands(click.Group):
    """A group whose commands show our own errors as one line (`Error: …`, exit 1; 2 for the commands
    that say with 1 that nothing was found), never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BulletinsError as error:
            failure = click.ClickException(printable(str(error)))
            if ctx.invoked_subcommand in ("search", "show"):
                failure.exit_code = FAILED
            raise failure from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bulletin-search", prog_name="bulletins")
def main() -> None:
    """Finnish-aware full-text search for city bulletins.

    The corpus folder defaults to ./corpus ($BULLETINS_CORPUS) and the index folder to ./index
    ($BULLETINS_INDEX)."""
    # When the process ends, the OS takes back its memory at once: Python's last garbage collections
    # over everything the run made would only cost time (a tenth of a one-off search's). Registered
    # once however many commands a process runs.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    check_voikko()


def backend_option(command: Callable) -> Callable:
    """The --backend option: which index backend, when the index folder does not tell."""
    return click.option("--backend", type=click.Choice(("whoosh", "xapian")), envvar="BULLETINS_BACKEND",
                        help="Index backend: whoosh (the default) or xapian (sharded, for corpora that outgrow one "
                             "machine). Searching, the index folder tells which.  [env: BULLETINS_BACKEND]")(command)


def shards_option(command: Callable) -> Callable:
    """The --shards option of the commands that search: Xapian shards to search instead of --index."""
    return click.option("--shards", metavar="LIST", envvar="BULLETINS_SHARDS",
                        help="Search these Xapian shards instead of --index: comma-separated folders or host:port of "
                             "xapian-tcpsrv servers (see `bulletins shard serve`).  [env: BULLETINS_SHARDS]")(command)


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
@backend_option
@click.option("--shards", type=click.IntRange(1, 1024), metavar="N",
              help="With --backend xapian: write N shard databases, each bulletin to the shard its id hashes to "
                   "(another N rebuilds).  [default: as the index has, or 1]")
@max_bulletin_option
def index_command(corpus: Path | None, index: Path | None, rebuild: bool, strict: bool, backend: str | None,
                  shards: int | None, max_mb: float) -> None:
    """Update the index from the corpus: add new bulletins, re-index changed ones, delete removed ones.

    A bulletin that cannot be read, or is larger than --max-bulletin-mb, is skipped and reported on
    stderr as `file:line: reason`; the others are indexed. Only regular files are read (a link to
    one too). Readers see the old index until the new one is committed, and a run that is
    interrupted leaves the old index as it was; the next run removes what it left behind.

    The analyses of the words met are kept for later runs in $BULLETINS_CACHE (default:
    ~/.cache/bulletin-search), and made again when Voikko or its dictionary changes.

    Exit status: 0 when the index is up to date (even if bulletins were skipped), 1 on an error (the
    index is left as it was), 2 on bad usage, 3 with --strict when bulletins were skipped.
    """
    from search.backends import update_index
    from search.corpus.files import max_bytes
    from search.index.progress import progress_for

    corpus_path, index_path = config.corpus_dir(corpus), config.index_dir(index)
    report = update_index(corpus_path, index_path, backend, shards, rebuild=rebuild, progress=progress_for(corpus_path),
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
@shards_option
def stats_command(index: Path | None, as_json: bool, shards: str | None) -> None:
    """Show what the index holds: bulletins, date range, size on disk, vocabulary, last update."""
    from search.backends import shard_list
    from search.xapian import is_xapian_index

    index_path, shard_names = config.index_dir(index), shard_list(shards)
    if shard_names or is_xapian_index(index_path):
        from search.xapian.stats import index_stats as xapian_stats

        stats = xapian_stats(None if shard_names else index_path, shard_names)
    else:
        from search.index.stats import index_stats

        stats = index_stats(index_path)
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


class _Moment(click.ParamType):
    """A moment in UTC from `YYYY-MM-DD` (its midnight) or `YYYY-MM-DDTHH:MM:SSZ`."""

    name = "moment"

    def convert(self, value, param, ctx) -> datetime:
        if isinstance(value, datetime):
            return value
        for form in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S"):
            try:
                return datetime.strptime(value, form).replace(tzinfo=UTC)
            except ValueError:
                pass
        self.fail(f"{value!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)", param, ctx)


class _Duration(click.ParamType):
    """A duration in seconds from `90s`, `15m`, `2h`, `1d` or a bare number of seconds."""

    name = "duration"
    _UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

    def convert(self, value, param, ctx) -> float:
        if isinstance(value, (int, float)):
            return float(value)
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(value).lower())
        if not match or float(match[1]) <= 0:
            self.fail(f"{value!r} is not a duration such as 90s, 15m, 2h or 1d", param, ctx)
        return float(match[1]) * self._UNITS[match[2]]


@main.command("fetch")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of bulletins to fetch into.  [default: $BULLETINS_CORPUS or ./corpus]")
@click.option("--api", envvar=URL_ENV, metavar="URL",
              help=f"Base URL of the Ahjo API, e.g. https://ahjo.hel.fi:9802/ahjorest/v1/  [default: ${URL_ENV}]")
@click.option("--since", type=_Moment(),
              help="Fetch from this moment (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, UTC) instead of where the last "
                   "fetch ended.  [default on a first fetch: 30 days ago]")
@click.option("--until", type=_Moment(), help="Fetch up to this moment.  [default: now]")
@click.option("--lang", default="fi", show_default=True, help="Language to ask the API for (apireqlang).")
@click.option("--size", default=1000, show_default=True, type=click.IntRange(1, 10000),
              help="Entries to ask for at most in one request; a full answer is split and asked again.")
@click.option("--window", default=7, show_default=True, type=click.IntRange(1, 366),
              help="Days one request covers.")
@click.option("--key-header", default="api-key", show_default=True,
              help=f"HTTP header that carries the API key from ${KEY_ENV}.")
@click.option("--retries", default=4, show_default=True, type=click.IntRange(0, 10),
              help="Tries more after a 429, a 5xx or a network error, waiting 1, 2, 4, … s (or Retry-After).")
def fetch_command(corpus: Path | None, api: str | None, since: datetime | None, until: datetime | None, lang: str,
                  size: int, window: int, key_header: str, retries: int) -> None:
    """Fetch new and changed decisions and meetings from an Ahjo API into the corpus folder.

    Decisions are asked for by when they were handled, meetings by their date, window by window;
    each is saved as a file the corpus reader knows (ahjo/decisions/<NativeId>.json,
    ahjo/meetings/<MeetingID>.json), atomically and only when it changed, so fetching again changes
    nothing. The next fetch resumes where this one ended (the state is in the corpus folder's
    .ahjo-fetch.json); meetings of the 30 days before are asked for again, as their päätöstiedote and
    minutes come after them. The API key, where one is needed, is read from $BULLETINS_AHJO_KEY.

    Run `bulletins index` afterwards, or keep `bulletins watch` or `bulletins serve --watch` running.

    Exit status: 0 when the fetch is done, 1 when the API cannot be reached or answers what is no Ahjo
    response (the windows saved before stay whole; nothing partial is written), 2 on bad usage.
    """
    from search.fetch.ahjo import FetchSettings, fetch

    settings = FetchSettings.from_environment(api=api, key_header=key_header, lang=lang, size=size,
                                              window=timedelta(days=window), since=since, until=until,
                                              retries=retries)
    corpus_path = config.corpus_dir(corpus)
    report = fetch(corpus_path, settings)
    click.echo(f"{settings.api} → {corpus_path}: {report.summary()}")


def _show_fetch(report: FetchReport) -> None:
    click.echo(f"{datetime.now():%H:%M:%S} {report.summary()}")


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
    from search.corpus.files import max_bytes
    from search.index.watch import CorpusWatcher

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
@click.option("--workers", type=click.IntRange(1, 64), default=os.cpu_count() or 1, show_default="one per core",
              help="Server processes, each with its own open index; they share the listening port.")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Threads per server process, each with its own Voikko handle. Searching is CPU-bound Python: "
                   "a second thread in a process mostly waits for the first (Python runs one at a time), and "
                   "under load it costs more than it gives; the process reads and writes connections meanwhile.")
@click.option("--fetch-every", type=_Duration(), metavar="DURATION",
              help=f"Also fetch from the Ahjo API at ${URL_ENV} (key ${KEY_ENV}) now and then this often, "
                   "e.g. 15m, as `bulletins fetch` does; implies --watch, so what is fetched is searchable "
                   "within seconds.")
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
@shards_option
@max_bulletin_option
def serve_command(host: str, port: int, index: Path | None, corpus: Path | None, watch: bool, workers: int,
                  threads: int, fetch_every: float | None, base_url: str | None, trusted_proxy: str | None,
                  trusted_proxy_headers: str | None, shards: str | None, max_mb: float) -> None:
    """Serve the search page, the bulletin pages, the JSON API (/api) and the Atom feeds.

    Runs the waitress WSGI server until Ctrl+C, in one process per core by default. The server reads
    the index as it is: new bulletins indexed while it runs (by `bulletins index`, `bulletins watch`
    or --watch) show in searches at once, without a restart. With --watch, /api/health also tells
    how the watching goes.
    """
    from search.corpus.files import max_bytes
    from search.fetch.ahjo import FetchSettings, PeriodicFetch, fetch
    from search.index.watch import CorpusWatcher

    watch = watch or fetch_every is not None
    settings = FetchSettings.from_environment() if fetch_every else None  # fails now, not at the first fetch
    from search.web import create_app  # the web app's imports load only for this command
    from search.web.backend import open_search
    from search.web.server import PROXY_HEADERS, Workers, addresses, listen, make_server, proxy_settings, run

    index_path, corpus_path = config.index_dir(index), config.corpus_dir(corpus)
    # Made before the server processes are forked: they read its status (for /api/health) from memory it shares
    watcher = CorpusWatcher(corpus_path, index_path, on_update=_show_update, on_error=_show_error,
                            limit=max_bytes(max_mb))

    from search.backends import shard_list

    shard_names = shard_list(shards)
    if shard_names and watch:
        raise click.UsageError("--watch keeps a local index current: it cannot go with --shards")

    def make_app():
        return create_app({"INDEX_DIR": index_path, "BASE_URL": base_url, "SHARDS": shard_names},
                          watcher if watch else None)

    try:
        app = make_app()
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--base-url") from None
    try:
        proxy = proxy_settings(trusted_proxy, tuple(trusted_proxy_headers.split()) if trusted_proxy_headers
                               else PROXY_HEADERS)
    except ValueError as error:  # waitress's word on the proxy settings
        raise click.BadParameter(str(error), param_hint="--trusted-proxy-headers") from None
    try:
        sockets = listen(host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    if not watch:
        try:
            open_search(app)
        except BulletinsError as error:
            click.echo(f"Warning: {error}; until then searches answer 503.", err=True)
    serving_what = ", ".join(shard_names) or index_path
    for url in addresses(sockets):
        click.echo(f"Serving {serving_what} on {url} with {_count(workers, 'process', 'processes')} (Ctrl+C stops)")
    if workers == 1:
        serving = make_server(app, sockets, threads, proxy)
    else:  # forked before the watcher's and fetcher's threads start
        serving = Workers(make_app, sockets, threads, proxy, workers,
                          on_restart=lambda code: click.echo(f"A server process ended (exit code {code}); "
                                                             "starting another.", err=True))
    fetcher = (PeriodicFetch(fetch_every, lambda: fetch(corpus_path, settings), _show_fetch, _show_error)
               if settings else contextlib.nullcontext())
    with watcher if watch else contextlib.nullcontext(), fetcher:
        if watch:
            click.echo(f"Watching {watcher.corpus_dir} for changes to index into {index_path}")
        if settings:
            click.echo(f"Fetching from {settings.api} into {corpus_path} every {fetch_every:g} s")
        run(serving)


@main.group("shard")
def shard_group() -> None:
    """Serve the shards of a Xapian index to searches on other machines."""


@shard_group.command("serve")
@click.argument("number", type=click.IntRange(0))
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the Xapian index.  [default: $BULLETINS_INDEX or ./index]")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", required=True, type=click.IntRange(1, 65535), help="Port to listen on.")
def shard_serve_command(number: int, index: Path | None, host: str, port: int) -> None:
    """Serve shard NUMBER (0, 1, …) of the Xapian index with xapian-tcpsrv, read-only, until stopped.

    Searches reach it as HOST:PORT in --shards or $BULLETINS_SHARDS. A rebuild of the index (another
    shard count, or --rebuild) writes new shard folders: serve them again afterwards.
    """
    import shutil

    from search.xapian.layout import local_shards

    index_path = config.index_dir(index)
    folders = local_shards(index_path)
    if number >= len(folders):
        raise click.BadParameter(f"the index in {index_path} has {len(folders)} shards: 0 to {len(folders) - 1}",
                                 param_hint="NUMBER")
    server = shutil.which("xapian-tcpsrv")
    if server is None:
        raise click.ClickException("xapian-tcpsrv is not installed: apt-get install xapian-tools")
    click.echo(f"Serving shard {number} ({folders[number]}) on {host}:{port} (Ctrl+C stops)")
    os.execv(server, [server, "--interface", host, "--port", str(port), folders[number]])


def _day(last: bool):
    """A click callback turning YYYY, YYYY-MM or YYYY-MM-DD into its first (or last) day."""
    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
        from search.searcher.query import parse_day

        try:
            return parse_day(value, last) if value else None
        except BulletinsError as error:
            raise click.BadParameter(str(error)) from None
    return convert


_COLOR = click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto", show_default=True,
                      help="Colour the matches: auto colours on a terminal unless $NO_COLOR is set.")


def _colored(choice: str) -> bool | None:
    """click's `color` for --color: None lets click colour on a terminal only."""
    if choice == "auto":
        return False if os.environ.get("NO_COLOR") else None
    return choice == "always"


class _QueryCommand(click.Command):
    """A command whose arguments are the words of a query, as typed or pasted. A word that begins
    with a hyphen (`-korona`, or `-kuntayhtymän` after a word) is a query word even where its
    letters would name short options (`-h` is help, `-hanke` a word); one that begins with two
    must be an option of the command (`--limt` is a usage error, not a word), and so must a hyphen
    and one letter (`-n 5`, typed as for head, is a usage error). After `--`, all are words."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        named = {name: param for param in self.get_params(ctx) if isinstance(param, click.Option)
                 for name in (*param.opts, *param.secondary_opts)}
        options: list[str] = []
        words: list[str] = []
        rest = iter(args)
        for arg in rest:
            name = arg.split("=", 1)[0]
            if arg == "--":
                words.extend(rest)
            elif name in named:
                options.append(arg)
                if not (named[name].is_flag or named[name].count or "=" in arg):  # its value follows
                    value = next(rest, None)
                    if value is None:
                        raise click.BadOptionUsage(name, f"Option '{name}' requires an argument.", ctx=ctx)
                    options.append(value)
            elif arg.startswith("--"):
                from difflib import get_close_matches  # as click suggests options: only on this error

                longs = [known for known in named if known.startswith("--")]
                raise click.NoSuchOption(name, possibilities=get_close_matches(name, longs), ctx=ctx)
            elif len(arg) == 2 and arg[0] == "-" and arg[1].isalpha():  # `-n 5`, typed as for head or grep: no word to leave out
                raise click.NoSuchOption(arg, f"No such option '{arg}': the options are long ones, such as --limit 5."
                                              f" To leave out the letter {arg[1]}, write NOT {arg[1]}.", ctx=ctx)
            else:
                words.append(arg)
        return super().parse_args(ctx, [*options, "--", *words])


@main.command("search", cls=_QueryCommand)
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", "--size", "limit", default=10, show_default=True, type=click.IntRange(1, MAX_PAGE_SIZE),
              help="Hits per page (--size, as the API calls it).")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of hits to show.")
@click.option("--sort", default="relevance", show_default=True, type=click.Choice(SORTS), help="Order of the hits.")
@click.option("--from", "date_from", metavar="DATE", callback=_day(last=False),
              help="Only bulletins from this date on: YYYY, YYYY-MM or YYYY-MM-DD (or 1/2020, 23.11.2020).")
@click.option("--to", "date_to", metavar="DATE", callback=_day(last=True),
              help="Only bulletins up to this date (inclusive): YYYY, YYYY-MM or YYYY-MM-DD (or 1/2020, 23.11.2020).")
@click.option("--year", type=click.IntRange(1000, 9999), help="Only bulletins of this year.")
@click.option("--organ", metavar="NAME", help="Only bulletins of this deciding body (the whole name, any case).")
@click.option("--kind", metavar="KIND", help="Only bulletins of this kind: decision, agenda_item, announcement.")
@click.option("--classification", metavar="NAME", help="Only bulletins of this classification (any case).")
@click.option("--verbatim", is_flag=True,
              help="Search the query as typed: an unpaired quote is an error, a misspelling only suggested.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--explain", is_flag=True, help="Show which query word matched which words of each hit, and how.")
@_COLOR
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the index.  [default: $BULLETINS_INDEX or ./index]")
@shards_option
def search_command(query: tuple[str, ...], limit: int, page: int, sort: str, date_from: date | None,
                   date_to: date | None, year: int | None, organ: str | None, kind: str | None,
                   classification: str | None, verbatim: bool, as_json: bool, explain: bool, color: str,
                   index: Path | None, shards: str | None) -> None:
    """Search the bulletins. A bulletin matches when it holds every word, in any inflection or
    inside a longer compound; matches are listed and counted. Bulletins that hold only some of the
    words (or, by relevance, words the best matches share) are related results: listed when
    nothing matches, and after the matches on their last page (by relevance), never counted.

    \b
      kokeilu alusta                 both words, in any inflection (kokeiluja, alustana)
      kokeilu OR hanke               either word
      kokeilu NOT korona             leave out bulletins with the word
      -korona kokeilu                the same: a hyphen excludes at the start, or after an operator
      talouden ohjaus -yksikössä     after a word, -word is text (the tail of an open compound)
      "kuusi innovaatiohaastetta"    the words together in this order, in any inflection
      kokeilu*                       words beginning with kokeilu
      title:elinkeinojaosto          the word in the title (also title:"a phrase")
      date:2020  date:2020-11  date:2019..2021  date:..2020-06   bulletins of those dates
      organ:kaupunginhallitus        decided by that body: the whole name, any case
      organ:kaupunginhallituksen*    by every body whose name begins so (also organ:"a name")
      kind:decision                  of that kind (decision, agenda_item, announcement)
      HEL 2021-009631                the bulletins of that case first (also 2021-009631)

    A word is also found inside a longer compound (hautomo and yrityshautomo find
    yrityshautomopalvelujen). Common words (ja, tai, että, …) are not indexed. Quote a phrase for
    the shell too: bulletins search '"kuusi innovaatiohaastetta"' NOT korona.

    The search forgives (unless --verbatim): an unpaired quote is left out, and when nothing
    matches a misspelt word, its likely spelling is searched instead and said so.

    \b
    With --json the output is one object:
      {"query", "total", "related_total", "page", "page_size", "sort", "seconds",
       "hits": [{"id", "title", "date", "score", "related", "snippet", "organ", "kind", "case",
                 "classification", "url", "lang"}],
       "facets": {"year": {"2020": 3, ...}, "organ": {...}, "kind": {...}}, "suggestion",
       "searched", "corrections"}
    where "total" counts the matches (and the facets count them), "related_total" the related
    results, "related" tells a related result from a match, "snippet" is HTML with the matched
    words in <mark>, "suggestion" is a corrected query or null, and "searched" is the query the
    hits are for when the search changed it ("corrections": "quote", "spelling"), else null.
    With --explain each hit also has "matches": [{"query_word", "bulletin_word", "how": "exact" |
    "lemma" | "compound" | "part"}]: as written, another inflection, inside a longer compound, or
    (related results) one part of a compound query word.

    Exit status, as grep's: 0 when something matches, 1 when nothing does (even if related results
    are listed), 2 on a bad query, a missing index or bad usage.
    """
    from search.backends import open_search, shard_list

    index_path, shard_names = config.index_dir(index), shard_list(shards)
    result = open_search(index_path, shards=shard_names).search(SearchRequest(
        " ".join(query), date_from=date_from, date_to=date_to, year=year, organ=organ, kind=kind,
        classification=classification, sort=sort, page=page, page_size=limit, explain=explain, verbatim=verbatim))
    if as_json:
        click.echo(_json(result.to_dict()))
    else:
        _print_result(result, _colored(color))
    if not result.total:
        from search.backends import bulletin_count  # only when nothing matched: is the index empty?
        if bulletin_count(index_path, shards=shard_names) == 0:
            where = f"The shards {', '.join(shard_names)} hold" if shard_names else f"The index in {index_path} holds"
            click.echo(f"{where} no bulletins: add bulletins to the corpus folder and run `bulletins index`.", err=True)
    sys.exit(FOUND if result.total else NOT_FOUND)


def _print_result(result: SearchResult, color: bool | None) -> None:
    """The hits as text: title, date and snippet with the matches in colour (on a terminal), then the total."""
    def echo(text: str = "") -> None:
        click.echo(text, color=color)

    if "spelling" in result.corrections:
        echo(f"Showing results for: {click.style(printable(result.searched), bold=True)}  "
             "(search for the query as typed with --verbatim)")
    elif result.suggestion:
        echo(f"Did you mean: {click.style(printable(result.suggestion), bold=True)}?")
    if "quote" in result.corrections:
        echo("The query had an unpaired quote mark, so it was left out.")
    if result.only_related:
        echo("No bulletin holds every word of the query. Related results, which hold only some of them:")
    first = (result.request.page - 1) * result.request.page_size
    for number, hit in enumerate(result.hits, first + 1):
        if hit.related and result.total and (number == first + 1 or not result.hits[number - first - 2].related):
            echo("\n— Related results: these hold only some of the words, or words the best matches share —")
        echo(f"\n{number}. {_styled(hit.title_marked, frozenset({0}))}")
        details = "  ".join(printable(value) for value in (hit.date, hit.kind, hit.organ, hit.case) if value)
        echo(f"   {details}  {click.style(printable(hit.id), dim=True)}")
        echo(f"   {_styled(hit.snippet)}")
        words: dict[str, list[str]] = {}
        for match in hit.matches:
            words.setdefault(printable(match.query_word), []).append(f"{printable(match.bulletin_word)} ({match.how})")
        for query_word, found in words.items():
            echo(f"   {click.style(query_word, bold=True)} → {', '.join(found)}")
    counts = [_count(result.total, "hit", "hits")]
    if result.related_total and result.total and result.request.sort != "relevance":
        counts.append("related results with --sort relevance")  # a date order lists matches only
    elif result.related_total:
        counts.append(_count(result.related_total, "related result", "related results"))
    echo(f"\n{', '.join(counts)}, {result.seconds * 1000:.0f} ms")


def _styled(spans: tuple[Span, ...], headings: frozenset[int] = frozenset()) -> str:
    """The spans as terminal text: matches yellow and bold, the lines numbered in `headings` bold,
    control characters shown as escapes."""
    pieces, line = [], 0
    for span in spans:
        for number, piece in enumerate(span.text.split("\n")):
            if number:
                pieces.append("\n")
                line += 1
            piece = printable(piece)
            if piece and (span.matched or line in headings):
                piece = click.style(piece, fg="yellow" if span.matched else None, bold=True)
            pieces.append(piece)
    return "".join(pieces)


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


@main.command("show")
@click.argument("bulletin_id")
@click.option("--query", "-q", metavar="QUERY", help="Highlight the matches of this search in the bulletin.")
@click.option("--json", "as_json", is_flag=True, help="Print the bulletin as one JSON object (as GET /api/bulletins/ID).")
@_COLOR
@click.option("--index", "index", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the index.  [default: $BULLETINS_INDEX or ./index]")
@shards_option
def show_command(bulletin_id: str, query: str | None, as_json: bool, color: str, index: Path | None,
                 shards: str | None) -> None:
    """Show one bulletin (its id is in the search's output): its title, date, deciding body, case and
    whole text, with the matches of --query highlighted, through a pager ($PAGER, else less) on a
    terminal.

    Exit status: 0 when the bulletin is shown, 1 when no bulletin has the id, 2 on an error or bad
    usage.
    """
    from search.backends import open_search, shard_list
    from search.headings import HEADING_MARKS

    searcher = open_search(config.index_dir(index), shards=shard_list(shards))
    bulletin = searcher.bulletin(bulletin_id)
    if bulletin is None:
        click.echo(f"No bulletin has the id {printable(repr(bulletin_id))}.", err=True)
        sys.exit(NOT_FOUND)
    if as_json:
        click.echo(_json(bulletin.to_dict()))
        return
    body = HEADING_MARKS.sub("", bulletin.body)
    headings = frozenset(number for number, line in enumerate(bulletin.body.split("\n")) if HEADING_MARKS.match(line))
    title = searcher.highlight(bulletin.title, query) if query else (Span(bulletin.title),)
    text = searcher.highlight(body, query) if query else (Span(body),)
    fields = [("date", bulletin.date), ("kind", bulletin.kind), ("decided by", bulletin.organ),
              ("section", f"{bulletin.section} §" if bulletin.section else None), ("case", bulletin.case),
              ("classification", bulletin.classification), ("url", bulletin.url), ("id", bulletin.id)]
    lines = [click.style(_styled(title), bold=True), ""]
    lines += [f"{label + ':':16}{printable(value)}" for label, value in fields if value]
    lines += ["", _styled(text, headings), ""]
    click.echo_via_pager("\n".join(lines), color=_colored(color))

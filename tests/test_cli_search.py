"""`bulletins search` and `bulletins show`, on every backend: text for people, JSON for scripts, one-line
errors, documented options."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import main
from search.corpus import Bulletin, PartialDate
from search.index.documents import to_document, with_terms
from search.index.store import open_index
from search.index.writer import update_index

from conftest import Target, copy_seeds

SEED_2020, SEED_2024 = "000_d69fc6f4f0811f96", "003_1869dba633d4af7d"


def run(*args: str, color: bool = False):
    return CliRunner().invoke(main, list(args), color=color)


@pytest.fixture(scope="module")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_seeds(tmp_path_factory.mktemp("cli") / "corpus")


@pytest.fixture
def search(target: Target):
    """`bulletins search` over the seeds, on every backend."""
    return lambda *args, **options: run("search", *target.cli_options(), *args, **options)


def test_text_output_has_title_date_snippet_and_total(search):
    result = search("kaupunginhallitus")
    assert result.exit_code == 0, result.output
    assert "1. Kaupunginhallituksen elinkeinojaosto merkitsi" in result.output  # the newer bulletin ranks first here
    assert "2024-11  003_1869dba633d4af7d" in result.output
    assert "2020-11  000_d69fc6f4f0811f96" in result.output
    assert re.fullmatch(r"2 hits, \d+ ms", result.output.rstrip().splitlines()[-1])
    assert "\x1b[" not in result.output  # no colour when not on a terminal


def test_matches_are_coloured_on_a_terminal(search):
    result = search('"kuusi innovaatiohaastetta"', color=True)
    assert "\x1b[33m\x1b[1mkuusi\x1b[0m \x1b[33m\x1b[1minnovaatiohaastetta\x1b[0m" in result.output


def test_json_output_is_the_documented_object(search):
    result = search("--json", "kokeiluja", "--limit", "1")
    data = json.loads(result.output)
    assert {"query", "total", "hits", "facets", "suggestion"} <= data.keys()
    assert data["query"] == "kokeiluja" and data["total"] == 1 and data["suggestion"] is None
    (hit,) = data["hits"]
    assert {"id", "title", "date", "score", "snippet"} <= hit.keys()
    assert hit["id"] == SEED_2020 and "<mark>kokeilu" in hit["snippet"]
    assert data["facets"] == {"year": {"2020": 1}, "organ": {}, "kind": {}}


def test_query_words_join_and_a_minus_word_needs_no_escaping(search):
    data = json.loads(search("--json", "-kokeilu", "kaupunginhallitus").output)
    assert data["query"] == "-kokeilu kaupunginhallitus"
    assert [hit["id"] for hit in data["hits"]] == [SEED_2024]
    data = json.loads(search("--json", "kaupunginhallitus", "NOT", "kokeilu").output)
    assert [hit["id"] for hit in data["hits"]] == [SEED_2024]


def test_a_hyphenated_word_is_a_query_word_whatever_its_letters(search):
    # -h is help, but the h of -hautomo makes it no option: at the start it excludes, after a word it is
    # the tail of an open compound (as `HSL -kuntayhtymän`, pasted)
    for words, found in [(["-hautomo", "kaupunginhallitus"], SEED_2020), (["kaupunginhallitus", "-hautomo"], SEED_2024)]:
        data = json.loads(search("--json", *words).output)
        assert data["query"] == " ".join(words)
        assert [hit["id"] for hit in data["hits"] if not hit["related"]] == [found]
    data = json.loads(search("--json", "--", "--limit").output)  # after --, even an option's name is a word
    assert data["query"] == "--limit"


@pytest.mark.parametrize(("args", "message"), [(["--limt", "3", "kokeilu"], "No such option '--limt'. (Did you mean"),
                                               (["kokeilu", "--limit"], "Option '--limit' requires an argument."),
                                               (["-n", "3", "kokeilu"], "No such option '-n': the options are long ones")])
def test_a_mistyped_or_unfinished_option_is_a_usage_error_not_a_word(search, args, message):
    result = search(*args)
    assert result.exit_code == 2 and message in result.output


def test_limit_page_sort_and_dates(search):
    def found(*args):
        return [hit["id"] for hit in json.loads(search("--json", "kaupunginhallitus", *args).output)["hits"]]

    assert found("--sort", "oldest") == [SEED_2020, SEED_2024]
    assert found("--sort", "newest", "--limit", "1", "--page", "2") == [SEED_2020]
    assert found("--from", "2021") == [SEED_2024]
    assert found("--to", "2020-11") == [SEED_2020]


def test_explain_shows_how_each_word_matched(search):
    result = search("--explain", "kokeiluja", "hautomo")
    assert "kokeiluja → kokeiluja (exact), kokeiluille (lemma), kokeilua (lemma)" in result.output
    assert "hautomo → yrityshautomopalveluja (compound), yrityshautomopalvelujen (compound)" in result.output
    data = json.loads(search("--json", "--explain", "hautomo").output)
    assert {"query_word": "hautomo", "bulletin_word": "yrityshautomopalvelujen", "how": "compound"} in data["hits"][0]["matches"]


def test_with_nothing_matching_the_likely_spelling_is_searched_and_said(search):
    result = search("kaupunginhalitus", "kokeilu")
    assert result.exit_code == 0
    assert result.output.startswith("Showing results for: kaupunginhallitus kokeilu  (search for the query as typed")
    assert f"{SEED_2020}" in result.output


def test_verbatim_only_suggests_and_says_the_related_results(search):
    result = search("--verbatim", "kaupunginhalitus", "kokeilu")
    assert "Did you mean: kaupunginhallitus kokeilu?" in result.output
    assert "No bulletin holds every word of the query" in result.output
    assert result.exit_code == 1  # related results are listed, but nothing matches


def test_an_unpaired_quote_is_left_out_and_said(search):
    result = search('"kuusi innovaatiohaastetta')
    assert result.exit_code == 0 and "unpaired quote mark, so it was left out" in result.output
    assert SEED_2020 in result.output
    assert search("--verbatim", '"kuusi innovaatiohaastetta').exit_code == 2


@pytest.mark.parametrize("args, message", [
    (["--verbatim", '"kuusi innovaatiohaastetta'], "Error: unbalanced quotes"),
    (["OR"], "Error: OR needs a word on both sides"),
    (["date:2020-02-30"], "Error: impossible date: 2020-02-30"),
    (["kokeilu\x07"], "Error: the query contains a control character (U+0007)"),
    (["x" * 10_000], "Error: the query is too long: 10,000 characters"),
])
def test_bad_query_is_one_line_and_exit_2(search, args, message):
    result = search(*args)
    assert result.exit_code == 2
    assert result.output.startswith(message) and len(result.output.strip().splitlines()) == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("args", [["--from", "2020-13", "kokeilu"], ["--limit", "0", "kokeilu"],
                                  ["--sort", "random", "kokeilu"], []])
def test_bad_options_are_usage_errors(search, args):
    assert search(*args).exit_code == 2


def test_missing_index_says_to_build_it(tmp_path):
    result = run("search", "--index", str(tmp_path / "none"), "kokeilu")
    assert result.exit_code == 2 and "run `bulletins index`" in result.output


def test_help_documents_the_query_language_options_and_json():
    help_text = run("search", "--help").output
    for piece in ("OR", "-korona", "NOT korona", "-yksikössä", "related_total", '"kuusi innovaatiohaastetta"',
                  "kokeilu*", "title:", "date:2020",
                  "date:2020-11", "date:2019..2021", "--limit", "--page", "--sort", "--from", "--to", "--json",
                  "--explain", "--index", '"hits"', '"facets"', '"suggestion"', '"searched"', "--year", "--size",
                  "--verbatim", "--color", "$NO_COLOR", "0 when something matches, 1 when nothing does"):
        assert piece in help_text, piece


# As people use a command line: help, version, colour, exit status, reading a bulletin


@pytest.mark.parametrize("args", [["search", "-h"], ["-h"], ["show", "-h"], ["index", "-h"]])
def test_dash_h_is_help(args):
    result = run(*args)
    assert result.exit_code == 0 and result.output.startswith("Usage: ")


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and re.fullmatch(r"bulletins, version \d+\.\d+\.\d+\n", result.output)


def test_exit_status_is_1_when_nothing_matches(search):
    result = search("xyzzyplugh")
    assert result.exit_code == 1 and result.output.strip().startswith("0 hits")
    assert search("--json", "xyzzyplugh").exit_code == 1


def test_a_search_run_as_its_own_process_prints_all_it_found_and_its_status(index_dir: Path) -> None:
    """As a user runs it: the process ends without Python's last collections, and loses nothing."""
    bulletins = Path(sys.executable).parent / "bulletins"
    command = [str(bulletins)] if bulletins.exists() else [sys.executable, "-c", "from search.cli import main; main()"]
    found = subprocess.run([*command, "search", "--index", str(index_dir), "--json", "kaupunginhallitus"],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert {hit["id"] for hit in json.loads(found.stdout)["hits"]} == {SEED_2020, SEED_2024}
    nothing = subprocess.run([*command, "search", "--index", str(index_dir), "xyzzyplugh"],
                             capture_output=True, text=True, timeout=60)
    assert nothing.returncode == 1 and nothing.stdout.strip().startswith("0 hits"), nothing.stderr


def test_one_hit_is_one_hit(search):
    # The 2020 seed has yritysten but no yrityshautomopalvelu: one of the two words
    result = search("yrityshautomopalveluja", "yritysten")
    assert re.fullmatch(r"1 hit, 1 related result, \d+ ms", result.output.rstrip().splitlines()[-1])


def test_a_date_order_says_which_order_lists_the_related_results(search):
    last = search("--sort", "newest", "yrityshautomopalveluja", "yritysten").output.rstrip().splitlines()[-1]
    assert re.fullmatch(r"1 hit, related results with --sort relevance, \d+ ms", last)


def test_size_is_limit_and_year_filters(search):
    def found(*args):
        return [hit["id"] for hit in json.loads(search("--json", "kaupunginhallitus", *args).output)["hits"]]

    assert found("--size", "1") == found("--limit", "1") and len(found("--size", "1")) == 1
    assert found("--year", "2020") == [SEED_2020]
    assert found("--from", "1.11.2020", "--to", "11/2020") == [SEED_2020]


@pytest.mark.parametrize(("option", "env", "coloured"), [
    ([], {}, True), ([], {"NO_COLOR": "1"}, False), (["--color", "never"], {}, False),
    (["--color", "always"], {"NO_COLOR": "1"}, True), ([], {"NO_COLOR": ""}, True),
])
def test_colour_follows_color_and_no_color(target, option, env, coloured):
    # color=True makes the runner a terminal that keeps colour, as a real one would
    result = CliRunner(env=env).invoke(main, ["search", *target.cli_options(), *option, "kokeiluja"], color=True)
    assert ("\x1b[" in result.output) == coloured


def test_never_colours_even_when_asked_to_keep_it(target):
    result = CliRunner().invoke(main, ["show", *target.cli_options(), "--color", "never", "-q", "hautomo", SEED_2024],
                                color=True)
    assert "\x1b[" not in result.output


def test_show_prints_a_bulletin_with_the_query_marked(target):
    result = run("show", *target.cli_options(), "--color", "always", "--query", "yrityshautomo", SEED_2024)
    assert result.exit_code == 0
    assert result.output.startswith("\x1b[1mKaupunginhallituksen elinkeinojaosto merkitsi tiedoksi")
    assert "date:           2024-11" in result.output and f"id:             {SEED_2024}" in result.output
    assert "\x1b[33m\x1b[1myrityshautomopalvelujen\x1b[0m" in result.output
    assert result.output.rstrip().endswith("elineinojaoston asiakirjat -sivulla.")  # the whole text


def test_show_json_is_the_api_object(target):
    data = json.loads(run("show", *target.cli_options(), "--json", SEED_2020).output)
    assert data["id"] == SEED_2020 and data["date"] == "2020-11" and data["body"].startswith("Helsingin")


def test_show_unknown_id_is_exit_1_and_missing_index_exit_2(target, tmp_path):
    result = run("show", *target.cli_options(), "ei-ole")
    assert result.exit_code == 1 and "No bulletin has the id 'ei-ole'" in result.output
    assert run("show", "--index", str(tmp_path / "none"), "x").exit_code == 2


def test_control_characters_in_an_older_index_never_reach_the_terminal(tmp_path: Path) -> None:
    """Readers remove control characters, but an index built before they did still holds them (a
    Whoosh index: the Xapian backend came after the readers did)."""
    index_dir = tmp_path / "index"
    update_index(copy_seeds(tmp_path / "corpus"), index_dir)
    body = "Kokeilu \x1b[31malkaa\x00 nyt, \x9b2J ja \x07loppuu."
    with open_index(index_dir).writer() as writer:
        writer.add_document(**with_terms(to_document(Bulletin("vanha", PartialDate(2019, 5), body, body, "v.txt:1"))))
    shown = run("search", "--index", str(index_dir), "loppuu", color=True).output
    assert "Kokeilu \\x1b[31malkaa\\x00 nyt, \\x9b2J ja \\x07" in shown
    assert not {"\x00", "\x07", "\x9b"} & set(shown) and "\x1b[31malkaa" not in shown
    as_json = run("search", "--json", "--index", str(index_dir), "loppuu").output
    assert not {"\x00", "\x07", "\x1b", "\x9b"} & set(as_json)
    assert json.loads(as_json)["hits"][0]["title"] == body

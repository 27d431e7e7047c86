"""The feed's links and ids: from the configured public base URL, else from the request, whose Host
only a trusted proxy may set; an entry's id never depends on the request."""

from __future__ import annotations

import http.client
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from search.cli import main
from search.web import create_app
from search.web.server import listen, make_server, proxy_settings

ATOM = "{http://www.w3.org/2005/Atom}"
SEED_2020 = "000_d69fc6f4f0811f96"
FEED = "/search.atom?q=kokeiluja"


def links_and_ids(xml: bytes) -> tuple[list[str], list[str]]:
    """Every href of the feed and its entries, and every id (the feed's first)."""
    feed = ET.fromstring(xml)
    links = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    return links, [element.text for element in feed.iter(f"{ATOM}id")]


def test_without_a_base_url_links_follow_the_host_but_ids_do_not(seed_index: Path) -> None:
    client = create_app({"INDEX_DIR": seed_index, "TESTING": True}).test_client()
    ours = links_and_ids(client.get(FEED, headers={"Host": "haku.example.fi"}).data)
    evil = links_and_ids(client.get(FEED, headers={"Host": "evil.example"}).data)
    assert ours[0][:2] == ["http://haku.example.fi/search.atom?q=kokeiluja",
                           "http://haku.example.fi/?q=kokeiluja&sort=newest"]
    assert ours[0][2] == f"http://haku.example.fi/bulletins/{SEED_2020}?q=kokeiluja"
    assert all(link.startswith("http://evil.example/") for link in evil[0])
    assert evil[1] == ours[1]
    assert [identity.split(":")[:2] for identity in ours[1]] == [["urn", "uuid"]] * 2


@pytest.mark.parametrize("base", ["https://haku.example.fi", "https://example.fi/kaupunki/haku/"])
def test_with_a_base_url_links_and_ids_come_from_it(seed_index: Path, base: str) -> None:
    client = create_app({"INDEX_DIR": seed_index, "TESTING": True, "BASE_URL": base}).test_client()
    links, ids = links_and_ids(client.get(FEED, headers={"Host": "evil.example"}).data)
    base = base.rstrip("/")
    assert links == [f"{base}/search.atom?q=kokeiluja", f"{base}/?q=kokeiluja&sort=newest",
                     f"{base}/bulletins/{SEED_2020}?q=kokeiluja"]
    assert ids == [f"{base}/search.atom?q=kokeiluja", f"{base}/bulletins/{SEED_2020}"]


@pytest.mark.parametrize("base", ["haku.example.fi", "ftp://haku.example.fi", "https://haku.example.fi/?a=1", "https://"])
def test_a_base_url_that_is_not_one_is_refused(seed_index: Path, tmp_path: Path, base: str) -> None:
    with pytest.raises(ValueError, match="not an http"):
        create_app({"INDEX_DIR": seed_index, "BASE_URL": base})
    result = CliRunner().invoke(main, ["serve", "--index", str(seed_index), "--port", "0"],
                                env={"BULLETINS_BASE_URL": base})
    assert result.exit_code == 2 and "Invalid value for --base-url: not an http(s) base URL" in result.output


@pytest.fixture
def serve(seed_index: Path) -> Iterator:
    """Start the real waitress server with the given proxy settings; yield a GET through it."""
    servers = []

    def start(**proxy):
        server = make_server(create_app({"INDEX_DIR": seed_index}), listen("127.0.0.1", 0), 2, proxy_settings(**proxy))
        threading.Thread(target=server.run, daemon=True).start()
        servers.append(server)

        def get(path: str, headers: dict[str, str]) -> bytes:
            connection = http.client.HTTPConnection("127.0.0.1", server.effective_port, timeout=10)
            connection.request("GET", path, headers=headers)
            return connection.getresponse().read()
        return get, server.effective_port

    yield start
    for server in servers:
        server.close()


FORWARDED = {"X-Forwarded-Host": "haku.example.fi", "X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.7"}


def test_a_trusted_proxy_sets_the_address_of_the_links(serve) -> None:
    get, _ = serve(trusted_proxy="127.0.0.1")
    links, _ = links_and_ids(get(FEED, FORWARDED))
    assert links[0] == "https://haku.example.fi/search.atom?q=kokeiluja"


def test_forwarded_headers_from_anyone_else_are_dropped(serve) -> None:
    get, port = serve()
    links, _ = links_and_ids(get(FEED, FORWARDED))
    assert links[0] == f"http://127.0.0.1:{port}/search.atom?q=kokeiluja"
    get, port = serve(trusted_proxy="192.0.2.1")  # a proxy, but not the one asking
    links, _ = links_and_ids(get(FEED, FORWARDED))
    assert links[0] == f"http://127.0.0.1:{port}/search.atom?q=kokeiluja"


def test_unknown_proxy_headers_are_refused(seed_index: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--index", str(seed_index), "--port", "0", "--trusted-proxy",
                                       "127.0.0.1", "--trusted-proxy-headers", "x-forwarded-host x-evil"])
    assert result.exit_code == 2 and "Invalid value for --trusted-proxy-headers" in result.output

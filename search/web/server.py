"""The production server: waitress, a pure-Python WSGI server with a pool of worker threads.

Why waitress: it runs in this one process, so a pool of N threads shares one BulletinSearch (thread-safe,
it refreshes itself when the index changes) and holds N Voikko handles, each thread opening its own on
first use (`search.finnish.voikko`); it buffers slow clients itself, so it can face the network without
a proxy; and the tests run the very same server in a thread. Searching is CPU-bound Python, so more
processes (gunicorn) would only pay on a machine with more cores than this project's two.

Behind a reverse proxy, waitress takes the client's address, scheme and host from the proxy's
X-Forwarded-* headers only when the request comes from `trusted_proxy`; from anyone else they are
dropped, so a client cannot make the app believe it is reached at another address."""

from __future__ import annotations

from flask import Flask
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

# Bounds on what a client may send: a search is a short GET, never a large upload.
MAX_REQUEST_HEADER_SIZE = 64 * 1024
MAX_REQUEST_BODY_SIZE = 64 * 1024
PROXY_HEADERS = ("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port")


def make_server(app: Flask, host: str, port: int, threads: int, trusted_proxy: str | None = None,
                proxy_headers: tuple[str, ...] = PROXY_HEADERS) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server for `app`, bound and ready to `run()`; port 0 picks a free port. With
    `trusted_proxy` (an address, or `*` for any), the `proxy_headers` of its requests are believed.
    Raise ValueError for a proxy header waitress does not know."""
    proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_headers": set(proxy_headers)} if trusted_proxy else {}
    return create_server(app, host=host, port=port, threads=threads, ident="bulletin-search",
                         max_request_header_size=MAX_REQUEST_HEADER_SIZE,
                         max_request_body_size=MAX_REQUEST_BODY_SIZE, channel_timeout=30, **proxy)


def addresses(server: BaseWSGIServer | MultiSocketServer) -> list[str]:
    """The URLs the server listens on (a name like `localhost` may stand for more than one address)."""
    if isinstance(server, MultiSocketServer):
        listen = server.effective_listen
    else:
        listen = [(server.effective_host, server.effective_port)]
    return [f"http://{f'[{host}]' if ':' in host else host}:{port}" for host, port in listen]


def run(server: BaseWSGIServer | MultiSocketServer) -> None:
    """Serve until Ctrl+C, then close the listening sockets."""
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()

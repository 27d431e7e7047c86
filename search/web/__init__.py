"""The web app: the search pages, their JSON twins under /api, and an Atom feed per search."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from search import config
from search.index.watch import CorpusWatcher
from search.web import api, errors, feed, pages, security, site
from search.web.backend import Backend
from search.web.urls import check_base_url


def create_app(settings: Mapping[str, Any] | None = None, watcher: CorpusWatcher | None = None) -> Flask:
    """A Flask app over the index at `settings["INDEX_DIR"]` (default: $BULLETINS_INDEX, else ./index).

    `settings["BACKEND"]` ("whoosh" or "xapian") and `settings["SHARDS"]` (Xapian shards: folders or
    `host:port`) choose the backend as search.backends does; by default it is the one that built the
    index. `settings["BASE_URL"]` is the public address the app is reached at (`https://haku.example.fi`),
    for the feed's links and ids; without it they come from the request. `watcher`, the watcher
    keeping the index current (if any), is reported on by /api/health. Other settings are Flask's
    own (`TESTING`, …). Debug mode stays off unless a test turns it on. Raise ValueError for a
    BASE_URL that is not an http(s) URL."""
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=64 * 1024)
    app.config.update(settings or {})
    if app.config.get("BASE_URL"):
        app.config["BASE_URL"] = check_base_url(app.config["BASE_URL"])
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["bulletins"] = Backend(config.index_dir(app.config.get("INDEX_DIR")), watcher,
                                          app.config.get("BACKEND"), tuple(app.config.get("SHARDS") or ()))
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(feed.blueprint)
    app.register_blueprint(site.blueprint)
    app.register_blueprint(api.blueprint, url_prefix="/api")
    errors.register(app)
    security.register(app)
    pages.register_template_helpers(app)
    return app

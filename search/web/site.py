"""What browsers and crawlers ask a site for: /robots.txt, /opensearch.xml (add the search to a
browser's search engines) and /favicon.ico."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, send_from_directory

blueprint = Blueprint("site", __name__)

# Search pages, the API and the feeds are endless variations of one another: crawlers read the
# bulletins' own pages and leave the rest alone.
ROBOTS = """User-agent: *
Disallow: /?
Disallow: /api/
Disallow: /search.atom
Allow: /
"""


@blueprint.get("/robots.txt")
def robots():
    """Which pages crawlers may read."""
    return Response(ROBOTS, mimetype="text/plain")


@blueprint.get("/opensearch.xml")
def opensearch():
    """The OpenSearch description: the search page, the feed and the completions by URL template."""
    return Response(render_template("opensearch.xml"), mimetype="application/opensearchdescription+xml")


@blueprint.get("/favicon.ico")
def favicon():
    """The icon, for the browsers and feed readers that ask for it by this old name."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)

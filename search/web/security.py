"""Response headers that keep untrusted bulletin text and queries from doing harm in a browser."""

from __future__ import annotations

from flask import Flask, Response, request

# Everything comes from this server: our one script (the search box's completions, which it fetches
# from here), styles and images; no inline script or style, nothing from elsewhere.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
                           "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Searches are in URLs: an outbound link must not tell another site what the person searched for.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def register(app: Flask) -> None:
    """Add the security headers to every response; let any site's scripts read the public JSON API."""

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/api/"):
            response.headers.setdefault("Access-Control-Allow-Origin", "*")
        response.vary.add("Accept-Language")
        return response

"""Security headers, Secure cookies over HTTPS, and the proxy fix for deployments behind one."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere, no third-party origin: the app must work on a closed network.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The same for everyone, so they keep their own caching when someone is signed in.
SHARED_FILES = {"static", "rounds.service_worker"}


def init_app(app: Flask) -> None:
    """Install the header hook and the cookie middleware."""
    app.after_request(_set_headers)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)
    if hops := int(app.config.get("PROXY_FIX") or 0):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Paths carry location codes; other sites need not learn them.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint not in SHARED_FILES and current_user.is_authenticated:
        # A signed-in page (names, addresses, a new API token) must not stay in a browser's or a
        # proxy's cache for the next person at a shared PC. The phone's offline copies are kept
        # by its service worker, which does not go by this header.
        headers["Cache-Control"] = "no-store"
    return response


class SecureCookiesOverHttps:
    """WSGI middleware: mark every cookie Secure when the request came over HTTPS.

    One place for the session cookie and Flask-Login's remember cookie alike, decided per
    request, so the same build serves plain HTTP on a laptop and HTTPS in production.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [
                (name, value + "; Secure")
                if name.lower() == "set-cookie" and "; secure" not in value.lower()
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)

"""Response headers every answer carries: a strict Content-Security-Policy (scripts only from this site's own
files, never inline), no framing, no MIME sniffing, a referrer policy, HSTS in production, and no caching of
pages that show personal data."""
from flask import Flask, Response, request

# Scripts: only files under /static and /admin/static (every inline <script> and on…= handler was moved into
# backoffice/static/). Styles may stay inline (style="" attributes and <style> blocks carry no script).
# Images: uploads, evidence crops and QR codes are served by this site; Bootstrap draws icons from data: URIs.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS = "max-age=31536000; includeSubDomains"
# Documents people open (pages and SVG, which may carry script) get the policy; a PDF or an image does not need it
# (and Chrome's PDF viewer is itself blocked by object-src 'none').
POLICED_TYPES = ("text/html", "image/svg+xml")
PRIVATE_PREFIXES = ("/admin/", "/portal/", "/api/", "/account/")
STATIC_PREFIXES = ("/static/", "/admin/static/")


def security_headers(response: Response, production: bool = False) -> Response:
    headers = response.headers
    if response.mimetype in POLICED_TYPES:
        headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if production:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if _private(request.path) and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"  # a shared office computer must not keep ID numbers in its cache
    return response


def _private(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES) and not path.startswith(STATIC_PREFIXES)


def install(app: Flask) -> None:
    production = app.config.get("XUEBU_ENV") == "production"
    app.after_request(lambda response: security_headers(response, production))

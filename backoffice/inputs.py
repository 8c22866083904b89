"""Input the database cannot hold is refused at the door with a 400, not discovered by PostgreSQL as a 500.

- `<int:…>` URL parts are bounded to PostgreSQL's integer range (a larger id is simply not found: 404);
- text with a NUL character or an unpaired surrogate (neither can be stored as UTF-8 text) in the query
  string, a form field or a JSON body is refused.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.routing import IntegerConverter

PG_INT_MAX = 2**31 - 1


class DatabaseInt(IntegerConverter):
    """`<int:id>` that only matches ids a PostgreSQL integer column can hold."""

    def __init__(self, map, *args, **kwargs):  # werkzeug's argument names
        kwargs.setdefault("max", PG_INT_MAX)
        super().__init__(map, *args, **kwargs)


def unstorable(value) -> bool:
    """True for text no database column can take: NUL characters or unpaired surrogates, at any depth."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(unstorable(v) for v in value)
    return False


def _problem() -> bool:
    if any(unstorable(k) or unstorable(v) for k, v in request.args.items(multi=True)):
        return True
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data") and (
            any(unstorable(k) or unstorable(v) for k, v in request.form.items(multi=True))
            or any(unstorable(f.filename or "") for f in request.files.values())):
        return True
    if request.is_json:
        return unstorable(request.get_json(silent=True))
    return False


def install(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInt

    @app.before_request
    def refuse_unstorable_text():
        if not _problem():
            return None
        if request.path.startswith("/api/"):
            return jsonify(error="invalid_input",
                           detail="The request contains a NUL character or invalid Unicode text."), 400
        return render_template("error.html", error=None, bad_text=True), 400

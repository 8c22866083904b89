"""Every message a person reads is Chinese: `pybabel extract` over the project finds no message that is neither
written in Chinese nor translated by the catalogue that serves it (Flask-Admin's zh_Hans_CN for the templates of
Flask-Admin's that the console overrides)."""
import re
from pathlib import Path

import flask_admin
from babel.messages.extract import extract_from_dir
from babel.support import Translations

ROOT = Path(__file__).resolve().parent.parent / "backoffice"
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER_ONLY = re.compile(r"^(%\(\w+\)s|\s)*$")


def _messages():
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map=method_map, options_map=options,
            keywords={"_": None, "gettext": None, "_gettext": None, "ngettext": (1, 2), "lazy_gettext": None}):
        for text in (message if isinstance(message, tuple) else (message,)):
            if text:
                yield filename, lineno, text


def test_no_message_is_left_in_english():
    catalogue = Translations.load(str(Path(flask_admin.__file__).parent / "translations"), ["zh_Hans_CN"],
                                  domain="admin")
    untranslated = [(f, n, text) for f, n, text in _messages()
                    if not CJK.search(text) and not PLACEHOLDER_ONLY.match(text)
                    and catalogue.gettext(text) == text]
    assert untranslated == []


def test_the_extraction_sees_the_project():
    found = list(_messages())
    assert any(f.startswith("templates") for f, _, _ in found), "the template extractor found nothing"

"""How the console shows stored values: Beijing time to the minute, 是/否, Chinese labels for codes and JSON."""
import enum
from datetime import date, datetime
from decimal import Decimal

from flask_admin.contrib.sqla.filters import FilterConverter
from flask_admin.model import filters
from markupsafe import Markup

from ..domain.clock import beijing, from_beijing
from ..domain.enums import ENUM_LABELS
from ..domain.labels import DETAIL_KEYS, DETAIL_VALUES

_ENUM_BY_VALUE = {m.value: label for labels in ENUM_LABELS.values() for m, label in labels.items()}


def human(value) -> str:
    """Any stored value as a sentence fragment a clerk reads (nested lists and dicts included)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, enum.Enum):
        return ENUM_LABELS.get(type(value), {}).get(value, str(value.value))
    if isinstance(value, (datetime, date)):
        return beijing(value)
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dict):
        return "；".join(f"{DETAIL_KEYS.get(k, k)}：{human(v)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, (list, tuple, set)):
        return "、".join(human(v) for v in value)
    if isinstance(value, str):
        return DETAIL_VALUES.get(value) or _ENUM_BY_VALUE.get(value) or value
    return str(value)


def _fmt(view, value, name=None):
    return human(value)


def _bool(view, value, name=None):
    return Markup('<span class="text-success">是</span>') if value else Markup('<span class="text-muted">否</span>')


TYPE_FORMATTERS = {
    type(None): lambda view, value, name=None: "",
    bool: _bool,
    datetime: _fmt, date: _fmt, Decimal: _fmt, list: _fmt, dict: _fmt, enum.Enum: _fmt,
}


class _TypedInBeijing:
    """A time typed into a list filter is Beijing time; the stored times are UTC."""

    def clean(self, value):
        cleaned = super().clean(value)
        return [from_beijing(v) for v in cleaned] if isinstance(cleaned, list) else from_beijing(cleaned)


class _KnownValuesOnly:
    """A value that names no member (an edited or stale URL) is an invalid filter, ignored like any other, not a 500."""

    def clean(self, value):
        try:
            return super().clean(value)
        except (KeyError, LookupError) as exc:
            raise ValueError(str(exc)) from exc


class ChineseFilterConverter(FilterConverter):
    """Enum filters offer the Chinese labels (the stored values stay the option values); time filters read what
    is typed as Beijing time."""
    datetime_filters = tuple(f if not hasattr(f, "clean") or f.__name__ == "FilterEmpty"
                             else type(f"Beijing{f.__name__}", (_TypedInBeijing, f), {})
                             for f in FilterConverter.datetime_filters)
    enum = tuple(f if not hasattr(f, "clean") else type(f"Known{f.__name__}", (_KnownValuesOnly, f), {})
                 for f in FilterConverter.enum)

    @filters.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):
        labels = ENUM_LABELS.get(getattr(column.type, "enum_class", None), {})
        if not options and labels:
            options = [(m.value, label) for m, label in labels.items()]
        return super().conv_enum(column, name, options, **kwargs)

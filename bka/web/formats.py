"""Dates, times and numbers in the page's language, for templates (as filters) and for the
parts of pages prepared in Python. Babel's formatting is remembered per value, format and
locale: a page shows the same few dates many times, and the text depends on nothing else."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache

from babel import dates, numbers
from babel.numbers import get_group_symbol
from flask_babel import get_timezone

from bka.web.i18n import current_format_locale


def format_date(value, fmt: str = "long") -> str:
    """A date in the active language's formats (day–month–year in English too)."""
    return _formatted_date(value, fmt, current_format_locale()) if value else ""


@lru_cache(maxsize=4096)
def _formatted_date(value: date, fmt: str, locale: str) -> str:
    return dates.format_date(value, fmt, locale=locale)


def format_datetime(value, fmt: str = "medium") -> str:
    """A moment in the installation's time zone (BABEL_DEFAULT_TIMEZONE), 24-hour time."""
    if not value:
        return ""
    return _formatted_datetime(value, fmt, get_timezone(), current_format_locale())


@lru_cache(maxsize=4096)
def _formatted_datetime(value: datetime, fmt: str, zone: tzinfo, locale: str) -> str:
    return dates.format_datetime(value, fmt, tzinfo=zone, locale=locale)


@lru_cache(maxsize=8)
def _group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


def format_number(value) -> str:
    """Numbers in the page's language; whole numbers take a fast path (pages show hundreds)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", _group_symbol(current_format_locale()))
    return _formatted_decimal(value, current_format_locale())


@lru_cache(maxsize=4096, typed=True)
def _formatted_decimal(value, locale: str) -> str:
    return numbers.format_decimal(value, locale=locale)

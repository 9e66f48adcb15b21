"""Spotting Swedish personal identity numbers in free text, so children are never identified.

A personnummer is a date of birth (YYMMDD, or YYYYMMDD) and four digits, the last a Luhn check
digit over the ten-digit form; a samordningsnummer adds 60 to the day. People write the
separator in many ways: a hyphen, Word's en dash, a minus sign, a non-breaking hyphen, spaces
around any of them, "+" (people aged 100 or more), a single space or nothing at all. Every
candidate must have a real date and a correct check digit, so case numbers ("RS 2023-04711"),
phone numbers and dates are not taken for one.

Text about children refuses to keep a new number unless the user confirms it is not a child's
(`require_confirmation`); the confirmation is audited with a keyed hash of the number, never
the number itself.
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from bka.domain import audit
from bka.domain.errors import DomainError

# Horizontal spaces people (and word processors) put around the separator.
_SPACE = "[ \t\u00a0\u2007\u2009\u202f]"
# Hyphen, "+", Unicode hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign,
# small and full-width hyphen-minus and plus.
_DASH = "[-+\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0b\uff0d]"
_SEPARATOR = f"(?:{_SPACE}{{0,3}}{_DASH}{_SPACE}{{0,3}}|{_SPACE}?)"
_CANDIDATE = re.compile(
    # The century in ASCII or full-width digits; \d takes every script's digits elsewhere.
    rf"(?<!\d)(?:(?P<century>[1\uff11][9\uff19]|[2\uff12][0\uff10])(?P<long>\d{{6}})"
    rf"|(?P<short>\d{{6}}))"
    rf"(?P<sep>{_SEPARATOR})(?P<serial>\d{{4}})(?!\d)"
)

MASK = "****"


@dataclass(frozen=True)
class Finding:
    """One number found in one field: where, how it is shown masked, and its digits."""

    field: str
    masked: str  # the date part visible, the last four digits hidden: "811218-****"
    digits: str  # the ten digits YYMMDDNNNC, for hashing only; never shown or stored

    def digest(self, key: bytes) -> str:
        """A keyed hash of the number: the same number gives the same value, nobody can
        reverse it without the key (a plain SHA-256 of a personnummer is easy to brute-force)."""
        return hmac.new(key, self.digits.encode("ascii"), hashlib.sha256).hexdigest()


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _date_ok(years: list[int], month: int, day: int) -> bool:
    if day > 60:  # samordningsnummer
        day -= 60
    if not 1 <= month <= 12 or day < 1:
        return False
    return any(day <= calendar.monthrange(year, month)[1] for year in years)


def _ascii(digits: str) -> str:
    return "".join(str(int(char)) for char in digits)


def find_numbers(text: str) -> list[tuple[str, str]]:
    """(masked, ten digits) for every valid personnummer or samordningsnummer in `text`."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        century = _ascii(match.group("century")) if match.group("century") else None
        short = _ascii(match.group("long") or match.group("short"))
        serial = _ascii(match.group("serial"))
        yy, month, day = int(short[:2]), int(short[2:4]), int(short[4:6])
        years = [int(century) * 100 + yy] if century else [1900 + yy, 2000 + yy]
        if not _date_ok(years, month, day) or not luhn_ok(short + serial):
            continue
        plus = "+" in match.group("sep") or "\uff0b" in match.group("sep")
        visible = (century or "") + short
        found.append((f"{visible}{'+' if plus else '-'}{MASK}", short + serial))
    return found


def looks_like_personnummer(text: str) -> bool:
    """True if `text` holds something shaped like a valid personnummer or samordningsnummer."""
    return bool(find_numbers(text))


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    return []


def findings(values: dict[str, Any], previous: dict[str, Any] | None = None) -> list[Finding]:
    """The numbers in `values` (field -> text) that `previous` did not already hold in the
    same field: a number kept once after confirmation is not asked about again."""
    previous = previous or {}
    result = []
    for name, value in values.items():
        known = {digits for text in _texts(previous.get(name)) for _, digits in find_numbers(text)}
        for text in _texts(value):
            for masked, digits in find_numbers(text):
                if digits not in known:
                    known.add(digits)
                    result.append(Finding(name, masked, digits))
    return result


def fields_with_personnummer(values: dict) -> list[str]:
    """Names of the values in `values` that look like they hold a personnummer."""
    return list(dict.fromkeys(finding.field for finding in findings(values)))


class PersonnummerFound(DomainError):
    """New text holds what looks like a personal identity number and nobody confirmed it."""

    def __init__(self, found: list[Finding]):
        super().__init__(
            _l(
                "The text seems to contain a personal identity number. Children must never be "
                "identifiable."
            )
        )
        self.findings = found

    def by_field(self) -> dict[str, list[str]]:
        """Field name -> the masked numbers found in it."""
        result: dict[str, list[str]] = {}
        for finding in self.findings:
            result.setdefault(finding.field, []).append(finding.masked)
        return result


def _key() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode("utf-8")


def require_confirmation(
    analysis_id: int | None,
    actor,
    area: str,
    values: dict[str, Any],
    *,
    previous: dict[str, Any] | None = None,
    confirmed: bool = False,
    reason: str = "",
) -> list[Finding]:
    """Refuse new numbers in text about children unless the user confirmed they are not a
    child's. A confirmation is audited with the fields, the reason and keyed hashes of the
    numbers (never the numbers); returns what was found."""
    found = findings(values, previous)
    if not found:
        return []
    if not confirmed or not (reason or "").strip():
        raise PersonnummerFound(found)
    key = _key()
    audit.record(
        "personnummer_confirmed",
        actor=actor,
        object_type="analysis",
        object_id=analysis_id,
        details={
            "area": area,
            "fields": sorted({finding.field for finding in found}),
            "reason": reason.strip(),
            "number_hashes": sorted({finding.digest(key) for finding in found}),
        },
    )
    return found

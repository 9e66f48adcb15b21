"""Spotting Swedish personal identity numbers in free text, so children are never identified."""

from __future__ import annotations

import re

_FULL = re.compile(r"(?<!\d)((?:19|20)?)(\d{6})[-+ ]?(\d{4})(?!\d)")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def looks_like_personnummer(text: str) -> bool:
    """True if `text` holds something shaped like a valid personnummer or samordningsnummer."""
    for match in _FULL.finditer(text or ""):
        short, serial = match.group(2), match.group(3)
        month, day = int(short[2:4]), int(short[4:6])
        if not 1 <= month <= 12:
            continue
        if not (1 <= day <= 31 or 61 <= day <= 91):
            continue
        if _luhn_ok(short + serial):
            return True
    return False


def fields_with_personnummer(values: dict) -> list[str]:
    """Names of the text values in `values` that look like they hold a personnummer."""
    return [
        name
        for name, value in values.items()
        if isinstance(value, str) and looks_like_personnummer(value)
    ]

"""Canonical JSON: the one serialisation every stored hash is computed over.

Sorted keys, UTF-8 without \\u escapes, and no whitespace. Sign-off snapshots (history) and the
audit chain have always hashed exactly these bytes.

Checklist content hashes are the one exception: since the first release they were computed with
json.dumps's default separators (", " and ": "). The hashes are stored in checklist_revision rows
and an analysis finds the revision it was started with by that hash, so changing the bytes would
make every existing revision look unknown. `legacy_spacing=True` keeps those bytes; use it for
checklist content hashes only, never for anything new.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

COMPACT = (",", ":")
LEGACY_SPACED = (", ", ": ")  # json.dumps's default, used by checklist content hashes


def canonical_json(obj: Any, *, legacy_spacing: bool = False) -> bytes:
    return json.dumps(
        obj,
        sort_keys=True,
        ensure_ascii=False,
        separators=LEGACY_SPACED if legacy_spacing else COMPACT,
    ).encode("utf-8")


def sha256_hex(obj: Any, *, legacy_spacing: bool = False) -> str:
    """The SHA-256 of `obj`'s canonical JSON, as 64 lowercase hex digits."""
    return hashlib.sha256(canonical_json(obj, legacy_spacing=legacy_spacing)).hexdigest()

"""One canonical JSON for every stored hash, and hashes stored before it still verify.

The digests below were computed with the code as it was before bka.domain.canonical existed
(commit 70fbb04: history.canonical_json, checklists.content_hash with json.dumps's default
separators, and audit._digest). They are pinned so that a change to the serialisation that would
orphan stored sign-off hashes, checklist revisions or the audit chain fails here first.
"""

import hashlib
import json
from datetime import UTC, datetime

import pytest

from bka.domain import audit, checklists, history
from bka.domain.canonical import canonical_json, sha256_hex
from bka.models.audit import AuditEvent

SNAPSHOT = {
    "title": "Införande av journalsystem för förskolan",
    "analysis_version": 3,
    "checklists": {"metod": "2024.1", "barnkonventionen": "1989"},
    "answers": {"screening": {"affects_children": "yes", "note": "Barn påverkas – indirekt"}},
    "entries": {"rights": [{"id": 7, "article": 12, "weight": 0.5, "heard": True, "note": None}]},
}
CHECKLIST = {
    "id": "metod",
    "version": "2024.1",
    "title": "Metod för barnkonsekvensanalys",
    "steps": [
        {"key": "screening", "questions": ["Berörs barn?", "Hur påverkas de?"], "required": True},
        {"key": "beslut", "questions": [], "weight": 1.5, "note": None},
    ],
}
EVENT = {
    "occurred_at": datetime(2026, 11, 30, 8, 15, 42, 123456, tzinfo=UTC),
    "actor_id": 4,
    "actor_label": "åsa.öberg@example.se",
    "action": "user_updated",
    "object_type": "user",
    "object_id": 12,
    "outcome": "success",
    "details": {"name": ["Åsa Öberg", "Åsa Ähl"], "active": [True, False], "n": 1.25},
    "prev_hash": "0" * 64,
}

# Computed with the code of commit 70fbb04, before this module was written.
OLD_SNAPSHOT_SHA256 = "19a855597a2980c2703c138de9882fb03da541220358462594ec5d31433f016c"
OLD_CHECKLIST_SHA256 = "5688b0f6493c36f1c7e02a189f72c11d0821c69aa6bc39bd4e318d889a6a9118"
OLD_AUDIT_SHA256 = "57fbf0b5a0e2d8eeea0c16ba8050139d9eee75dc6aed947c1a1ed427ee43796e"


def test_sign_off_snapshot_hashes_stored_before_still_verify():
    assert history.sha256_of(SNAPSHOT) == OLD_SNAPSHOT_SHA256


def test_checklist_content_hashes_stored_before_still_verify():
    assert checklists.content_hash(CHECKLIST) == OLD_CHECKLIST_SHA256


def test_audit_hashes_stored_before_still_verify():
    """Events written before the keyed chain (scheme 0) keep their plain SHA-256."""
    event = AuditEvent(**EVENT, scheme=audit.LEGACY)
    assert audit._digest(event, b"any key") == OLD_AUDIT_SHA256


@pytest.mark.parametrize(
    "value",
    [SNAPSHOT, CHECKLIST, {"b": [1, 2.5, None, False], "a": {"ö": "Å", "z": ""}}, [], "å", 0],
)
def test_same_bytes_as_the_serialisations_it_replaces(value):
    compact = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    spaced = json.dumps(value, sort_keys=True, ensure_ascii=False)
    assert canonical_json(value) == compact.encode("utf-8")
    assert canonical_json(value, legacy_spacing=True) == spaced.encode("utf-8")
    assert sha256_hex(value) == hashlib.sha256(compact.encode("utf-8")).hexdigest()


def test_canonical_json_is_sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": "ö"}) == '{"a":"ö","b":1}'.encode()
    assert canonical_json({"b": 1, "a": "ö"}, legacy_spacing=True) == '{"a": "ö", "b": 1}'.encode()

"""The analysis lifecycle: statuses and the one table of allowed transitions."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

DRAFT = "draft"
IN_REVIEW = "in_review"
CHANGES_REQUESTED = "changes_requested"
APPROVED = "approved"
DECIDED = "decided"
FOLLOW_UP = "follow_up"
CLOSED = "closed"
SCREENED_OUT = "screened_out"

STATUSES = (DRAFT, IN_REVIEW, CHANGES_REQUESTED, APPROVED, DECIDED, FOLLOW_UP, CLOSED, SCREENED_OUT)
STATUS_LABELS = {
    DRAFT: _l("Draft"),
    IN_REVIEW: _l("In review"),
    CHANGES_REQUESTED: _l("Changes requested"),
    APPROVED: _l("Approved"),
    DECIDED: _l("Decided"),
    FOLLOW_UP: _l("In follow-up"),
    CLOSED: _l("Closed"),
    SCREENED_OUT: _l("No BKA needed"),
}
TRANSITION_LABELS = {
    "screen_out": _l("Concluded: no BKA needed"),
    "reopen": _l("Reopened"),
}

# The team may change answers only while the analysis is in these states.
EDITABLE_STATUSES = frozenset({DRAFT, CHANGES_REQUESTED})


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    member_roles: frozenset[str]  # analysis membership roles allowed to make the move


TRANSITIONS = (
    Transition("screen_out", DRAFT, SCREENED_OUT, frozenset({"owner", "editor"})),
    Transition("reopen", SCREENED_OUT, DRAFT, frozenset({"owner"})),
)


def transition(name: str, source: str) -> Transition | None:
    for candidate in TRANSITIONS:
        if candidate.name == name and candidate.source == source:
            return candidate
    return None

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
# The decision-maker sent the analysis back (återremiss): it continues as a new, linked version.
REFERRED_BACK = "referred_back"

STATUSES = (
    DRAFT,
    IN_REVIEW,
    CHANGES_REQUESTED,
    APPROVED,
    DECIDED,
    FOLLOW_UP,
    CLOSED,
    SCREENED_OUT,
    REFERRED_BACK,
)
STATUS_LABELS = {
    DRAFT: _l("Draft"),
    IN_REVIEW: _l("In review"),
    CHANGES_REQUESTED: _l("Changes requested"),
    APPROVED: _l("Approved"),
    DECIDED: _l("Decided"),
    FOLLOW_UP: _l("In follow-up"),
    CLOSED: _l("Closed"),
    SCREENED_OUT: _l("No BKA needed"),
    REFERRED_BACK: _l("Referred back"),
}
# The team may change answers only while the analysis is in these states.
EDITABLE_STATUSES = frozenset({DRAFT, CHANGES_REQUESTED})


@dataclass(frozen=True)
class Transition:
    name: str
    source: str
    target: str
    member_roles: frozenset[str]  # analysis membership roles allowed to make the move


TEAM = frozenset({"owner", "editor"})
REVIEWER = frozenset({"reviewer"})

# Every allowed move: name, from, to, and the analysis membership roles that may make it.
TRANSITIONS = (
    Transition("submit", DRAFT, IN_REVIEW, TEAM),
    Transition("submit", CHANGES_REQUESTED, IN_REVIEW, TEAM),
    Transition("return", IN_REVIEW, CHANGES_REQUESTED, REVIEWER),
    Transition("sign_off", IN_REVIEW, APPROVED, REVIEWER),
    Transition("sign_off_screened_out", IN_REVIEW, SCREENED_OUT, REVIEWER),
    Transition("new_version", APPROVED, DRAFT, TEAM),
    Transition("new_version", SCREENED_OUT, DRAFT, TEAM),
    Transition("record_decision", APPROVED, DECIDED, TEAM),
    # Återremiss: this version is done; the work goes on in a new, linked version.
    Transition("refer_back", APPROVED, REFERRED_BACK, TEAM),
    # Bordlagt: no decision yet; the signed version waits for a later meeting.
    Transition("postpone_decision", APPROVED, APPROVED, TEAM),
    Transition("start_follow_up", DECIDED, FOLLOW_UP, TEAM),
    Transition("close", FOLLOW_UP, CLOSED, TEAM),
)

# The reason of the first snapshot of a version opened by a referral back or for a
# re-assessment (bka.domain.versions).
OPENED_AFTER_REFERRAL = "opened_after_referral"
OPENED_FOR_REASSESSMENT = "opened_for_reassessment"
# The reason of the first snapshot of an analysis started from an earlier one (bka.domain.reuse).
STARTED_FROM_EARLIER = "started_from_earlier"
# VersionLink.reason: why a linked version was opened (bka.domain.versions).
LINK_REFERRED_BACK = "referred_back"
LINK_REASSESSMENT = "reassessment"

TRANSITION_LABELS = {
    "submit": _l("Sent for review"),
    "return": _l("Sent back for changes"),
    "sign_off": _l("Signed off"),
    "sign_off_screened_out": _l("Signed off: no BKA needed"),
    "new_version": _l("New version opened"),
    "record_decision": _l("Decision recorded"),
    "refer_back": _l("Referred back (återremiss)"),
    "postpone_decision": _l("Decision postponed (bordlagt)"),
    "start_follow_up": _l("Follow-up started"),
    "close": _l("Closed"),
    # Not a move but the first snapshot of the version a referral back opened; history names it.
    OPENED_AFTER_REFERRAL: _l("New version opened after the referral back"),
    OPENED_FOR_REASSESSMENT: _l("New version opened for a re-assessment"),
    STARTED_FROM_EARLIER: _l("Started from an earlier analysis"),
}


def transition(name: str, source: str) -> Transition | None:
    for candidate in TRANSITIONS:
        if candidate.name == name and candidate.source == source:
            return candidate
    return None

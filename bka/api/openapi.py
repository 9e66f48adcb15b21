"""The OpenAPI 3.1 document of /api/v1, written as data. /api/v1/openapi.json serves it and
/api/v1/docs renders it as a page, so the two never disagree."""

from __future__ import annotations

from typing import Any

from flask import current_app

from bka.domain.checklists import STEP_KEYS
from bka.domain.entries import ENTRY_KINDS
from bka.domain.follow_up import FOLLOW_UP_KINDS
from bka.domain.workflow import STATUSES
from bka.models.base import DB_INT_MAX

API_TRANSITIONS = (
    "submit",
    "send_back",
    "sign_off",
    "new_version",
    "record_decision",
    "start_follow_up",
    "close",
)
# The reviewer's moves: the review of the round, as on the review page.
REVIEW_TRANSITIONS = ("send_back", "sign_off")
# The workflow's moves (bka.domain.workflow) the API makes under another name: the reviewer's
# verdict picks return or one of the sign-offs, and the decision's outcome picks among the
# decision's moves.
API_NAME_OF_MOVE = {
    "return": "send_back",
    "sign_off_screened_out": "sign_off",
    "refer_back": "record_decision",
    "postpone_decision": "record_decision",
}

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
ID = {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


ERRORS = {
    "400": _problem("Bad request: not a JSON object, or a bad query parameter."),
    "401": _problem("No valid token (missing, unknown, revoked, expired, or inactive user)."),
    "403": _problem("The token's user may see the analysis but not do this, or a read token."),
    "404": _problem("No such analysis, or the token's user may not see it."),
    "405": _problem("The path has no such method (see the Allow header)."),
    "422": _problem("Invalid input: `errors` maps each field to its messages."),
    "429": _problem("Too many requests: wait Retry-After seconds."),
}
READ_ERRORS = {key: ERRORS[key] for key in ("400", "401", "403", "404", "405", "429")}


def _path_param(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema,
        "description": description,
    }


def _query(name: str, schema: dict, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


ANALYSIS_ID = _path_param("analysis_id", ID, "The analysis's number.")
ENTRY_KIND = _path_param(
    "kind_name", {"type": "string", "enum": list(ENTRY_KINDS)}, "The kind of entry."
)
RECORD_KIND = _path_param(
    "kind_name", {"type": "string", "enum": list(FOLLOW_UP_KINDS)}, "The kind of record."
)
STEP_KEY = _path_param("step_key", {"type": "string", "enum": list(STEP_KEYS)}, "The step.")


def _fields_text(kinds: dict) -> str:
    return "; ".join(f"**{name}**: {', '.join(kind.fields)}" for name, kind in kinds.items())


def _schemas(areas: list[str]) -> dict[str, Any]:
    summary = {
        "type": "object",
        "required": ["id", "title", "organisation", "decision_area", "status", "version", "url"],
        "properties": {
            "id": {"type": "integer"},
            "title": TEXT,
            "organisation": TEXT,
            "decision_area": TEXT,
            "diarienummer": NULLABLE_TEXT,
            "planned_decision_date": {"type": ["string", "null"], "format": "date"},
            "status": {"type": "string", "enum": list(STATUSES)},
            "version": {"type": "integer"},
            "screening_level": NULLABLE_TEXT,
            "year": NULLABLE_INT,
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "url": TEXT,
        },
    }
    item = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
    return {
        "Problem": {
            "type": "object",
            "required": ["title", "status"],
            "properties": {
                "type": TEXT,
                "title": TEXT,
                "status": {"type": "integer"},
                "detail": TEXT,
                "errors": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": TEXT},
                },
                "missing": {"type": "array", "items": TEXT},
                "current": {"type": "object"},
            },
        },
        "AnalysisSummary": summary,
        "AnalysisList": {
            "type": "object",
            "required": ["items", "next_cursor", "next"],
            "properties": {
                "items": {"type": "array", "items": _ref("AnalysisSummary")},
                "next_cursor": NULLABLE_TEXT,
                "next": NULLABLE_TEXT,
            },
        },
        "Step": {
            "type": "object",
            "required": ["key", "answers", "completed", "lock_version"],
            "properties": {
                "key": {"type": "string", "enum": list(STEP_KEYS)},
                "answers": {"type": "object"},
                "completed": {"type": "boolean"},
                "lock_version": {"type": "integer"},
                "updated_at": {"type": ["string", "null"], "format": "date-time"},
                "missing": {"type": "array", "items": TEXT},
            },
        },
        "Item": item,
        "ItemList": {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": _ref("Item")}},
        },
        "Analysis": {
            "allOf": [
                _ref("AnalysisSummary"),
                {
                    "type": "object",
                    "required": ["steps", "entries", "follow_up", "decisions", "transitions"],
                    "properties": {
                        "your_role": NULLABLE_TEXT,
                        "transitions": {
                            "type": "array",
                            "items": {"type": "string", "enum": list(API_TRANSITIONS)},
                            "description": "The transitions you may post now.",
                        },
                        "steps": {"type": "array", "items": _ref("Step")},
                        "entries": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": _ref("Item")},
                        },
                        "follow_up": {
                            "type": "object",
                            "additionalProperties": {"type": "array", "items": _ref("Item")},
                        },
                        "decisions": {"type": "array", "items": {"type": "object"}},
                    },
                },
            ]
        },
        "NewAnalysis": {
            "type": "object",
            "required": ["title", "organisation", "decision_area"],
            "properties": {
                "title": TEXT,
                "organisation": TEXT,
                "decision_area": {"type": "string", "enum": areas},
                "diarienummer": TEXT,
                "planned_decision_date": {"type": "string", "format": "date"},
                "not_a_child_number": {"type": "boolean"},
                "not_a_child_reason": TEXT,
            },
        },
        "StepAnswers": {
            "type": "object",
            "required": ["answers", "lock_version"],
            "properties": {
                "answers": {
                    "type": "object",
                    "description": "Question key → value (text, date as YYYY-MM-DD, choice key, "
                    "list of choice keys or article numbers). Replaces all the step's answers.",
                },
                "lock_version": {"type": "integer", "minimum": 0, "maximum": DB_INT_MAX},
                "mark_completed": {"type": "boolean"},
                "not_a_child_number": {"type": "boolean"},
                "not_a_child_reason": TEXT,
            },
        },
        "Values": {
            "type": "object",
            "description": "The fields of the entry or record (as on its page): "
            "text, numbers, true/false, dates as YYYY-MM-DD, lists of choice keys.",
        },
        "Transition": {
            "type": "object",
            "required": ["transition"],
            "properties": {
                "transition": {"type": "string", "enum": list(API_TRANSITIONS)},
                "reviewer": {
                    **ID,
                    "description": "submit: the reviewer's user number.",
                },
            },
            "description": "send_back and sign_off (the reviewer of the round) take "
            "verdict__<step> (ok or changes), comment__<step>, rubric__<item>, reasons "
            "(required to send back) and, to sign off, statements (every attestation key) and "
            "title; record_decision takes decision_body, decided_on, reference, "
            "diarienummer, outcome, follows_conclusion, follows_conclusion_reason, "
            "best_interests_weighing; close takes closed_on, fared, conclusion, learnt.",
        },
    }


def _op(
    summary: str,
    responses: dict,
    *,
    body: str | None = None,
    params=(),
    tag="analyses",
    description: str = "",
) -> dict:
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": [tag],
        "parameters": list(params),
        "responses": responses,
    }
    if description:
        operation["description"] = description
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return operation


def _paths() -> dict[str, Any]:
    filters = [
        _query("status", {"type": "string", "enum": list(STATUSES)}, "Only this status."),
        _query("decision_area", TEXT, "Only this decision area."),
        _query("organisation", TEXT, "Only this organisation (exact name)."),
        _query("year", {"type": "integer", "minimum": 1900, "maximum": 9999}, "Only this year."),
        _query("q", TEXT, "Words in the title or diarienummer."),
        _query("after", TEXT, "The next_cursor of the previous page."),
        _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "Page size (25)."),
    ]
    entry_id = _path_param("entry_id", ID, "The entry's number.")
    record_id = _path_param("record_id", ID, "The record's number.")
    write = {**ERRORS, "409": _problem("A conflict.")}
    return {
        "/analyses": {
            "get": _op(
                "List the analyses you may see",
                {"200": _json(_ref("AnalysisList"), "A page, newest first."), **READ_ERRORS},
                params=filters,
                description="Keyset pages: pass `next_cursor` as `after` for the next page.",
            ),
            "post": _op(
                "Start an analysis (you become its owner)",
                {"201": _json(_ref("Analysis"), "Started."), **ERRORS},
                body="NewAnalysis",
            ),
        },
        "/analyses/{analysis_id}": {
            "get": _op(
                "One analysis with all its structured content",
                {"200": _json(_ref("Analysis"), "The analysis."), **READ_ERRORS},
                params=[ANALYSIS_ID],
            ),
        },
        "/analyses/{analysis_id}/steps/{step_key}": {
            "get": _op(
                "A step's answers and lock version",
                {"200": _json(_ref("Step"), "The step."), **READ_ERRORS},
                params=[ANALYSIS_ID, STEP_KEY],
            ),
            "put": _op(
                "Replace a step's answers",
                {
                    "200": _json(
                        _ref("Step"), "Saved; `missing` lists what keeps it from being completed."
                    ),
                    **ERRORS,
                    "409": _problem(
                        "Someone saved the step after `lock_version`; `current` "
                        "holds their answers. Nothing was saved."
                    ),
                },
                params=[ANALYSIS_ID, STEP_KEY],
                body="StepAnswers",
            ),
        },
        "/analyses/{analysis_id}/entries/{kind_name}": {
            "get": _op(
                "A step's entries of one kind",
                {"200": _json(_ref("ItemList"), "The entries."), **READ_ERRORS},
                params=[ANALYSIS_ID, ENTRY_KIND],
                tag="entries",
            ),
            "post": _op(
                "Add an entry",
                {"201": _json(_ref("Item"), "Added."), **ERRORS},
                params=[ANALYSIS_ID, ENTRY_KIND],
                body="Values",
                tag="entries",
                description="Fields by kind: " + _fields_text(ENTRY_KINDS) + ".",
            ),
        },
        "/analyses/{analysis_id}/entries/{kind_name}/{entry_id}": {
            "get": _op(
                "One entry",
                {"200": _json(_ref("Item"), "The entry."), **READ_ERRORS},
                params=[ANALYSIS_ID, ENTRY_KIND, entry_id],
                tag="entries",
            ),
            "patch": _op(
                "Change an entry (fields not sent stay as they are)",
                {"200": _json(_ref("Item"), "Saved."), **ERRORS},
                params=[ANALYSIS_ID, ENTRY_KIND, entry_id],
                body="Values",
                tag="entries",
            ),
            "delete": _op(
                "Remove an entry",
                {"204": {"description": "Removed."}, **READ_ERRORS},
                params=[ANALYSIS_ID, ENTRY_KIND, entry_id],
                tag="entries",
            ),
        },
        "/analyses/{analysis_id}/transitions": {
            "post": _op(
                "Change the status (" + ", ".join(API_TRANSITIONS) + ")",
                {"200": _json(_ref("Analysis"), "Done."), **write},
                params=[ANALYSIS_ID],
                body="Transition",
                tag="lifecycle",
                description="send_back and sign_off are the reviewer's of the round, with the "
                "review page's fields (see the Transition schema).",
            ),
        },
        "/analyses/{analysis_id}/follow-up/{kind_name}": {
            "get": _op(
                "Follow-up records of one kind",
                {"200": _json(_ref("ItemList"), "The records."), **READ_ERRORS},
                params=[ANALYSIS_ID, RECORD_KIND],
                tag="follow-up",
            ),
            "post": _op(
                "Add a follow-up record (decided or in follow-up)",
                {"201": _json(_ref("Item"), "Added."), **ERRORS},
                params=[ANALYSIS_ID, RECORD_KIND],
                body="Values",
                tag="follow-up",
                description="Fields by kind: " + _fields_text(FOLLOW_UP_KINDS) + ".",
            ),
        },
        "/analyses/{analysis_id}/follow-up/{kind_name}/{record_id}": {
            "get": _op(
                "One follow-up record",
                {"200": _json(_ref("Item"), "The record."), **READ_ERRORS},
                params=[ANALYSIS_ID, RECORD_KIND, record_id],
                tag="follow-up",
            ),
            "patch": _op(
                "Change a follow-up record (fields not sent stay as they are)",
                {"200": _json(_ref("Item"), "Saved."), **ERRORS},
                params=[ANALYSIS_ID, RECORD_KIND, record_id],
                body="Values",
                tag="follow-up",
            ),
        },
    }


def document() -> dict[str, Any]:
    areas = sorted(current_app.extensions["bka_library"].packs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bka API",
            "version": "1",
            "description": "The child-rights impact assessments (barnkonsekvensanalyser) you may "
            "see, as JSON. Authenticate with a personal access token from your account page or "
            "`bka token create`: `Authorization: Bearer bka_...`. A read token reads; a write "
            "token also changes. Errors are application/problem+json.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "components": {
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer", "description": "bka_..."}
            },
            "schemas": _schemas(areas),
        },
        "paths": _paths(),
    }


def endpoints() -> list[dict[str, Any]]:
    """The operations in document order, for the documentation page."""
    rows = []
    for path, operations in _paths().items():
        for method, operation in operations.items():
            rows.append({"method": method.upper(), "path": path, **operation})
    return rows

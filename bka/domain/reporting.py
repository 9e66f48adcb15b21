"""Turns a stored analysis version into reports.ReportData, in the report's own language.

The report's language is chosen when rendering and does not follow the viewer's: labels come
from the checklist snapshot and from the catalogs, both in `locale`.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path
from typing import Any

from babel.dates import format_date, get_timezone
from babel.numbers import format_decimal
from babel.support import Translations
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import (
    barnbokslut,
    examples,
    follow_up_report,
    history,
    labels,
    lifecycle,
    overview_tables,
    reuse,
)
from bka.domain.alternatives import MIXED, AlternativeFacts, compare
from bka.domain.checklists import STEP_KEYS, Checklists, Convention
from bka.domain.contract import (
    BEST_INTERESTS,
    CHILD_FRIENDLY_SUMMARY,
    COMPLAINT_ROUTES,
    DECISION_BODY,
    ENGAGED_ARTICLES,
    PREFERRED_OPTION,
    PROPOSAL,
    STEP_EVIDENCE,
    STEP_FEEDBACK,
    STEP_SCREENING,
)
from bka.domain.entries import PARTICIPATION_REQUIREMENTS
from bka.domain.errors import DomainError
from bka.domain.overview import Overview
from bka.domain.progress import load_state
from bka.domain.screening import ScreeningResult, screening_result
from bka.domain.workflow import STATUS_LABELS
from bka.extensions import db
from bka.models import Analysis, ArchivedReport
from reports import RENDERERS
from reports import render_barnbokslut as render_barnbokslut_pdf
from reports.data import (
    AlternativeRow,
    Answer,
    ArticleRow,
    BarnbokslutData,
    ChildGroupRow,
    ComparisonTable,
    ConsultationRow,
    DecisionBlock,
    DecisionSummary,
    ImpactRow,
    IndicatorRow,
    MeasureRow,
    ReportData,
    ReviewRow,
    SignatureBlock,
    StepSection,
    TableData,
    TriggerRow,
    format_locale,
)

logger = logging.getLogger(__name__)
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
KINDS = tuple(RENDERERS)
# The analysis report exactly as archived at sign-off, whatever was recorded after it.
SIGNED = "signed"
DOWNLOAD_KINDS = (*KINDS, SIGNED)


def translations(locale: str) -> Translations:
    return Translations.load(str(TRANSLATIONS_DIR), [locale], domain="messages")


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _requirements(met: list[str] | None, label) -> tuple[tuple[str, bool], ...]:
    """General Comment 12's nine requirements with whether each held; none for a consultation
    (or a snapshot) from before the checklist existed."""
    if met is None:
        return ()
    return tuple(
        (label(labels.PARTICIPATION_REQUIREMENT, key), key in met)
        for key in PARTICIPATION_REQUIREMENTS
    )


def _number(value: float, unit: str, locale: str) -> str:
    text = format_decimal(value, locale=format_locale(locale))
    return f"{text} {unit}" if unit else text


def _with_number(text: str, value: float | None, indicator: dict, locale: str) -> str:
    """An indicator's baseline or target in words, with its number when it has one."""
    if value is None:
        return text
    number = _number(value, indicator.get("unit") or "", locale)
    return f"{text} ({number})" if text else number


def _trigger_condition(trigger: dict, entries: dict, locale: str) -> str:
    """When a trigger is met, in words: its condition, and the event kind or the indicator
    with the threshold (in per cent for a change)."""
    condition = str(labels.CONDITION.get(trigger["condition"], trigger["condition"]))
    if trigger.get("event_kind"):
        return f"{condition}: {labels.EVENT_KIND.get(trigger['event_kind'], '')}"
    indicator = next(
        (i for i in entries.get("indicators", []) if i["id"] == trigger.get("indicator_id")), {}
    )
    threshold = trigger.get("threshold")
    if threshold is None:
        return condition
    unit = "%" if trigger["condition"] == "changes_by" else indicator.get("unit") or ""
    return f"{condition}: {indicator.get('name', '')}, {_number(threshold, unit, locale)}"


# The order of seriousness of an assessment in the impact matrix: severity, then likelihood.
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}
LIKELIHOOD_RANK = {"unlikely": 0, "possible": 1, "likely": 2}


def _seriousness(impact: dict) -> int:
    """Higher is more serious: a high severity outranks any likelihood."""
    return SEVERITY_RANK.get(impact.get("severity"), 0) * 3 + LIKELIHOOD_RANK.get(
        impact.get("likelihood"), 0
    )


def _answer_text(question, value, checklists: Checklists, locale: str) -> str:
    if value in (None, "", []):
        return ""
    if question.kind == "articles":
        return ", ".join(
            f"{n}. {checklists.convention.article(n).title.get(locale)}" for n in value
        )
    if question.scale is not None:
        keys = value if isinstance(value, list) else [value]
        return ", ".join(question.scale.label_for(key, locale) for key in keys)
    if question.kind == "date":
        day = _day(value)
        return format_date(day, "long", locale=format_locale(locale)) if day else str(value)
    return str(value)


def _screening_text(result: ScreeningResult) -> str:
    """The level, the rules' reasons and, where the team chose another level, the suggestion
    and the team's reason: the decision file shows the choice as the reviewer saw it."""
    text = str(labels.SCREENING_LEVEL.get(result.level, result.level)) + ": "
    text += " ".join(str(reason) for reason in result.reasons)
    if result.overridden:
        suggested = labels.SCREENING_LEVEL.get(result.suggested, result.suggested)
        text += " " + str(
            _l("The team chose this level; the screening suggested: %(level)s.", level=suggested)
        )
        if result.override_reason:
            text += " " + str(_l("Reason:")) + " " + result.override_reason
    return text


def _comparison_table(content: dict, checklists: Checklists, locale: str) -> ComparisonTable | None:
    """The step page's comparison of the alternatives, as text for the report (run inside the
    report's locale)."""
    entries = content["entries"]
    if not entries.get("alternatives"):
        return None
    convention = checklists.convention
    engaged = content["answers"].get(ENGAGED_ARTICLES.step, {}).get(ENGAGED_ARTICLES.key, [])
    articles = [number for number in engaged if not convention.is_procedural(number)]
    compared = compare(
        articles,
        [AlternativeFacts.of(alternative) for alternative in entries["alternatives"]],
        [(impact["article"], impact["direction"]) for impact in entries.get("impacts", [])],
    )
    effect = lambda key: str(labels.DIRECTION.get(key, key)) if key else str(_l("Not assessed"))  # noqa: E731

    def heading(alternative: AlternativeFacts | None) -> str:
        title = alternative.title if alternative else str(_l("The proposal"))
        tags = [
            str(tag)
            for flag, tag in (
                (alternative is None or alternative.is_proposal, _l("proposed")),
                (alternative is not None and alternative.is_zero_option, _l("zero option")),
                (alternative is not None and alternative.is_recommended, _l("recommended")),
            )
            if flag
        ]
        return f"{title} ({', '.join(tags)})" if tags else title

    def proposal(cell) -> str:
        if cell.effect != MIXED:
            return effect(cell.effect)
        counts = ", ".join(
            f"{str(labels.DIRECTION[key]).lower()} {count}" for key, count in cell.counts
        )
        mixed = str(_l("Mixed:"))
        return f"{mixed} {counts}"

    return ComparisonTable(
        (
            str(_l("Article")),
            heading(compared.proposal),
            *(heading(alternative) for alternative in compared.alternatives),
        ),
        tuple(
            (
                f"{row.article}. {convention.article(row.article).title.get(locale)}",
                proposal(row.proposal),
                *(effect(key) for key in row.effects),
            )
            for row in compared.rows
        ),
    )


def _sections(content: dict, checklists: Checklists, locale: str) -> tuple[StepSection, ...]:
    sections = []
    for step in checklists.method.steps:
        answers = content["answers"].get(step.key, {})
        rows = [
            Answer(q.label.get(locale), _answer_text(q, answers.get(q.key), checklists, locale))
            for q in step.questions
            if answers.get(q.key) not in (None, "", [])
        ]
        rows += [
            Answer(p.text.get(locale), str(answers[f"prompt__{p.key}"]))
            for p in checklists.pack.prompts_for(step.key)
            if answers.get(f"prompt__{p.key}")
        ]
        if step.key == STEP_EVIDENCE:
            rows += [
                Answer(
                    f"{source['title']} ({str(labels.EVIDENCE_KIND[source['kind']])})",
                    "\n".join(
                        part for part in (source.get("reference"), source.get("findings")) if part
                    ),
                )
                for source in content["entries"].get("evidence_sources", [])
            ]
        sections.append(
            StepSection(
                step.key, step.number, step.title.get(locale), step.purpose.get(locale), tuple(rows)
            )
        )
    return tuple(sections)


def build_report_data(
    analysis: Analysis,
    checklists: Checklists,
    content: dict,
    locale: str,
    *,
    printed_on: date,
    signed: bool,
) -> ReportData:
    """ReportData for one snapshot `content` of `analysis`, in `locale`."""
    entries = content["entries"]
    details = content["analysis"]
    with force_locale(locale):
        label = lambda mapping, key: str(mapping.get(key, key))  # noqa: E731
        groups = {g["id"]: g for g in entries.get("child_groups", [])}
        convention = checklists.convention
        decisions = lifecycle.decisions_of(analysis)
        # The cover names the decision that decided; a postponement leaves the planned date.
        decision = next((d for d in reversed(decisions) if d.outcome != lifecycle.POSTPONED), None)
        signature = lifecycle.active_sign_off(analysis) if signed else None
        result = screening_result(content["answers"].get(STEP_SCREENING, {}))
        feedback = content["answers"].get(STEP_FEEDBACK, {})
        return ReportData(
            locale=locale,
            title=details["title"],
            organisation=details["organisation"],
            decision_area=label(labels.AREA, details["decision_area"]),
            diarienummer=details.get("diarienummer") or "",
            status=label(STATUS_LABELS, details["status"]),
            version=details["version"],
            printed_on=printed_on,
            decision_body=decision.decision_body
            if decision
            else str(content["answers"].get(DECISION_BODY.step, {}).get(DECISION_BODY.key, "")),
            decision_date=decision.decided_on
            if decision
            else _day(details.get("planned_decision_date")),
            screening_result=_screening_text(result) if result else "",
            steps=_sections(content, checklists, locale),
            child_groups=tuple(
                ChildGroupRow(
                    g["label"],
                    label(labels.AGE_BAND, g["age_band"]),
                    label(labels.RELATION, g["relation"]),
                    ", ".join(
                        label(labels.VULNERABLE, k) for k in g.get("vulnerable_situations") or []
                    ),
                    g.get("estimated_number"),
                    g.get("number_source") or "",
                )
                for g in groups.values()
            ),
            articles=tuple(
                ArticleRow(
                    n,
                    convention.article(n).title.get(locale),
                    convention.article(n).summary.get(locale),
                    convention.article(n).general_principle,
                )
                for n in content["answers"]
                .get(ENGAGED_ARTICLES.step, {})
                .get(ENGAGED_ARTICLES.key, [])
            ),
            impacts=tuple(
                sorted(
                    (
                        ImpactRow(
                            i["article"],
                            convention.article(i["article"]).title.get(locale),
                            groups.get(i["child_group_id"], {}).get("label", ""),
                            i["direction"],
                            label(labels.DIRECTION, i["direction"]),
                            label(labels.TERM, i["term"]),
                            label(labels.SEVERITY, i["severity"]),
                            label(labels.LIKELIHOOD, i["likelihood"]),
                            i.get("explanation") or "",
                            _seriousness(i),
                        )
                        for i in entries.get("impacts", [])
                    ),
                    key=lambda row: (row.article, row.group),
                )
            ),
            direction_labels={key: str(value) for key, value in labels.DIRECTION.items()},
            consultations=tuple(
                ConsultationRow(
                    label(labels.CONSULTATION_METHOD, c["method"]),
                    c["children_count"],
                    f"{c['age_from']}–{c['age_to']}",
                    _day(c.get("held_on")),
                    c.get("adaptations") or "",
                    c.get("views") or "",
                    c.get("influence") or "",
                    _requirements(c.get("requirements_met"), label),
                    c.get("requirements_note") or "",
                    c.get("not_reached") or "",
                    c.get("consent") or "",
                    _day(c.get("feedback_given_on")),
                    c.get("feedback_how") or "",
                )
                for c in entries.get("consultations", [])
            ),
            alternatives=tuple(
                AlternativeRow(
                    a["title"],
                    a.get("description") or "",
                    a.get("child_rights_assessment") or "",
                    a.get("conflicts_of_interest") or "",
                    bool(a.get("is_preferred")),
                    bool(a.get("is_recommended")),
                )
                for a in entries.get("alternatives", [])
            ),
            comparison=_comparison_table(content, checklists, locale),
            measures=tuple(
                MeasureRow(
                    m["description"],
                    m["owner"],
                    _day(m.get("due_date")),
                    label(labels.MEASURE_STATUS, m.get("status", "planned")),
                )
                for m in entries.get("measures", [])
            ),
            indicators=tuple(
                IndicatorRow(
                    i["name"],
                    _with_number(i.get("baseline") or "", i.get("baseline_value"), i, locale),
                    _with_number(i.get("target") or "", i.get("target_value"), i, locale),
                    i.get("source") or "",
                    i.get("responsible") or "",
                    _day(i.get("measure_on")),
                )
                for i in entries.get("indicators", [])
            ),
            triggers=tuple(
                TriggerRow(t["description"], _trigger_condition(t, entries, locale))
                for t in entries.get("triggers", [])
            ),
            child_friendly_summary=str(feedback.get(CHILD_FRIENDLY_SUMMARY.key, "")),
            complaint_routes=str(feedback.get(COMPLAINT_ROUTES.key, "")),
            summary=DecisionSummary(
                *(
                    str(content["answers"].get(fixed.step, {}).get(fixed.key) or "")
                    for fixed in (PROPOSAL, PREFERRED_OPTION, BEST_INTERESTS)
                )
            ),
            reviews=tuple(
                ReviewRow(
                    r.number,
                    r.reviewer.name,
                    {
                        "returned": str(labels.REVIEW_OUTCOME["returned"]),
                        "signed": str(labels.REVIEW_OUTCOME["signed"]),
                    }.get(r.outcome or "", str(labels.REVIEW_OUTCOME["open"])),
                    r.completed_at,
                    tuple(
                        (checklists.method.step(k).title.get(locale), label(labels.VERDICT, v))
                        for k, v in sorted(
                            r.verdicts.items(), key=lambda kv: STEP_KEYS.index(kv[0])
                        )
                        if v == "changes"
                    ),
                    r.reasons,
                )
                for r in lifecycle.rounds_of(analysis)
            ),
            signature=SignatureBlock(
                signature.signer_name,
                signature.signer_title,
                signature.signed_at,
                signature.analysis_version,
                signature.sha256,
                tuple(label(labels.ATTESTATION, key) for key in signature.statements),
            )
            if signature
            else None,
            time_zone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
            decisions=tuple(
                DecisionBlock(
                    d.outcome,
                    label(labels.DECISION_OUTCOME, d.outcome),
                    d.decision_body,
                    d.decided_on,
                    d.reference,
                    d.diarienummer,
                    d.best_interests_weighing,
                    label(labels.FOLLOWS_CONCLUSION, d.follows_conclusion)
                    if d.follows_conclusion
                    else "",
                    d.follows_conclusion_reason or "",
                )
                for d in decisions
            ),
            notice=" · ".join(
                text
                for text in (str(examples.notice(analysis) or ""), reuse.origin_notice(analysis))
                if text
            ),
            follow_up=follow_up_report.follow_up_data(
                analysis, convention, locale, current_app.config["BABEL_DEFAULT_TIMEZONE"]
            ),
        )


def current_content(analysis: Analysis, checklists: Checklists) -> dict:
    return history.snapshot(load_state(analysis, checklists))


def render(
    kind: str, analysis: Analysis, checklists: Checklists, locale: str, printed_on: date
) -> bytes:
    """Render report `kind` of the analysis as it is now, in `locale`."""
    if kind not in RENDERERS:
        raise ValueError(f"unknown report kind {kind!r}")
    if locale not in current_app.config["LANGUAGES"]:
        raise ValueError(f"unsupported report language {locale!r}")
    signed = lifecycle.active_sign_off(analysis) is not None
    data = build_report_data(
        analysis,
        checklists,
        current_content(analysis, checklists),
        locale,
        printed_on=printed_on,
        signed=signed,
    )
    return RENDERERS[kind](data, translations(locale).gettext)


def sign_off_and_archive(analysis: Analysis, checklists: Checklists, reviewer, **review) -> Any:
    """Sign off, then render the signed version's analysis report in every language and keep
    the bytes; the signature records the SHA-256 of the one in the signer's language.

    Everything happens before the caller commits: if a report cannot be rendered, DomainError
    is raised and the caller rolls back, so there is never a signature without its PDF."""
    signature = lifecycle.sign_off(analysis, checklists, reviewer, **review)
    content = signature.revision.content
    for locale in current_app.config["LANGUAGES"]:
        data = build_report_data(
            analysis,
            checklists,
            content,
            locale,
            printed_on=signature.signed_at.astimezone(
                get_timezone(current_app.config["BABEL_DEFAULT_TIMEZONE"])
            ).date(),
            signed=True,
        )
        try:
            pdf = RENDERERS["analysis"](data, translations(locale).gettext)
        except Exception as error:  # any renderer failure: refuse the signature, keep the text
            logger.exception("Rendering the signed report of analysis %s failed", analysis.id)
            raise DomainError(
                _l(
                    "The PDF of the signed version could not be made, so nothing was signed and "
                    "the analysis is still in review. Nothing you entered is lost. Try again, "
                    "and tell your administrator if it happens again."
                )
            ) from error
        digest = hashlib.sha256(pdf).hexdigest()
        db.session.add(
            ArchivedReport(
                sign_off_id=signature.id,
                analysis_id=analysis.id,
                locale=locale,
                pdf=pdf,
                sha256=digest,
            )
        )
        if locale == signature.locale:
            signature.report_sha256 = digest
    db.session.flush()
    return signature


class ArchiveMismatch(DomainError):
    """The archived PDF's bytes no longer match the SHA-256 recorded at sign-off."""


def archived_report(analysis: Analysis, locale: str) -> ArchivedReport | None:
    """The archived analysis report of the current signed version, if there is one, checked
    against the SHA-256 recorded when it was archived (and, in the signer's language, the one
    in the signature) on every read."""
    signature = lifecycle.active_sign_off(analysis)
    if signature is None:
        return None
    archived = db.session.scalar(
        select(ArchivedReport).where(
            ArchivedReport.sign_off_id == signature.id, ArchivedReport.locale == locale
        )
    )
    if archived is None:
        return None
    digest = hashlib.sha256(archived.pdf).hexdigest()
    expected = {archived.sha256}
    if locale == signature.locale and signature.report_sha256:
        expected.add(signature.report_sha256)
    if expected != {digest}:
        raise ArchiveMismatch(
            _l(
                "The archived PDF of the signed version does not match the checksum recorded "
                "when it was signed, so it is not handed out. The event is in the audit log; "
                "tell your administrator."
            )
        )
    return archived


def archived_for_download(analysis: Analysis, kind: str, locale: str) -> ArchivedReport | None:
    """The archived bytes a download hands out, or None when the report is rendered afresh.

    "signed" is always the archive of the signed version (None if there is none). The analysis
    report is the archive too until a decision on the signed version is recorded; from then on
    it is rendered with the decision, and the signed version stays downloadable as "signed"."""
    if kind == SIGNED:
        return archived_report(analysis, locale)
    if kind != "analysis":
        return None
    signature = lifecycle.active_sign_off(analysis)
    if signature is None or any(
        d.analysis_version == signature.analysis_version for d in lifecycle.decisions_of(analysis)
    ):
        return None
    return archived_report(analysis, locale)


def render_barnbokslut(
    result: Overview,
    convention: Convention,
    locale: str,
    printed_on: date,
    organisation: str | None,
    year: int,
) -> bytes:
    """The yearly barnbokslut for one organisation (or all) as a PDF in `locale`."""
    gettext = translations(locale).gettext
    number = lambda value: format_decimal(value, locale=format_locale(locale))  # noqa: E731
    tables = overview_tables.tables(result, convention, locale)
    per_body = barnbokslut.by_decision_body(db.session, organisation, year)
    with force_locale(locale):  # the labels' words, whatever the page's language
        weakened = tuple(
            (overview_tables.article_label(convention, article, locale), count)
            for article, count in result.top_articles("weakens")
        )
    whom = organisation or gettext("All organisations")
    data = BarnbokslutData(
        locale=locale,
        title=gettext("Barnbokslut %(year)d: %(organisation)s")
        % {"year": year, "organisation": whom},
        organisation=whom,
        year=year,
        printed_on=printed_on,
        introduction=gettext(
            "How the child impact assessments of %(year)d were made and what became of them: "
            "the decisions per decision body, whether children were heard, which rights of the "
            "child were most often weakened or strengthened, how the reviews went and what "
            "follow-up found. Figures from bka on %(date)s."
        )
        % {"year": year, "date": format_date(printed_on, "long", locale=format_locale(locale))},
        key_figures=tuple(overview_tables.key_figures(result, number, locale)),
        tables=(
            *barnbokslut.tables(per_body, locale, year),
            *(TableData(t.title, t.headers, t.rows) for t in tables),
        ),
        chart_title=gettext("Articles most often weakened (number of analyses)"),
        chart=weakened,
        notes=barnbokslut.notes(locale, year),
    )
    return render_barnbokslut_pdf(data, gettext)

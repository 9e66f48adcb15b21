"""The summary for the decision-maker: page 2 of the analysis report, one page, what a board
member reads before the meeting. The question decided, the screening result, the most serious
negative and the most important positive impacts, what children said, the recommended option
and why, the compensating measures and the follow-up plan; each long answer in brief, and the
whole shrunk to fit the page if it must be."""

from __future__ import annotations

import re

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame

from reports.building import FRAME_HEIGHT, Gettext, Heading, Para, Styles, long_date, markup
from reports.data import ImpactRow, ReportData

# How many impacts of each kind, consultations and measures the page lists; the rest counted.
MOST = 3
# Answers quoted in brief: cut at a sentence end (or a word) before this many characters.
BRIEF = 420
SYMBOL = {"weakens": "▼", "strengthens": "▲"}


# Runs of white space, but not the no-break spaces that hold "10 000" together.
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")


def brief(text: str, limit: int = BRIEF) -> str:
    """`text` on one line, cut after the last whole sentence (else word) within `limit`
    characters, with "…" where something was left out."""
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= limit:
        return flat
    head = flat[:limit]
    end = max(head.rfind(mark) for mark in (". ", "? ", "! "))
    if end > limit // 3:
        return head[: end + 1] + " …"
    return head[: head.rfind(" ")].rstrip(" ,;:–-") + " …"


def _sentence(text: str) -> str:
    """`text` ending as a sentence, to follow another one ("A. B." rather than "A.; B")."""
    return text if text.endswith((".", "?", "!", "…")) else text + "."


def _impact(row: ImpactRow) -> str:
    ranking = ", ".join(part for part in (row.severity, row.likelihood) if part)
    text = f"{SYMBOL.get(row.direction, '')} <b>{row.article}. {markup(row.article_title)}</b>"
    text += f" – {markup(row.group)}"
    if ranking:
        text += f" ({markup(ranking)})"
    if row.explanation:
        text += f": {markup(brief(row.explanation, 200))}"
    return text


def _most_serious(data: ReportData, direction: str) -> tuple[list[ImpactRow], int]:
    rows = [row for row in data.impacts if row.direction == direction]
    rows.sort(key=lambda row: -row.seriousness)  # stable: the matrix's order among equals
    return rows[:MOST], max(0, len(rows) - MOST)


def _more(count: int, gettext: Gettext) -> str:
    return gettext("and %(count)d more in the report") % {"count": count} if count else ""


def summary_page(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    """The summary's flowables: a heading and the parts, kept to one page."""
    nothing = markup(gettext("Nothing recorded."))
    parts: list[tuple[str, list[str]]] = []
    question = [markup(brief(data.summary.question)) or nothing]
    decision = data.decision
    if decision is not None:
        decided = gettext("Decision")
        when = long_date(decision.decided_on, data.locale)
        question.append(
            f"<b>{markup(decided)}:</b> {markup(decision.outcome_label)} – "
            f"{markup(decision.decision_body)}, {when}, {markup(decision.reference)}"
        )
    parts.append((gettext("The question to decide"), question))
    parts.append((gettext("Screening result"), [markup(brief(data.screening_result)) or nothing]))
    for direction, label in (
        ("weakens", gettext("The most serious negative impacts for children")),
        ("strengthens", gettext("The most important positive impacts for children")),
    ):
        rows, more = _most_serious(data, direction)
        lines = [_impact(row) for row in rows] or [nothing]
        if more:
            lines.append(markup(_more(more, gettext)))
        parts.append((label, lines))
    said = []
    for item in data.consultations[:MOST]:
        if item.views:
            who = gettext("%(method)s, %(count)d children aged %(ages)s") % {
                "method": item.method,
                "count": item.children_count,
                "ages": item.ages,
            }
            said.append(f"<i>{markup(who)}:</i> {markup(brief(item.views, 260))}")
    if said and len(data.consultations) > MOST:
        said.append(markup(_more(len(data.consultations) - MOST, gettext)))
    parts.append((gettext("What children said"), said or [nothing]))
    # The alternative the team recommends; analyses from before it could be marked name the
    # proposal, which their answer to "which option is best" then explains.
    recommended = [a.title for a in data.alternatives if a.recommended] or [
        a.title for a in data.alternatives if a.preferred
    ]
    recommendation = []
    if recommended:
        recommendation.append(f"<b>{markup(', '.join(recommended))}</b>")
    if data.summary.recommendation:
        recommendation.append(markup(brief(data.summary.recommendation)))
    if data.summary.best_interests:
        conclusion = gettext("Best-interests conclusion")
        best = brief(data.summary.best_interests, 300)
        recommendation.append(f"<i>{markup(conclusion)}:</i> {markup(best)}")
    parts.append((gettext("The recommended alternative and why"), recommendation or [nothing]))
    measures = [
        f"{markup(brief(m.description, 160))} – {markup(m.owner)}"
        + (f", {long_date(m.due_date, data.locale)}" if m.due_date else "")
        for m in data.measures[:MOST]
    ]
    if len(data.measures) > MOST:
        measures.append(markup(_more(len(data.measures) - MOST, gettext)))
    parts.append((gettext("Compensating measures"), measures or [nothing]))
    plan = [
        f"{markup(i.name)}: {markup(i.baseline or '–')} → {markup(i.target or '–')}"
        + (f", {long_date(i.measure_on, data.locale)}" if i.measure_on else "")
        for i in data.indicators[:MOST]
    ]
    if len(data.indicators) > MOST:
        plan.append(markup(_more(len(data.indicators) - MOST, gettext)))
    if data.triggers:
        triggers = gettext("Triggers for re-assessment")
        listed = " ".join(_sentence(brief(t.description, 120)) for t in data.triggers[:MOST])
        plan.append(f"<i>{markup(triggers)}:</i> {markup(listed)}")
    parts.append((gettext("Follow-up plan"), plan or [nothing]))

    content: list = []
    for label, lines in parts:
        content.append(Para(markup(label), styles.summary_label))
        content += [Para(line, styles.summary, tag="LBody") for line in lines]
    heading = Heading(gettext("Summary for the decision-maker"), styles.h1, 0, "summary")
    room = FRAME_HEIGHT - heading.wrap(width, A4[1])[1] - styles.h1.spaceAfter - 2 * mm
    return [heading, KeepInFrame(width, room, content, mode="shrink")]

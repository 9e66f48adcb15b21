"""The follow-up report, for the meeting that checks how a decision turned out for children:
the decision, the follow-up plan, indicators, measures and the rights it weakens."""

from __future__ import annotations

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from reports import sections
from reports.building import Gettext, Heading, Para, Styles, build, long_date, markup
from reports.data import ReportData


def render_follow_up_report(data: ReportData, gettext: Gettext) -> bytes:
    """For the follow-up meeting: the decision, the follow-up plan, indicators and measures."""
    styles = Styles()
    width = A4[0] - 40 * mm
    subject = gettext("Follow-up of a child impact assessment")
    story: list = [
        Para(markup(subject), styles.purpose),
        Para(markup(data.title), styles.h1),
    ]
    if data.decision is None:
        story.append(
            Para(
                f"<b>{markup(gettext('Decision'))}:</b> {markup(data.decision_body or '–')}, "
                f"{long_date(data.decision_date, data.locale)}",
                styles.body,
            )
        )
    else:
        story.append(Heading(gettext("The decision"), styles.h2, 0, "decision"))
        story += sections.decision(data.decision, data.locale, gettext, styles)
    plan = next((s for s in data.steps if s.key == "follow_up"), None)
    if plan is not None:
        story.append(Heading(gettext("Follow-up plan"), styles.h2, 0, "plan"))
        story += sections.answers(plan, styles)
    if data.indicators:
        story.append(sections.indicators(data, gettext, styles, width))
    if data.measures:
        story.append(sections.measures(data, gettext, styles, width))
    weakened = [row for row in data.impacts if row.direction == "weakens"]
    if weakened:
        story.append(Heading(gettext("Rights to watch"), styles.h2, 0, "watch"))
        for row in weakened:
            story.append(
                Para(
                    f"▼ <b>{row.article}. {markup(row.article_title)}</b> – {markup(row.group)}: "
                    f"{markup(row.explanation)}",
                    styles.body,
                )
            )
    return build(story, data, gettext, subject)

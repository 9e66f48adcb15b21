"""Parts of an analysis that both the analysis report and the follow-up report show: a step's
questions and answers, the measures, the follow-up indicators and the decision."""

from __future__ import annotations

from reportlab.platypus import KeepTogether

from reports.building import Gettext, Para, Styles, long_date, markup, pieces, table
from reports.data import DecisionBlock, ReportData, StepSection


def answers(section: StepSection, styles: Styles) -> list:
    story = []
    for answer in section.answers:
        first, *rest = pieces(markup(answer.answer) or "–")
        story.append(
            KeepTogether([Para(markup(answer.question), styles.question), Para(first, styles.body)])
        )
        story.extend(Para(piece, styles.body) for piece in rest)
    return story


def measures(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> KeepTogether:
    header = [gettext("Measure"), gettext("Owner"), gettext("Due"), gettext("Status")]
    rows = [
        [
            markup(measure.description),
            markup(measure.owner),
            long_date(measure.due_date, data.locale),
            markup(measure.status),
        ]
        for measure in data.measures
    ]
    return KeepTogether(
        [
            Para(markup(gettext("Measures")), styles.h2),
            table(header, rows, [w * width for w in (0.46, 0.24, 0.16, 0.14)], styles),
        ]
    )


def indicators(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> KeepTogether:
    header = [
        gettext("Indicator"),
        gettext("Baseline"),
        gettext("Target"),
        gettext("Source"),
        gettext("Responsible"),
        gettext("Measured"),
    ]
    rows = [
        [
            markup(item.name),
            markup(item.baseline),
            markup(item.target),
            markup(item.source),
            markup(item.responsible),
            long_date(item.measure_on, data.locale),
        ]
        for item in data.indicators
    ]
    return KeepTogether(
        [
            Para(markup(gettext("Follow-up indicators")), styles.h2),
            table(header, rows, [w * width for w in (0.26, 0.15, 0.15, 0.16, 0.15, 0.13)], styles),
        ]
    )


def decision(block: DecisionBlock, locale: str, gettext: Gettext, styles: Styles) -> list:
    """One recorded decision as label–value lines: who decided what, when, where it is
    minuted, whether it follows the analysis's conclusion and how children's interests weighed."""
    lines = [
        (gettext("Outcome"), block.outcome_label),
        (gettext("Decision body"), block.decision_body),
        (gettext("Date of the decision"), long_date(block.decided_on, locale)),
        (gettext("Paragraph or protocol reference"), block.reference),
    ]
    if block.diarienummer:
        lines.append((gettext("Case number"), block.diarienummer))
    if block.follows_conclusion:
        follows = block.follows_conclusion
        if block.follows_conclusion_reason:
            follows = f"{follows}. {block.follows_conclusion_reason}"
        lines.append((gettext("Does the decision follow the analysis's conclusion?"), follows))
    lines.append(
        (gettext("How the child's best interests were weighed"), block.best_interests_weighing)
    )
    story = []
    for label, value in lines:
        first, *rest = pieces(markup(value) or "–")
        story.append(KeepTogether([Para(markup(label), styles.question), Para(first, styles.body)]))
        story.extend(Para(piece, styles.body) for piece in rest)
    return story

"""The impact matrix and impact summaries as a page prints them: every label looked up, every
checklist text localized and every phrase put together here, once per page where it repeats.

The impact step shows a cell for each engaged article and child group and a summary of each
assessment; doing those look-ups, filters and escapes per cell in Jinja cost most of the
page's rendering time. What is prepared here is plain text: the templates still escape it.
Made anew for each rendering from the page's own labels, so nothing outlives the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from flask_babel import gettext

from bka.domain.checklists import Checklists
from bka.domain.progress import AnalysisState
from bka.models import ChildGroup, Impact
from bka.web.i18n import current_language


class MatrixCell(NamedTuple):
    """One article × child group cell; `impact` is None while it is not assessed."""

    impact: Impact | None
    # Only for an assessment: its direction, the direction in words, severity · likelihood.
    direction: str = ""
    effect: str = ""
    detail: str = ""
    # Only on pages that may edit: the cell's group, what its button opens ("edit/impacts/<id>"
    # or "new/impacts/<article>/<group id>") and "article 6 for <group>" for screen readers.
    group: ChildGroup | None = None
    go: str = ""
    hidden: str = ""


class MatrixRow(NamedTuple):
    number: int
    heading: str  # "6. Right to life, survival and development"
    cells: list[MatrixCell]


class ImpactSummary(NamedTuple):
    heading: str  # "6. Right to life … × <group>"
    assessment: str  # "Weakens, short term, severity high, likelihood possible"
    explanation: str


# Every cell not assessed yet on a page that may not edit: all alike.
_NOT_ASSESSED = MatrixCell(None)


def matrix_rows(state: AnalysisState, labels: Mapping, editable: bool) -> list[MatrixRow]:
    """The rows of the impact matrix with each cell's texts ready."""
    language = current_language()
    directions, severities, likelihoods = (
        labels["direction"],
        labels["severity"],
        labels["likelihood"],
    )
    # Of a few kinds each, however many cells: put together once.
    effects: dict[str, str] = {}
    details: dict[tuple[str, str], str] = {}
    cell_for = gettext("article %(number)d for %(group)s") if editable else ""
    rows = []
    for row in state.impact_matrix():
        number = row.article.number
        # A procedural article (43-54) engaged before they were refused: its assessments can
        # be changed, but no new one is offered.
        assessable = editable and row.article.incorporated
        cells = []
        for group, impact in row.cells:
            hidden = cell_for % {"number": number, "group": group.label} if editable else ""
            if impact is None:
                cells.append(
                    MatrixCell(
                        None, group=group, go=f"new/impacts/{number}/{group.id}", hidden=hidden
                    )
                    if assessable
                    else _NOT_ASSESSED
                )
                continue
            direction, grades = impact.direction, (impact.severity, impact.likelihood)
            if direction not in effects:
                effects[direction] = str(directions[direction])
            if grades not in details:
                details[grades] = f"{severities[grades[0]]} · {likelihoods[grades[1]]}"
            cells.append(
                MatrixCell(
                    impact,
                    direction,
                    effects[direction],
                    details[grades],
                    group if editable else None,
                    f"edit/impacts/{impact.id}" if editable else "",
                    hidden,
                )
            )
        rows.append(MatrixRow(number, f"{number}. {row.article.title.get(language)}", cells))
    return rows


def impact_headings(impacts: Iterable[Impact], checklists: Checklists) -> list[str]:
    """Each row of the impact matrix named as pages head it, in the order given:
    "6. Right to life, survival and development × <group>"."""
    language = current_language()
    convention = checklists.convention
    articles: dict[int, str] = {}  # many rows share an article: each title looked up once
    headings = []
    for impact in impacts:
        number = impact.article
        if number not in articles:
            articles[number] = f"{number}. {convention.article(number).title.get(language)}"
        headings.append(f"{articles[number]} × {impact.child_group.label}")
    return headings


def impact_summaries(
    impacts: Iterable[Impact], checklists: Checklists, labels: Mapping
) -> list[ImpactSummary]:
    """Each assessment in words, as the impact step, check your answers and the review show it."""
    directions, terms, severities, likelihoods = (
        labels["direction"],
        labels["term"],
        labels["severity"],
        labels["likelihood"],
    )
    severity_text, likelihood_text = gettext("severity"), gettext("likelihood")
    impacts = list(impacts)
    # Many assessments share the same grades: each put into words once.
    assessments: dict[tuple[str, str, str, str], str] = {}
    summaries = []
    for impact, heading in zip(impacts, impact_headings(impacts, checklists), strict=True):
        grades = (impact.direction, impact.term, impact.severity, impact.likelihood)
        if grades not in assessments:
            direction, term, severity, likelihood = grades
            assessments[grades] = (
                f"{directions[direction]}, {str(terms[term]).lower()}, "
                f"{severity_text} {str(severities[severity]).lower()}, "
                f"{likelihood_text} {str(likelihoods[likelihood]).lower()}"
            )
        summaries.append(ImpactSummary(heading, assessments[grades], impact.explanation))
    return summaries

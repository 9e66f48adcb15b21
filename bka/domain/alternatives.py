"""Alternatives compared on the same rights: each alternative's effect on every engaged article,
the zero option included, beside the proposal's impact matrix summed up per article.

Built from plain facts, so that the step page (entries from the database) and the report (a
stored snapshot) lay out the same table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bka.domain.entries import DIRECTIONS

MIXED = "mixed"


@dataclass(frozen=True)
class AlternativeFacts:
    """What the comparison needs of one alternative."""

    title: str
    is_proposal: bool
    is_zero_option: bool
    is_recommended: bool
    effects: dict[str, str]

    @classmethod
    def of(cls, alternative) -> AlternativeFacts:
        """From an Alternative row or a snapshot's dict of one."""
        get = alternative.get if isinstance(alternative, dict) else alternative.__getattribute__
        return cls(
            get("title"),
            bool(get("is_preferred")),
            bool(get("is_zero_option")),
            bool(get("is_recommended")),
            dict(get("article_effects") or {}),
        )


@dataclass(frozen=True)
class ProposalCell:
    """The impact matrix's row for one article, summed up: one effect if every assessed group
    has the same, else MIXED with the count of each; None where no group is assessed."""

    effect: str | None
    counts: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ComparisonRow:
    article: int
    proposal: ProposalCell
    effects: tuple[str | None, ...]  # per alternative compared, None where not assessed


@dataclass(frozen=True)
class Comparison:
    alternatives: tuple[AlternativeFacts, ...]  # every alternative but the proposal
    proposal: AlternativeFacts | None
    rows: tuple[ComparisonRow, ...]


def compare(
    articles: Iterable[int],
    alternatives: Iterable[AlternativeFacts],
    impacts: Iterable[tuple[int, str]],
) -> Comparison:
    """The comparison of `alternatives` on `articles` (the engaged ones that can be assessed),
    with the proposal's column from `impacts` ((article, direction) per assessed cell). The zero
    option comes first among the alternatives compared, then the others in their order."""
    alternatives = list(alternatives)
    proposal = next((a for a in alternatives if a.is_proposal), None)
    compared = sorted(
        (a for a in alternatives if not a.is_proposal), key=lambda a: not a.is_zero_option
    )
    by_article: dict[int, Counter] = {}
    for article, direction in impacts:
        by_article.setdefault(article, Counter())[direction] += 1
    rows = []
    for article in articles:
        counts = by_article.get(article, Counter())
        ordered = tuple((d, counts[d]) for d in DIRECTIONS if counts[d])
        if not ordered:
            cell = ProposalCell(None)
        elif len(ordered) == 1:
            cell = ProposalCell(ordered[0][0], ordered)
        else:
            cell = ProposalCell(MIXED, ordered)
        rows.append(
            ComparisonRow(article, cell, tuple(a.effects.get(str(article)) for a in compared))
        )
    return Comparison(tuple(compared), proposal, tuple(rows))


def unassessed(alternative: AlternativeFacts, articles: Iterable[int]) -> list[int]:
    """The articles an alternative other than the proposal has no effect on yet."""
    if alternative.is_proposal:
        return []
    return [number for number in articles if str(number) not in alternative.effects]

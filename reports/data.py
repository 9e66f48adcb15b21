"""The plain data a report is rendered from. bka builds it; reports/ only reads it.

Every text here is already in the report's language; dates are real dates, formatted by the
renderer with Babel in that language's formats (`format_locale`: day–month–year and 24-hour time
in English too), and times are shown in the report's `time_zone`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# The Babel locale whose date, time and number formats a language uses: British English
# (day–month–year, 24-hour time) rather than Babel's US default for "en".
FORMAT_LOCALES = {"en": "en_GB", "sv": "sv_SE"}
DEFAULT_TIME_ZONE = "Europe/Stockholm"
# The outcome of a decision that waits for a later meeting: nothing is decided yet.
POSTPONED = "postponed"


def format_locale(language: str) -> str:
    """The Babel locale to format dates, times and numbers with for `language`."""
    return FORMAT_LOCALES.get(language, language)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str  # plain text; the renderer escapes it


@dataclass(frozen=True)
class StepSection:
    key: str
    number: int
    title: str
    purpose: str
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class ChildGroupRow:
    label: str
    age_band: str
    relation: str
    vulnerable: str
    estimated_number: int | None
    number_source: str


@dataclass(frozen=True)
class ArticleRow:
    number: int
    title: str
    summary: str
    general_principle: bool


@dataclass(frozen=True)
class ImpactRow:
    article: int
    article_title: str
    group: str
    direction: str  # key: strengthens | weakens | neutral | unknown
    direction_label: str
    term: str
    severity: str
    likelihood: str
    explanation: str
    # How serious the assessment is, as bka ranks it (severity, then likelihood): higher is
    # more serious. The summary for the decision-maker shows the most serious first.
    seriousness: int = 0


@dataclass(frozen=True)
class ConsultationRow:
    method: str
    children_count: int
    ages: str
    held_on: date | None
    adaptations: str
    views: str
    influence: str
    # General Comment 12's nine requirements as (label, held) pairs in their order; empty for a
    # consultation recorded before the checklist existed (then nothing is shown).
    requirements: tuple[tuple[str, bool], ...] = ()
    requirements_note: str = ""
    not_reached: str = ""
    consent: str = ""
    feedback_given_on: date | None = None
    feedback_how: str = ""


@dataclass(frozen=True)
class AlternativeRow:
    title: str
    description: str
    child_rights_assessment: str
    conflicts_of_interest: str
    preferred: bool  # the proposal put to the decision
    recommended: bool = False  # the one the team recommends (method v6 on)


@dataclass(frozen=True)
class ComparisonTable:
    """The alternatives compared on the engaged articles, as text: a header (article, the
    proposal, then each other alternative) and one row per article."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class MeasureRow:
    description: str
    owner: str
    due_date: date | None
    status: str


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    baseline: str
    target: str
    source: str
    responsible: str
    measure_on: date | None


@dataclass(frozen=True)
class TriggerRow:
    """A trigger for re-assessment: the signal, and when it is met, in words."""

    description: str
    condition: str


@dataclass(frozen=True)
class ReviewRow:
    number: int
    reviewer: str
    outcome: str
    completed_at: datetime | None
    verdicts: tuple[tuple[str, str], ...]  # (step title, verdict label)
    reasons: str


@dataclass(frozen=True)
class SignatureBlock:
    signer_name: str
    signer_title: str
    signed_at: datetime
    version: int
    sha256: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class DecisionBlock:
    """One decision the decision-maker took on the analysis, as recorded by the team."""

    outcome: str  # key: adopted | adopted_with_changes | rejected | referred_back | postponed
    outcome_label: str
    decision_body: str
    decided_on: date
    reference: str  # the paragraph (§) and protocol
    diarienummer: str
    best_interests_weighing: str
    follows_conclusion: str = ""  # the answer's label; "" when the question was not asked
    follows_conclusion_reason: str = ""


@dataclass(frozen=True)
class ReadingRow:
    measured_on: date
    value: float
    source: str
    comment: str
    on_target: bool | None  # None: the indicator has no baseline and target to tell by


@dataclass(frozen=True)
class IndicatorFollowUp:
    """One indicator of the plan with every reading made of it, oldest first."""

    name: str
    unit: str
    baseline: str  # as planned, in words
    target: str
    baseline_value: float | None
    target_value: float | None
    readings: tuple[ReadingRow, ...] = ()


@dataclass(frozen=True)
class StatusChange:
    on: date
    status: str  # the label
    evidence: str


@dataclass(frozen=True)
class MeasureFollowUp:
    """A measure's status now and every update that led to it, oldest first."""

    description: str
    owner: str
    due_date: date | None
    status: str  # the label of the status now
    history: tuple[StatusChange, ...] = ()


@dataclass(frozen=True)
class Observation:
    observed_on: date
    observation: str  # key: as_predicted | better | worse | not_yet_known
    label: str
    evidence: str


@dataclass(frozen=True)
class EffectFollowUp:
    """A row of the impact matrix: what was predicted, and what has been observed since."""

    article: int
    article_title: str
    group: str
    predicted: str  # key: strengthens | weakens | neutral | unknown
    predicted_label: str
    observations: tuple[Observation, ...] = ()


@dataclass(frozen=True)
class EventRow:
    occurred_on: date
    kind: str  # the label
    title: str
    description: str


@dataclass(frozen=True)
class ReassessmentRow:
    """A re-assessment (omprövning) opened as a new, linked version of the analysis."""

    opened_on: date
    version: int
    title: str
    status: str  # the label of the new version's status
    reason: str  # the trigger and what met it; "" when none is recorded


@dataclass(frozen=True)
class CheckpointRow:
    title: str
    due_on: date
    closed_on: date | None
    fared: str  # the label; "" while open
    conclusion: str
    changes: str
    final: bool = False


@dataclass(frozen=True)
class ChildFeedbackRow:
    given_on: date
    channel: str
    message: str


@dataclass(frozen=True)
class FollowUpData:
    """What has been recorded since the decision, each part oldest first."""

    checkpoints: tuple[CheckpointRow, ...] = ()
    indicators: tuple[IndicatorFollowUp, ...] = ()
    measures: tuple[MeasureFollowUp, ...] = ()
    effects: tuple[EffectFollowUp, ...] = ()
    events: tuple[EventRow, ...] = ()
    reassessments: tuple[ReassessmentRow, ...] = ()
    child_feedback: tuple[ChildFeedbackRow, ...] = ()

    @property
    def final_conclusion(self) -> CheckpointRow | None:
        return next((c for c in self.checkpoints if c.final and c.closed_on), None)


@dataclass(frozen=True)
class DecisionSummary:
    """The answers the summary for the decision-maker quotes (the rest it takes from the
    report's data): what is to be decided, the recommended option and why, the conclusion."""

    question: str = ""
    recommendation: str = ""
    best_interests: str = ""


@dataclass(frozen=True)
class ReportData:
    """One version of one analysis, ready to render."""

    locale: str
    title: str
    organisation: str
    decision_area: str
    diarienummer: str
    status: str
    version: int
    printed_on: date  # also the PDF's creation date, so the same data gives the same bytes
    decision_body: str = ""
    decision_date: date | None = None
    screening_result: str = ""
    steps: tuple[StepSection, ...] = ()
    child_groups: tuple[ChildGroupRow, ...] = ()
    articles: tuple[ArticleRow, ...] = ()
    impacts: tuple[ImpactRow, ...] = ()
    direction_labels: dict[str, str] = field(default_factory=dict, hash=False)
    consultations: tuple[ConsultationRow, ...] = ()
    alternatives: tuple[AlternativeRow, ...] = ()
    comparison: ComparisonTable | None = None
    measures: tuple[MeasureRow, ...] = ()
    indicators: tuple[IndicatorRow, ...] = ()
    triggers: tuple[TriggerRow, ...] = ()
    child_friendly_summary: str = ""
    complaint_routes: str = ""
    reviews: tuple[ReviewRow, ...] = ()
    signature: SignatureBlock | None = None
    time_zone: str = DEFAULT_TIME_ZONE  # an IANA zone name: the installation's; times show in it
    # Every decision recorded, oldest first: postponements (bordlagt) before the one that decided.
    decisions: tuple[DecisionBlock, ...] = ()
    # Shown at the top of the first page, e.g. that the analysis is a fictional example.
    notice: str = ""
    # What was recorded after the decision (the follow-up report, the child summary's feedback).
    follow_up: FollowUpData = field(default_factory=FollowUpData)
    summary: DecisionSummary = field(default_factory=DecisionSummary)

    @property
    def decision(self) -> DecisionBlock | None:
        """The latest decision, the one that stands."""
        return self.decisions[-1] if self.decisions else None

    @property
    def decided(self) -> bool:
        """Whether a decision was taken: a postponement (bordläggning) leaves the date planned."""
        return any(block.outcome != POSTPONED for block in self.decisions)


@dataclass(frozen=True)
class TableData:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]  # a label first, then numbers or text


@dataclass(frozen=True)
class BarnbokslutData:
    """The yearly child-rights account across analyses, for one organisation or all."""

    locale: str
    title: str
    organisation: str
    year: int
    printed_on: date
    introduction: str
    key_figures: tuple[tuple[str, str], ...]
    tables: tuple[TableData, ...]
    chart_title: str = ""
    chart: tuple[tuple[str, int], ...] = ()  # (label, value): most often weakened articles
    notes: tuple[str, ...] = ()  # how figures were counted, where the method does not say

"""Small, explicit builders for test data, made through the real domain operations.

Tests build what they need here instead of borrowing the demo: users (accounts.create_user),
analyses and their answers, entries and members (domain/analyses.py), and every lifecycle move
(domain/lifecycle.py; sign-off through reporting.sign_off_and_archive, as the review view does).

The builders work in the current session and only flush: run them inside an app context (a
request context where a view would have one) and commit when the data should be seen by a
request. Users may be passed detached (as the `make_user` fixture returns them).

The text of the complete analysis is this module's own: short, plain and made up for tests.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app

from bka.domain import analyses as ops
from bka.domain import lifecycle, reporting
from bka.domain.accounts import create_user, password_hasher
from bka.domain.entries import ENTRY_KINDS
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import Analysis, DecisionRecord, ReviewRound, SignOff, User

PASSWORD = "correct horse battery staple"
# What a reviewer attests when signing an analysis that needed a full assessment.
SIGN_STATEMENTS = ["read_whole", "rights_and_children", "reasoning_sound", "this_version"]

TITLE = "Införande av journalsystem"
ORGANISATION = "Region Exempel"


def _attached(obj):
    """The session's copy of `obj` (users come detached from the `make_user` fixture)."""
    return obj if obj in db.session else db.session.merge(obj)


def _analysis(analysis: Analysis | int) -> Analysis:
    return db.session.get(Analysis, analysis) if isinstance(analysis, int) else analysis


def _owner(analysis: Analysis) -> User:
    return next(m.user for m in analysis.memberships if m.role == "owner")


# --- users ----------------------------------------------------------------------------------------


def new_user(
    *,
    email: str,
    name: str,
    role: str = "member",
    locale: str | None = None,
    password: str = PASSWORD,
) -> User:
    """An active user with `PASSWORD`, through accounts.create_user."""
    return create_user(
        password_hasher(current_app.config),
        email=email,
        name=name,
        password=password,
        role=role,
        locale=locale,
    )


# --- analyses, answers, entries and members ------------------------------------------------------


def draft_analysis(
    owner: User,
    *,
    area: str = "digital",
    title: str = TITLE,
    organisation: str = ORGANISATION,
    diarienummer: str | None = None,
    planned_decision_date: date | None = None,
) -> Analysis:
    """A new draft owned by `owner`, pinned to the current checklists."""
    return ops.create_analysis(
        current_app.extensions["bka_library"],
        _attached(owner),
        title=title,
        organisation=organisation,
        decision_area=area,
        diarienummer=diarienummer,
        planned_decision_date=planned_decision_date,
    )


def member(analysis: Analysis | int, user: User, role: str, actor: User | None = None):
    """Add `user` as editor or viewer, as the owner (or `actor`) does on the members page."""
    target = _analysis(analysis)
    return ops.add_member(target, _attached(user).email, role, _attached(actor or _owner(target)))


def answer(
    analysis: Analysis | int,
    step_key: str,
    answers: dict[str, Any],
    user: User | None = None,
    *,
    complete: bool = False,
):
    """Save a step's answers (and mark it completed if asked; StepIncomplete if it cannot be)."""
    target = _analysis(analysis)
    return ops.save_step(
        target,
        ops.checklists_for(target),
        step_key,
        answers,
        _attached(user or _owner(target)),
        mark_completed=complete,
    )


def entry(analysis: Analysis | int, kind_name: str, values: dict[str, Any], user=None):
    """Add one structured entry (child group, source, consultation, impact, ...)."""
    target = _analysis(analysis)
    state = load_state(target, ops.checklists_for(target))
    return ops.save_entry(state, ENTRY_KINDS[kind_name], values, _attached(user or _owner(target)))


def child_group(analysis: Analysis | int, user: User | None = None, **overrides):
    """A minimal group of children (all ages, users of the service)."""
    values = {
        "label": "Barn",
        "age_band": "0-17",
        "relation": "user",
        "vulnerable_situations": [],
        "number_source": "",
        **overrides,
    }
    return entry(analysis, "child_groups", values, user)


# --- a complete analysis --------------------------------------------------------------------------

# Screening that calls for a full (in-depth) assessment.
SCREENING = {
    "children_affected": "directly",
    "affected_how": (
        "Det nya journalsystemet blir källan till det som barn och vårdnadshavare ser i "
        "e-tjänsten, och all dokumentation om barn i regionens vård flyttas dit."
    ),
    "magnitude": "major",
    "child_numbers": "very_many",
    "vulnerable_affected": "yes",
    "reversibility": "partly",
    "screening_justification": (
        "Barn påverkas direkt och i stort antal; barn med skyddade personuppgifter kan skadas "
        "om uppgifter röjs, och det går inte att ta tillbaka."
    ),
    "owner_and_team": "Projektledaren med barnrättsstrateg, jurist och dataskyddsombud.",
    "team_competences": ["child_rights", "frontline", "legal", "data_protection"],
    "team_roles": (
        "Projektledaren leder och skriver, barnrättsstrategen håller i samtalen med unga och "
        "juristen bedömer sekretessfrågorna. Ekonomisk kompetens saknas; controllern läser "
        "utkastet."
    ),
    "assessment_deadline": "2024-05-24",
}

# Every question of every step answered, in plain words of its own.
ANSWERS: dict[str, dict[str, Any]] = {
    "screening": SCREENING,
    "decision": {
        "proposal": (
            "Regionstyrelsen föreslås besluta om driftstart för det nya journalsystemet i "
            "första etappen, med en sammanhållen journal för all vård i regionen."
        ),
        "objectives": (
            "Informationen ska följa patienten mellan vårdnivåer och patientsäkerheten öka. För "
            "barn är målet en samlad bild från barnhälsovård till barnsjukvård."
        ),
        "zero_option": (
            "Utan beslut används de äldre systemen vidare, med splittrad information om barn "
            "och stigande kostnader."
        ),
        "decision_body": "Regionstyrelsen",
        "mandate": "Regionfullmäktiges beslut om en gemensam journal.",
        "options_on_table": "Driftstart enligt plan, med villkor, eller senare för barnvården.",
        "fixed_parts": "Upphandlingen är gjord och avtalet med leverantören är tecknat.",
        "parallel_assessments": "Konsekvensbedömning enligt dataskyddsförordningen.",
        "timeline": "Beslut i juni, driftstart i november.",
    },
    "children": {
        "age_thresholds": (
            "Vårdnadshavare har åtkomst till journalen tills barnet fyller 13 år; därefter "
            "bedöms barnets mognad och egen åtkomst från 16 år."
        ),
        "child_network": (
            "Vårdnadshavare, syskon och familjehem läser barnets uppgifter i e-tjänsten; barn "
            "med två hem har två vårdnadshavare som kan se olika saker."
        ),
        "excluded_groups": "Inga grupper av barn är undantagna.",
    },
    "rights": {
        "engaged_articles": [3, 16, 24],
        "gc14_elements": ["views", "protection", "health"],
        "general_comments": "Allmän kommentar nr 14 om barnets bästa och nr 25 om digital miljö.",
        "swedish_law": "Patientdatalagen, offentlighets- och sekretesslagen och föräldrabalken.",
        "other_conventions": "Europakonventionen, artikel 8 om rätten till privatliv.",
        "legal_support": "yes",
    },
    "evidence": {
        "knowledge_gaps": "Vi vet inte hur många journaler som har skyddsmarkeringar i dag.",
        "stakeholder_views": "Barnskyddsteamet vill att skyddsmarkeringar stäms av för hand.",
    },
    "participation": {
        "existing_views": "Ungdomsrådets yttrande om e-tjänster från förra året.",
        "children_heard": "yes",
        "participation_safety": "Samtalen hölls utan vårdnadshavare och utan namn i anteckningar.",
        "views_divergence": "De yngre barnen och tonåringarna ville olika saker om åtkomst.",
    },
    "impacts": {
        "effect_chains": (
            "Fel i migreringen kan göra skyddade uppgifter synliga för en vårdnadshavare, som "
            "då kan hitta ett barn som har placerats skyddat."
        ),
        "cumulative_effects": "Driftstarten sänker vårdens kapacitet under samma period.",
        "time_perception": (
            "Ett halvår med längre väntetider är en stor del av livet för ett spädbarn som "
            "väntar på uppföljning."
        ),
        "economic_consequences": (
            "Familjerna betalar inget själva; införandet tar resurser från barnvården under "
            "övergången."
        ),
        "wellbeing_dimensions": ["safe", "healthy", "respected"],
        "wellbeing_effects": "Tryggheten försämras för barn med skyddade uppgifter om fel uppstår.",
        "watch_points": "Skyddsmarkeringar, ungdomars egen åtkomst och väntetider.",
    },
    "alternatives": {
        "preferred_option": "Driftstart med barnrättsliga villkor och kontrollpunkter.",
        "conflicts_of_interest": "Tidplan och kostnad mot barns säkerhet och integritet.",
        "restriction_proportionality": "Villkoren fördröjer driftstarten högst en månad.",
    },
    "conclusion": {
        "best_interests": "Barnets bästa kräver att skyddsmarkeringarna stäms av före start.",
        "weight_against_others": "Patientsäkerheten i stort väger tungt men inte tyngre.",
        "reasons_if_other_prevails": "Inget annat intresse har fått gå före barnets bästa.",
        "decision_maker_check": ["children_known", "articles_identified", "evidence_mapped"],
        "reasoning_in_minutes": "yes",
    },
    "feedback": {
        "feedback_plan": "Ungdomsrådet får ett brev och ett möte efter beslutet.",
        "views_influence": "Ungas synpunkter ledde till villkoret om egen åtkomst.",
        "complaint_routes": "Patientnämnden och vårdens egen synpunktshantering.",
        "publication": "Analysen publiceras på regionens webbplats.",
        "child_friendly_summary": (
            "Vi byter journalsystem och har lyssnat på unga. Du ska själv kunna läsa din "
            "journal från 16 år, och dina skyddade uppgifter ska vara skyddade även i det nya "
            "systemet."
        ),
    },
    "follow_up": {
        "checkpoints": "En kontroll före driftstart och en efter tre månader.",
        "children_feedback_after": "Ungdomsrådet tillfrågas igen efter ett halvår.",
        "reassessment_triggers": "Ett enda fall av röjda skyddade uppgifter.",
        "reporting_to": "Regionstyrelsen",
    },
}

# Entries, by kind; impacts name their child group by its label.
GROUPS = [
    {
        "label": "Ungdomar 13–17 år med egen åtkomst till journalen",
        "age_band": "13-15",
        "relation": "user",
        "vulnerable_situations": ["violence_oppression"],
        "estimated_number": 90_000,
        "number_source": "SCB, befolkning per ålder",
    },
    {
        "label": "Barn med skyddade personuppgifter",
        "age_band": "0-17",
        "relation": "user",
        "vulnerable_situations": ["protected_identity"],
        "estimated_number": 1_500,
        "number_source": "Barnskyddsteamets uppskattning",
    },
    {
        "label": "Kroniskt sjuka barn",
        "age_band": "0-17",
        "relation": "user",
        "vulnerable_situations": ["disability_chronic_illness"],
        "estimated_number": 12_000,
        "number_source": "Nationella kvalitetsregister",
    },
    {
        "label": "Barn som anhöriga till vuxna patienter",
        "age_band": "0-17",
        "relation": "relative",
        "vulnerable_situations": ["young_carer"],
        "estimated_number": 30_000,
        "number_source": "Socialstyrelsens skattning",
    },
]
SOURCES = [
    {
        "kind": "statistics",
        "title": "Avvikelser om barns journaler",
        "reference": "Regionens avvikelsesystem",
        "findings": "Flest avvikelser gäller vårdnadshavares åtkomst till ungdomars journal.",
    },
    {
        "kind": "research",
        "title": "Ungas åtkomst till den egna journalen",
        "reference": "Översikt över nordiska studier",
        "findings": "Unga söker vård mer sällan när de tror att föräldrarna ser journalen.",
    },
    {
        "kind": "professional",
        "title": "Workshop med barnsjukvården",
        "reference": "Anteckningar från arbetsgruppen",
        "findings": "Personalen behöver stöd för att sätta skyddsmarkeringar rätt.",
    },
]
CONSULTATIONS = [
    {
        "method": "youth_council",
        "children_count": 14,
        "age_from": 13,
        "age_to": 17,
        "held_on": date(2024, 3, 12),
        "adaptations": "Korta pass med skärmbilder i stället för skriftligt underlag.",
        "views": "De unga vill själva bestämma vem som läser journalen.",
        "influence": "Egen åtkomst från 16 år blev ett villkor för driftstarten.",
    },
    {
        "method": "focus_group",
        "children_count": 8,
        "age_from": 9,
        "age_to": 12,
        "held_on": date(2024, 3, 20),
        "adaptations": "Samtal på barnkliniken med bilder och en lekterapeut.",
        "views": "Barnen vill att läkaren förklarar vad som står om dem.",
        "influence": "Sammanfattningen för barn skrevs om efter samtalen.",
    },
]
IMPACTS = [
    {
        "article": 16,
        "group": "Ungdomar 13–17 år med egen åtkomst till journalen",
        "direction": "weakens",
        "term": "long",
        "severity": "high",
        "likelihood": "possible",
        "explanation": "Vårdnadshavare kan se besök som ungdomen vill hålla för sig själv.",
    },
    {
        "article": 24,
        "group": "Barn med skyddade personuppgifter",
        "direction": "strengthens",
        "term": "long",
        "severity": "medium",
        "likelihood": "likely",
        "explanation": "En samlad journal gör vården säkrare när barnet byter mottagning.",
    },
    {
        "article": 24,
        "group": "Kroniskt sjuka barn",
        "direction": "weakens",
        "term": "short",
        "severity": "medium",
        "likelihood": "likely",
        "explanation": "Färre besök under de första veckorna efter driftstarten.",
    },
    {
        "article": 3,
        "group": "Barn som anhöriga till vuxna patienter",
        "direction": "unknown",
        "term": "both",
        "severity": "low",
        "likelihood": "possible",
        "explanation": "Det är oklart om personalen hittar frågan om barn som anhöriga.",
    },
]
ALTERNATIVES = [
    {
        "title": "Driftstart enligt plan",
        "description": "Driftstart i november med de ordinarie kontrollerna.",
        "child_rights_assessment": "Risken för röjda skyddade uppgifter blir okontrollerad.",
        "conflicts_of_interest": "Tidplanen väger tyngst.",
        "is_preferred": False,
        "article_effects": {
            "2": "weakens",
            "3": "weakens",
            "6": "unknown",
            "12": "neutral",
            "16": "weakens",
            "24": "unknown",
        },
    },
    {
        "title": "Driftstart med barnrättsliga villkor",
        "description": "Driftstart när skyddsmarkeringarna är avstämda.",
        "child_rights_assessment": "Skyddar barnen och ger nyttan med en månads fördröjning.",
        "conflicts_of_interest": "Kostnaden för en månads fördröjning.",
        "is_preferred": True,
        "is_recommended": True,
    },
    {
        "title": "Nollalternativet: de gamla systemen används vidare",
        "description": "Inget nytt journalsystem; de nuvarande systemen används vidare.",
        "child_rights_assessment": "Inga nya risker, men splittrad information om barn.",
        "conflicts_of_interest": "Kostnaderna för de gamla systemen stiger.",
        "is_zero_option": True,
        "article_effects": {
            "2": "neutral",
            "3": "neutral",
            "6": "neutral",
            "12": "neutral",
            "16": "neutral",
            "24": "weakens",
        },
    },
]
MEASURES = [
    {
        "description": "Avstämning av alla skyddsmarkeringar i barnjournaler före driftstart.",
        "owner": "Projektledaren med barnskyddsteamet",
        "due_date": date(2024, 10, 15),
        "status": "in_progress",
    },
    {
        "description": "Egen åtkomst till journalen för unga från 16 år vid driftstarten.",
        "owner": "Förvaltaren av e-tjänsten",
        "due_date": date(2024, 11, 12),
        "status": "planned",
    },
    {
        "description": "Extra mottagningstider för kroniskt sjuka barn de första veckorna.",
        "owner": "Verksamhetschefen för barnsjukvården",
        "due_date": date(2024, 12, 20),
        "status": "planned",
    },
]
INDICATORS = [
    {
        "name": "Andel avstämda skyddsmarkeringar i barnjournaler",
        "baseline": "Ingen samlad kontroll i dag",
        "target": "100 procent före driftstart",
        "source": "Migreringsrapporten",
        "responsible": "Projektledaren",
        "measure_on": date(2024, 11, 8),
    },
    {
        "name": "Andel unga 16–17 år med egen åtkomst till journalen",
        "baseline": "0 procent",
        "target": "Alla som vill",
        "source": "E-tjänstens statistik",
        "responsible": "Förvaltaren av e-tjänsten",
        "measure_on": date(2025, 5, 1),
    },
]


def prompt_answers(analysis: Analysis, step_key: str) -> dict[str, str]:
    """An answer to each of the decision area's prompts for `step_key`."""
    pack = ops.checklists_for(analysis).pack
    return {
        f"prompt__{prompt.key}": (
            f"Arbetsgruppen har gått igenom frågan ({prompt.key}) med barnrättsstrategen. "
            "Svaret bygger på avvikelser, samtal med unga och verksamhetens erfarenhet, och det "
            "följs upp efter driftstarten. Där svaret rör barn i utsatta situationer har "
            "barnskyddsteamet läst och godkänt det. Frågan tas upp igen vid kontrollpunkten "
            "efter tre månader, med de avvikelser och synpunkter som då har kommit in från barn, "
            "vårdnadshavare och personal. Om något av det vi har antagit här visar sig fel "
            "görs analysen om för den delen, och ungdomsrådet får veta vad som ändrades och "
            "varför."
        )
        for prompt in pack.prompts_for(step_key)
    }


def complete_analysis(
    owner: User,
    *,
    title: str = TITLE,
    organisation: str = ORGANISATION,
    child_groups: list[dict] = (),
    impacts: list[dict] = (),
    **details,
) -> Analysis:
    """A draft with every step answered and completed, ready to submit for review.

    `child_groups` and `impacts` are added to the standard entries (an impact's "group" is the
    label of its child group)."""
    target = draft_analysis(owner, title=title, organisation=organisation, **details)
    owner = _owner(target)
    for step_key, answers in ANSWERS.items():  # answers first: impacts need the articles
        answer(target, step_key, {**answers, **prompt_answers(target, step_key)}, owner)
    groups = {}
    for values in [*GROUPS, *child_groups]:
        groups[values["label"]] = entry(target, "child_groups", values, owner).id
    for kind_name, rows in (
        ("evidence_sources", SOURCES),
        ("consultations", CONSULTATIONS),
        ("impacts", [*IMPACTS, *impacts]),
        ("alternatives", ALTERNATIVES),
        ("measures", MEASURES),
        ("indicators", INDICATORS),
    ):
        for raw in rows:
            values = dict(raw)
            if kind_name == "impacts":
                values["child_group_id"] = groups[values.pop("group")]
            entry(target, kind_name, values, owner)
    for step_key, answers in ANSWERS.items():
        answer(
            target, step_key, {**answers, **prompt_answers(target, step_key)}, owner, complete=True
        )
    return target


# --- the lifecycle --------------------------------------------------------------------------------

# A review that finds nothing to change.
RUBRIC_ALL_YES = dict.fromkeys(lifecycle.RUBRIC_ITEMS, "yes")


def submit(analysis: Analysis | int, reviewer: User, user: User | None = None) -> ReviewRound:
    """Send the analysis to `reviewer` (as its owner, unless `user` is given)."""
    target = _analysis(analysis)
    return lifecycle.submit_for_review(
        target,
        ops.checklists_for(target),
        _attached(user or _owner(target)),
        _attached(reviewer),
    )


def send_back(
    analysis: Analysis | int,
    reviewer: User,
    *,
    reasons: str = "Redovisa vad barnen sa.",
    verdicts: dict | None = None,
    rubric: dict | None = None,
    comments: dict | None = None,
) -> ReviewRound:
    """Close the open review round by returning the analysis for changes."""
    target = _analysis(analysis)
    return lifecycle.return_for_changes(
        target,
        ops.checklists_for(target),
        _attached(reviewer),
        verdicts=verdicts if verdicts is not None else {"participation": "changes"},
        rubric=rubric if rubric is not None else {**RUBRIC_ALL_YES, "children_heard": "partly"},
        reasons=reasons,
        comments=comments if comments is not None else {"participation": reasons},
    )


def sign(
    analysis: Analysis | int,
    reviewer: User,
    *,
    title: str = "Barnrättsstrateg",
    rubric: dict | None = None,
    locale: str = "sv",
) -> SignOff:
    """Sign off the open review round and archive the reports, as the review page does."""
    target = _analysis(analysis)
    screened_out = lifecycle.is_no_bka(target)
    return reporting.sign_off_and_archive(
        target,
        ops.checklists_for(target),
        _attached(reviewer),
        verdicts={},
        rubric=rubric if rubric is not None else RUBRIC_ALL_YES,
        reasons="",
        comments={},
        title=title,
        statements=list(lifecycle.ATTESTATIONS["screened_out" if screened_out else "approved"]),
        locale=locale,
    )


def decide(
    analysis: Analysis | int,
    user: User | None = None,
    *,
    decided_on: date = date(2024, 6, 18),
    outcome: str = "adopted_with_changes",
    decision_body: str = "Regionstyrelsen",
    reference: str = "§ 142",
    follows_conclusion: str | None = "yes",
    follows_conclusion_reason: str = "",
) -> DecisionRecord:
    """Record the decision of a signed analysis."""
    target = _analysis(analysis)
    return lifecycle.record_decision(
        target,
        ops.checklists_for(target),
        _attached(user or _owner(target)),
        decision_body=decision_body,
        decided_on=decided_on,
        reference=reference,
        diarienummer=target.diarienummer or "",
        outcome=outcome,
        best_interests_weighing="Barnets bästa vägde tungt; villkor för driftstart.",
        follows_conclusion=follows_conclusion,
        follows_conclusion_reason=follows_conclusion_reason,
    )


def close(
    analysis: Analysis | int,
    user: User | None = None,
    *,
    closed_on: date = date(2025, 6, 18),
    fared: str = "as_predicted",
    conclusion: str = "Barnen fick det som analysen förutsåg; skyddsmarkeringarna höll.",
    learnt: str = "Stäm av skyddsmarkeringar tidigt nästa gång.",
):
    """Close a followed-up analysis with its final conclusion."""
    target = _analysis(analysis)
    return lifecycle.close(
        target,
        ops.checklists_for(target),
        _attached(user or _owner(target)),
        closed_on=closed_on,
        fared=fared,
        conclusion=conclusion,
        learnt=learnt,
    )


# The moves that lead a complete draft to each status.
PATHS = {
    "draft": (),
    "in_review": ("submit",),
    "changes_requested": ("submit", "send_back"),
    "approved": ("submit", "sign"),
    "decided": ("submit", "sign", "decide"),
    "follow_up": ("submit", "sign", "decide", "start_follow_up"),
    "closed": ("submit", "sign", "decide", "start_follow_up", "close"),
}


def drive_to(analysis: Analysis | int, status: str, reviewer: User) -> Analysis:
    """Move a complete draft to `status` through the real lifecycle, as owner and `reviewer`."""
    target = _analysis(analysis)
    for move in PATHS[status]:
        if move == "submit":
            submit(target, reviewer)
        elif move == "send_back":
            send_back(target, reviewer)
        elif move == "sign":
            sign(target, reviewer)
        elif move == "decide":
            decide(target)
        elif move == "close":
            close(target)
        else:
            lifecycle.transition(target, ops.checklists_for(target), move, _owner(target))
    return target

"""The follow-up pages: every kind of record added, changed and removed through HTTP and shown on
the follow-up page; who sees and who records; the trend chart and its table; decimal commas;
closing with a final conclusion; follow-up in the history."""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bka.domain import analyses as ops
from bka.domain import follow_up, lifecycle
from bka.domain.errors import DomainError
from bka.extensions import db
from bka.models import (
    Analysis,
    AuditEvent,
    Checkpoint,
    EditLog,
    Impact,
    Indicator,
    Measure,
    Reading,
    User,
)
from tests import factories


@pytest.fixture
def team(app, make_user, add_member, make_browser):
    """A decided analysis with a logged-in owner and viewer; the ids of its first indicator,
    measure and impact row."""
    owner = make_user(name="Tove Ägare")
    viewer = make_user(name="Vera Läsare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.drive_to(analysis, "decided", reviewer)
        db.session.commit()
        analysis_id = analysis.id

        def first(model):
            return db.session.scalar(
                select(model.id).where(model.analysis_id == analysis_id).order_by(model.id)
            )

        parents = {"indicator_id": first(Indicator), "measure_id": first(Measure)}
        parents["impact_id"] = first(Impact)
    add_member(analysis_id, viewer, "viewer")
    browsers = {}
    for key, user in (("owner", owner), ("viewer", viewer)):
        browsers[key] = make_browser()
        browsers[key].login(user)
    return SimpleNamespace(
        id=analysis_id,
        base=f"/analyses/{analysis_id}/follow-up",
        parents=parents,
        owner=browsers["owner"],
        viewer=browsers["viewer"],
        reviewer=reviewer,
    )


def page(browser, url) -> str:
    response = browser.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# Per kind: what the owner types first, what they change, and a text each shows on the page.
RECORDS = {
    "checkpoints": (
        {"title": "Kontroll efter driftstart", "due_on": "2024-12-01"},
        {
            "title": "Kontroll efter driftstart",
            "due_on": "2024-12-01",
            "closed_on": "2024-12-03",
            "fared": "worse",
            "conclusion": "Väntetiderna för barn steg mer än väntat.",
            "changes": "Extra mottagningstider införs.",
        },
        ("Kontroll efter driftstart", "Väntetiderna för barn steg mer än väntat."),
    ),
    "readings": (
        {"indicator_id": "{indicator_id}", "value": "41,5", "measured_on": "2024-11-30"},
        {
            "indicator_id": "{indicator_id}",
            "value": "97",
            "measured_on": "2024-11-30",
            "source": "Migreringsrapporten",
            "comment": "Efter andra avstämningen.",
        },
        ("41,5", "Efter andra avstämningen."),
    ),
    "measure_updates": (
        {"measure_id": "{measure_id}", "status": "late", "updated_on": "2024-10-20"},
        {
            "measure_id": "{measure_id}",
            "status": "done",
            "updated_on": "2024-11-01",
            "evidence": "Avstämningen är klar enligt barnskyddsteamet.",
        },
        ("Försenad", "Avstämningen är klar enligt barnskyddsteamet."),
    ),
    "observed_effects": (
        {"impact_id": "{impact_id}", "observation": "worse", "observed_on": "2025-01-15"},
        {
            "impact_id": "{impact_id}",
            "observation": "as_predicted",
            "observed_on": "2025-01-15",
            "evidence": "Klagomål från unga till patientnämnden.",
        },
        ("Sämre än förutsett", "Klagomål från unga till patientnämnden."),
    ),
    "events": (
        {"kind": "go_live", "occurred_on": "2024-11-12", "title": "Driftstart"},
        {
            "kind": "pause",
            "occurred_on": "2024-11-15",
            "title": "Driftstarten pausas",
            "description": "Larm om patientsäkerheten.",
        },
        ("Driftstart", "Driftstarten pausas"),
    ),
    "child_feedback": (
        {
            "given_on": "2025-02-01",
            "channel": "Brev till ungdomsrådet",
            "message": "Vi har pausat bytet.",
        },
        {
            "given_on": "2025-02-01",
            "channel": "Möte med ungdomsrådet",
            "message": "Vi har pausat bytet och berättar när det startar igen.",
        },
        ("Brev till ungdomsrådet", "berättar när det startar igen"),
    ),
}


def filled(values: dict, parents: dict) -> dict:
    return {key: value.format(**parents) for key, value in values.items()}


def only_record_id(app, kind_name: str, analysis_id: int) -> int:
    model = follow_up.FOLLOW_UP_KINDS[kind_name].model
    with app.app_context():
        query = select(model.id).where(model.analysis_id == analysis_id)
        if model is Checkpoint:  # the decision offered three of its own
            query = query.order_by(model.id.desc()).limit(1)
        return db.session.scalar(query)


@pytest.mark.parametrize("kind_name", list(RECORDS))
def test_each_kind_is_added_changed_and_removed_by_the_owner(app, team, kind_name):
    first, changed, (shown_first, shown_changed) = RECORDS[kind_name]
    form = page(team.owner, f"{team.base}/{kind_name}/new")
    assert "<title>" in form and 'method="post"' in form

    # Observed effects are seen on their own page, per row of the impact matrix.
    seen_on = f"{team.base}/observed-effects" if kind_name == "observed_effects" else team.base
    added = team.owner.post(f"{team.base}/{kind_name}/new", filled(first, team.parents))
    assert added.status_code == 302, added.get_data(as_text=True)[:2000]
    assert added.location.endswith(
        seen_on if kind_name == "observed_effects" else f"{team.base}#{kind_name}"
    )
    assert shown_first in page(team.owner, seen_on)

    record_id = only_record_id(app, kind_name, team.id)
    assert shown_first in page(team.owner, f"{team.base}/{kind_name}/{record_id}")
    response = team.owner.post(
        f"{team.base}/{kind_name}/{record_id}", filled(changed, team.parents)
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert shown_changed in page(team.owner, seen_on)

    confirm = page(team.owner, f"{team.base}/{kind_name}/{record_id}/delete")
    assert "Ta bort" in confirm and 'method="post"' in confirm
    with app.app_context():  # asking is not removing
        assert db.session.get(follow_up.FOLLOW_UP_KINDS[kind_name].model, record_id) is not None
    assert team.owner.post(f"{team.base}/{kind_name}/{record_id}/delete").status_code == 302
    assert shown_changed not in page(team.owner, seen_on)
    with app.app_context():
        model = follow_up.FOLLOW_UP_KINDS[kind_name].model
        assert db.session.get(model, record_id) is None
        logged = db.session.scalars(
            select(EditLog.area).where(EditLog.entry_id == record_id, EditLog.area == kind_name)
        ).all()
        assert logged  # added, changed and removed, field by field
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert "follow_up_recorded" in actions and "follow_up_removed" in actions


def test_the_hub_links_the_follow_up_once_decided(team):
    hub = page(team.viewer, f"/analyses/{team.id}")
    assert f'href="{team.base}"' in hub


def test_a_viewer_sees_the_follow_up_but_cannot_record(app, team):
    team.owner.post(
        f"{team.base}/events/new",
        {"kind": "incident", "occurred_on": "2024-11-14", "title": "Fel i skyddsmarkering"},
    )
    seen = page(team.viewer, team.base)
    assert "Fel i skyddsmarkering" in seen and "Avvikelse" in seen
    assert "/follow-up/events/new" not in seen and "/delete" not in seen
    assert team.viewer.get(f"{team.base}/events/new").status_code == 403
    refused = team.viewer.post(
        f"{team.base}/events/new",
        {"kind": "incident", "occurred_on": "2024-11-14", "title": "Från läsaren"},
    )
    assert refused.status_code == 403
    event_id = only_record_id(app, "events", team.id)
    assert team.viewer.post(f"{team.base}/events/{event_id}/delete").status_code == 403
    assert "Från läsaren" not in page(team.owner, team.base)


def test_no_change_without_the_csrf_token(app, team):
    response = team.owner.post(
        f"{team.base}/events/new",
        {"kind": "incident", "occurred_on": "2024-11-14", "title": "Utan token"},
        csrf=False,
    )
    assert response.status_code in (200, 400)
    assert "Utan token" not in page(team.owner, team.base)


def test_the_chart_and_its_table_show_every_reading_against_baseline_and_target(app, team):
    with app.app_context():
        indicator = db.session.get(Indicator, team.parents["indicator_id"])
        indicator.baseline_value, indicator.target_value, indicator.unit = 40.0, 100.0, "%"
        db.session.commit()
    for measured_on, value in (("2024-11-08", "62"), ("2024-12-08", "88,5"), ("2025-01-08", "99")):
        team.owner.post(
            f"{team.base}/readings/new",
            {
                "indicator_id": team.parents["indicator_id"],
                "value": value,
                "measured_on": measured_on,
            },
        )
    html = page(team.viewer, team.base)
    chart = re.search(r'<figure class="chart".*?</figure>', html, re.S).group(0)
    assert chart.count("<circle") == 3 and "<polyline" in chart
    assert "Utgångsvärde" in chart and "Målvärde" in chart
    table = re.search(
        rf'<table class="table" id="readings-{team.parents["indicator_id"]}">.*?</table>',
        html,
        re.S,
    ).group(0)
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td class=\"numeric\">(.*?)</td>", table
    )
    assert rows == [
        ("8 november 2024", "62"),
        ("8 december 2024", "88,5"),
        ("8 januari 2025", "99"),
    ]
    assert "Når inte målet" in html  # 99 of a target of 100: not on target yet


def test_a_value_takes_a_decimal_comma_or_point_and_explains_anything_else(app, team):
    url = f"{team.base}/readings/new"
    reading = {"indicator_id": team.parents["indicator_id"], "measured_on": "2024-11-30"}
    for typed, stored in (("12,5", 12.5), ("12.25", 12.25), ("1 250", 1250.0), ("-0,5", -0.5)):
        assert team.owner.post(url, {**reading, "value": typed}).status_code == 302
        with app.app_context():
            latest = db.session.scalar(select(Reading).order_by(Reading.id.desc()).limit(1))
            assert latest.value == stored
    refused = team.owner.post(url, {**reading, "value": "tolv", "comment": "Min kommentar"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "<title>Fel:" in html
    assert 'id="value-error"' in html and "12,5" in html
    assert 'value="tolv"' in html and "Min kommentar" in html  # nothing typed is lost


def test_a_checkpoint_closes_with_date_fared_and_conclusion_together(app, team):
    url = f"{team.base}/checkpoints/new"
    refused = team.owner.post(
        url, {"title": "Kontroll", "due_on": "2025-01-01", "closed_on": "2025-01-02"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert 'id="fared-error"' in html and 'id="conclusion-error"' in html
    with app.test_request_context():
        analysis = db.session.get(Analysis, team.id)
        with pytest.raises(DomainError):  # the same rule in the domain, for any caller
            follow_up.save_record(
                analysis,
                follow_up.FOLLOW_UP_KINDS["checkpoints"],
                {"title": "K", "due_on": date(2025, 1, 1), "fared": "better"},
                db.session.get(User, analysis.memberships[0].user_id),
            )


def test_a_record_belongs_to_a_row_of_this_analysis(app, team, make_user):
    other_owner = make_user()
    with app.test_request_context():
        other = factories.complete_analysis(db.session.get(User, other_owner.id))
        db.session.flush()
        foreign = db.session.scalar(select(Indicator.id).where(Indicator.analysis_id == other.id))
        db.session.commit()
    refused = team.owner.post(
        f"{team.base}/readings/new",
        {"indicator_id": foreign, "value": "1", "measured_on": "2024-11-30"},
    )
    assert refused.status_code == 200 and 'id="indicator_id-error"' in refused.get_data(
        as_text=True
    )
    # A record of another analysis is not found through this one.
    team.owner.post(
        f"/analyses/{team.id}/follow-up/events/new",
        {"kind": "incident", "occurred_on": "2024-11-14", "title": "Händelse"},
    )
    event_id = only_record_id(app, "events", team.id)
    assert team.owner.get(f"{team.base}/readings/{event_id}").status_code == 404
    assert team.owner.get(f"/analyses/{team.id}/follow-up/nonsense/new").status_code == 404


def test_a_personal_identity_number_needs_the_confirmation(app, team):
    url = f"{team.base}/child_feedback/new"
    values = {"given_on": "2025-02-01", "channel": "Brev", "message": "Till 20121212-1212"}
    refused = team.owner.post(url, values)
    assert refused.status_code == 200 and "personnummer-confirmation" in refused.get_data(
        as_text=True
    )
    confirmed = team.owner.post(
        url, {**values, "not_a_child_number": "y", "not_a_child_reason": "Ett diarienummer."}
    )
    assert confirmed.status_code == 302


def follow_up_status(app, team) -> str:
    with app.test_request_context():
        analysis = db.session.get(Analysis, team.id)
        lifecycle.transition(
            analysis,
            ops.checklists_for(analysis),
            "start_follow_up",
            db.session.get(User, analysis.memberships[0].user_id),
        )
        db.session.commit()
        return analysis.status


def test_closing_needs_a_final_conclusion(app, team):
    assert follow_up_status(app, team) == "follow_up"
    hub = page(team.owner, f"/analyses/{team.id}")
    assert f'href="{team.base}/close"' in hub
    assert team.owner.post(f"/analyses/{team.id}/transition/close").status_code == 404

    refused = team.owner.post(f"{team.base}/close", {"closed_on": "2025-06-18", "learnt": "Lärt"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'id="conclusion-error"' in html and "Lärt" in html
    with app.test_request_context():
        analysis = db.session.get(Analysis, team.id)
        assert analysis.status == "follow_up"
        with pytest.raises(DomainError):  # no way around it: the move itself asks for it
            lifecycle.transition(
                analysis,
                ops.checklists_for(analysis),
                "close",
                db.session.get(User, analysis.memberships[0].user_id),
            )
    assert (
        team.viewer.post(
            f"{team.base}/close",
            {"closed_on": "2025-06-18", "fared": "better", "conclusion": "Läsaren stänger"},
        ).status_code
        == 403
    )

    closed = team.owner.post(
        f"{team.base}/close",
        {
            "closed_on": "2025-06-18",
            "fared": "better",
            "conclusion": "Barnen fick det bättre än analysen förutsåg.",
            "learnt": "Fråga ungdomsrådet tidigare.",
        },
    )
    assert closed.status_code == 302
    with app.app_context():
        assert db.session.get(Analysis, team.id).status == "closed"
        final = db.session.scalar(select(Checkpoint).where(Checkpoint.final.is_(True)))
        assert (final.closed_on, final.fared, final.changes) == (
            date(2025, 6, 18),
            "better",
            "Fråga ungdomsrådet tidigare.",
        )
    shown = page(team.viewer, team.base)
    assert "Barnen fick det bättre än analysen förutsåg." in shown and "Slutsats" in shown
    assert "/follow-up/checkpoints/new" not in page(team.owner, team.base)  # closed: read only


def test_the_history_names_follow_up_areas_fields_and_choices(app, team):
    team.owner.post(
        f"{team.base}/events/new",
        {"kind": "incident", "occurred_on": "2024-11-14", "title": "Fel i skyddsmarkering"},
    )
    team.owner.post(
        f"{team.base}/readings/new",
        {
            "indicator_id": team.parents["indicator_id"],
            "value": "41,5",
            "measured_on": "2024-11-30",
        },
    )
    html = page(team.viewer, f"/analyses/{team.id}/history")
    assert "Uppföljning: Händelser" in html and "Typ av händelse" in html
    assert "Avvikelse" in html and "14 november 2024" in html
    assert "Uppföljning: Mätvärden" in html and "Värde" in html and "41,5" in html
    assert "Uppföljning: Kontrollpunkter" in html  # offered by the decision
    assert "event_kind" not in html and "measured_on" not in html
    with app.app_context():
        indicator = db.session.get(Indicator, team.parents["indicator_id"])
        assert (
            f'<span class="diff-new"><span class="label-inline">Efter:</span> {indicator.name}'
            in html
        )
    assert "Efter:</span> #" not in html  # indicators and child groups by name, not number


def test_every_link_of_the_follow_up_page_opens_its_form(app, team):
    """The page builds its links without url_for (bka.web.follow_up): each must still lead to
    the form it names."""
    for kind_name, (first, _changed, _shown) in RECORDS.items():
        assert (
            team.owner.post(f"{team.base}/{kind_name}/new", filled(first, team.parents)).status_code
            == 302
        )
    html = page(team.owner, team.base) + page(team.owner, f"{team.base}/observed-effects")
    links = set(re.findall(rf'href="({team.base}/[^"#]+)"', html))
    kinds = {link.removeprefix(team.base + "/").split("/")[0] for link in links}
    links.discard(f"{team.base}/observed-effects")  # the page itself, not a form
    assert kinds >= set(RECORDS) and any(link.endswith("/delete") for link in links)
    assert f"{team.base}/readings/new?indicator_id={team.parents['indicator_id']}" in links
    for link in links:
        form = page(team.owner, link.replace("&amp;", "&"))
        assert 'method="post"' in form, link


def test_the_chart_places_each_reading_between_its_baseline_and_target(app, team):
    """Coordinates in the chart's 640 × 236 box: the plot spans x 110–630 and y 196 (lowest
    value) to 16 (highest); the first reading at the left, the last at the right."""
    with app.app_context():
        indicator = db.session.get(Indicator, team.parents["indicator_id"])
        indicator.baseline_value, indicator.target_value = 40.0, 100.0
        db.session.commit()
    for measured_on, value in (("2024-11-01", "62"), ("2024-12-01", "100"), ("2025-01-01", "40")):
        team.owner.post(
            f"{team.base}/readings/new",
            {
                "indicator_id": team.parents["indicator_id"],
                "value": value,
                "measured_on": measured_on,
            },
        )
    chart = re.search(r'<figure class="chart".*?</figure>', page(team.viewer, team.base), re.S)
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', chart.group(0))
    # 1 Nov → 1 Dec is 30 days of 61: x = 110 + 30/61 × 520.
    assert circles == [("110.0", "130.0"), ("365.7", "16.0"), ("630.0", "196.0")]
    assert 'y1="196.0" x2="630" y2="196.0" stroke="#505a5f"' in chart.group(0)  # the baseline
    assert 'y1="16.0" x2="630" y2="16.0" stroke="#00703c"' in chart.group(0)  # the target


def test_observed_effects_show_each_row_of_the_matrix_and_every_observation(app, team):
    for observed_on, observation in (("2025-01-15", "worse"), ("2025-03-01", "better")):
        team.owner.post(
            f"{team.base}/observed_effects/new",
            {
                "impact_id": team.parents["impact_id"],
                "observation": observation,
                "observed_on": observed_on,
            },
        )
    summary = page(team.viewer, team.base)
    assert "1 av " in summary and "Bättre än förutsett: 1 rad" in summary
    assert f'href="{team.base}/observed-effects"' in summary
    html = page(team.viewer, f"{team.base}/observed-effects")
    per_row = re.search(r'<table class="table" id="observed-per-row">.*?</table>', html, re.S)
    rows = re.findall(r'<tr>\s*<th scope="row" id="impact-(\d+)">.*?</tr>', per_row.group(0), re.S)
    with app.app_context():
        impacts = db.session.scalars(
            select(Impact.id).where(Impact.analysis_id == team.id).order_by(Impact.id)
        ).all()
    assert [int(row) for row in rows] == impacts
    observed = re.search(
        rf'id="impact-{team.parents["impact_id"]}">.*?</tr>', per_row.group(0), re.S
    )
    assert "Bättre än förutsett" in observed.group(0) and "1 mars 2025" in observed.group(0)
    assert per_row.group(0).count("Ännu inte känt") == len(impacts) - 1
    every = re.search(r'<table class="table" id="observations".*?</table>', html, re.S).group(0)
    assert every.count("<tr>") == 3  # the heading and both observations
    assert "Sämre än förutsett" in every and "15 januari 2025" in every


def test_an_indicator_states_its_baseline_and_target_in_numbers_words_or_a_dash(app):
    from bka.domain.follow_up_state import IndicatorFollowUp
    from bka.web.follow_up import indicator_sections

    def indicator(**values):
        fields = {"id": 1, "name": "Väntetid", "unit": "", "baseline": "", "target": ""}
        fields |= {"baseline_value": None, "target_value": None} | values
        return IndicatorFollowUp(SimpleNamespace(**fields), [], None)

    items = [
        indicator(baseline_value=40.0, baseline="Nivån 2023", unit="%", target_value=100.0),
        indicator(baseline="Ingen mätning", target="Kortare än i dag"),
        indicator(),
    ]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        sections = indicator_sections(items, date(2025, 1, 1))
    assert [(section.baseline, section.target) for section in sections] == [
        ("40 % – Nivån 2023", "100 %"),
        ("Ingen mätning", "Kortare än i dag"),
        ("–", "–"),
    ]
    assert all(section.chart is None and section.latest == "" for section in sections)

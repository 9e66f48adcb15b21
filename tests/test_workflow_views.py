"""The guided workflow through HTTP, as a project team member uses it."""

from __future__ import annotations

import re

import pytest

from bka.extensions import db
from bka.models import Analysis, ChildGroup, Consultation, StepAnswer


@pytest.fixture
def team(browser, make_user):
    user = make_user(name="Tove Teamsson")
    browser.login(user)
    return browser, user


def start(browser, **overrides):
    data = {
        "title": "Ny journal för barnsjukvården",
        "organisation": "Region Exempel",
        "decision_area": "health_care",
        "diarienummer": "RS 2024-17",
        "planned_decision_date": "2025-03-01",
        **overrides,
    }
    response = browser.post("/analyses/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.location.rstrip("/").rsplit("/", 1)[1])


def stored_answers(app, analysis_id, step_key):
    with app.app_context():
        row = db.session.scalar(
            db.select(StepAnswer).where(
                StepAnswer.analysis_id == analysis_id, StepAnswer.step_key == step_key
            )
        )
        return (row.answers, row.completed) if row else ({}, False)


def test_start_an_analysis_and_see_the_task_list(team, app):
    browser, user = team
    analysis_id = start(browser)
    page = browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert "Ny journal för barnsjukvården" in page
    assert "0 av 11 steg klara" in page
    assert page.count("Inte påbörjad") == 11
    assert "RS 2024-17" in page and "1 mars 2025" in page
    listing = browser.get("/?q=RS+2024").get_data(as_text=True)
    assert "Ny journal för barnsjukvården" in listing
    assert "Ny journal" not in browser.get("/?q=skolskjuts").get_data(as_text=True)


def test_step_page_shows_guidance_and_the_areas_prompts(team, app):
    browser, _user = team
    analysis_id = start(browser)
    page = browser.get(f"/analyses/{analysis_id}/steps/screening").get_data(as_text=True)
    library = app.extensions["bka_library"]
    step = library.method.step("screening")
    assert step.title.sv in page
    assert step.guiding_questions[0].sv in page
    question = step.questions[0]
    assert question.label.sv in page and question.guidance.sv in page
    for prompt in library.packs["health_care"].prompts_for("screening"):
        assert prompt.text.sv.split("–")[0].strip()[:40] in page.replace("&#34;", '"')
    browser.post("/language", {"language": "en"})
    english = browser.get(f"/analyses/{analysis_id}/steps/screening").get_data(as_text=True)
    assert step.title.en in english and question.label.en in english


def test_save_continue_and_save_later(team, app):
    browser, _user = team
    analysis_id = start(browser)
    url = f"/analyses/{analysis_id}/steps/decision"
    response = browser.post(url, {"proposal": "Byta journalsystem", "save_continue": "1"})
    assert response.location.endswith(f"/analyses/{analysis_id}/steps/children")
    response = browser.post(url, {"proposal": "Byta journalsystem", "save_later": "1"})
    assert response.location.endswith(f"/analyses/{analysis_id}")
    assert stored_answers(app, analysis_id, "decision") == (
        {"proposal": "Byta journalsystem"},
        False,
    )
    hub = browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert "Pågår" in hub and "Tove Teamsson" in hub


def test_marking_incomplete_step_completed_keeps_the_draft_and_explains(team, app):
    browser, _user = team
    analysis_id = start(browser)
    response = browser.post(
        f"/analyses/{analysis_id}/steps/decision",
        {"proposal": "Byta journalsystem", "mark_completed": "y", "save_continue": "1"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Fel:" in page
    assert 'id="error-summary"' in page
    label = app.extensions["bka_library"].method.question("objectives").label.sv
    assert f"Svara på ”{label}”." in page
    assert 'href="#objectives"' in page
    assert "Byta journalsystem" in page
    assert stored_answers(app, analysis_id, "decision") == (
        {"proposal": "Byta journalsystem"},
        False,
    )


def test_completing_a_step(team, app):
    browser, _user = team
    analysis_id = start(browser)
    response = browser.post(
        f"/analyses/{analysis_id}/steps/decision",
        {
            "proposal": "Byta journalsystem",
            "objectives": "Patientsäkerhet",
            "zero_option": "Fortsätta med gamla system",
            "decision_body": "Regionstyrelsen",
            "mark_completed": "y",
            "save_later": "1",
        },
    )
    assert response.status_code == 302
    assert stored_answers(app, analysis_id, "decision")[1] is True
    assert "1 av 11 steg klara" in browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)


def test_entries_are_added_changed_and_removed_without_javascript(team, app):
    browser, _user = team
    analysis_id = start(browser)
    base = f"/analyses/{analysis_id}/entries/child_groups"
    response = browser.post(
        base + "/new",
        {
            "label": "Barn med skyddade personuppgifter",
            "age_band": "0-17",
            "relation": "user",
            "vulnerable_situations": ["protected_identity", "violence_oppression"],
            "estimated_number": "350",
            "number_source": "Skatteverket 2023",
        },
    )
    assert response.status_code == 302
    assert response.location.endswith("/steps/children#child_groups")
    with app.app_context():
        group = db.session.scalar(db.select(ChildGroup))
        group_id = group.id
        assert group.vulnerable_situations == ["protected_identity", "violence_oppression"]
    page = browser.get(f"/analyses/{analysis_id}/steps/children").get_data(as_text=True)
    assert "Barn med skyddade personuppgifter" in page and "Cirka 350 barn" in page
    browser.post(
        f"{base}/{group_id}",
        {
            "label": "Barn med skyddad identitet",
            "age_band": "0-17",
            "relation": "user",
            "estimated_number": "360",
        },
    )
    with app.app_context():
        assert db.session.get(ChildGroup, group_id).label == "Barn med skyddad identitet"
    confirm = browser.get(f"{base}/{group_id}/delete").get_data(as_text=True)
    assert "Barn med skyddad identitet" in confirm
    with app.app_context():
        assert db.session.get(ChildGroup, group_id) is not None  # GET changes nothing
    browser.post(f"{base}/{group_id}/delete")
    with app.app_context():
        assert db.session.get(ChildGroup, group_id) is None


def test_entry_errors_keep_the_input(team):
    browser, _user = team
    analysis_id = start(browser)
    response = browser.post(
        f"/analyses/{analysis_id}/entries/consultations/new",
        {
            "method": "focus_group",
            "children_count": "-3",
            "age_from": "15",
            "age_to": "12",
            "views": "De vill kunna läsa sin journal själva.",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Fel:" in page
    assert "De vill kunna läsa sin journal själva." in page
    fixed = browser.post(
        f"/analyses/{analysis_id}/entries/consultations/new",
        {"method": "focus_group", "children_count": "8", "age_from": "15", "age_to": "12"},
    )
    assert "Den högsta åldern kan inte vara lägre än den lägsta åldern." in fixed.get_data(
        as_text=True
    )


def test_impact_matrix_offers_engaged_articles_and_groups(team, app):
    browser, _user = team
    analysis_id = start(browser)
    browser.post(
        f"/analyses/{analysis_id}/entries/child_groups/new",
        {"label": "Tonåringar", "age_band": "13-15", "relation": "user"},
    )
    browser.post(
        f"/analyses/{analysis_id}/steps/rights", {"engaged_articles": ["16"], "save_later": "1"}
    )
    with app.app_context():
        group_id = db.session.scalar(db.select(ChildGroup.id))
    matrix = browser.get(f"/analyses/{analysis_id}/steps/impacts").get_data(as_text=True)
    assert f'name="go" value="new/impacts/16/{group_id}"' in matrix
    form = browser.get(
        f"/analyses/{analysis_id}/entries/impacts/new?article=16&child_group_id={group_id}"
    ).get_data(as_text=True)
    assert re.search(r'<option selected value="16">|<option value="16" selected>', form)
    assert 'value="28"' not in form  # not engaged
    response = browser.post(
        f"/analyses/{analysis_id}/entries/impacts/new",
        {
            "article": "16",
            "child_group_id": str(group_id),
            "direction": "weakens",
            "term": "both",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Vårdnadshavare kan se känsliga besök.",
        },
    )
    assert response.status_code == 302
    matrix = browser.get(f"/analyses/{analysis_id}/steps/impacts").get_data(as_text=True)
    assert "Försvagar" in matrix and "cell-weakens" in matrix
    summary = (
        "<strong>16. Rätt till privatliv × Tonåringar</strong>: Försvagar, kort och lång sikt, "
        'allvarlighetsgrad hög, sannolikhet möjlig\n<div class="prose">Vårdnadshavare kan se '
        "känsliga besök.</div>"
    )
    assert f'<li class="entry"><div class="entry-body">{summary}</div></li>' in matrix
    assert summary in browser.get(f"/analyses/{analysis_id}/check").get_data(as_text=True)


def test_check_your_answers_lists_missing_items_with_links(team, app):
    browser, _user = team
    analysis_id = start(browser)
    browser.post(
        f"/analyses/{analysis_id}/steps/decision",
        {"proposal": "Byta journalsystem", "save_later": "1"},
    )
    page = browser.get(f"/analyses/{analysis_id}/check").get_data(as_text=True)
    assert "Byta journalsystem" in page
    assert "Det här återstår innan analysen kan skickas för granskning" in page
    assert f"/analyses/{analysis_id}/steps/children#child_groups" in page
    assert f"/analyses/{analysis_id}/steps/decision#objectives-field" in page
    assert "Lägg till minst en barngrupp." in page


def test_personnummer_in_free_text_is_refused_with_the_text_kept(team, app):
    browser, _user = team
    analysis_id = start(browser)
    response = browser.post(
        f"/analyses/{analysis_id}/entries/consultations/new",
        {
            "method": "interview",
            "children_count": "1",
            "age_from": "14",
            "age_to": "14",
            "views": "Flickan (811218-9876) ville ha egen inloggning.",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "ser ut som ett personnummer (811218-****)" in page
    assert "Flickan (811218-9876) ville ha egen inloggning." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Consultation.id))) == 0


def test_expired_csrf_token_keeps_the_input(team, app):
    browser, _user = team
    analysis_id = start(browser)
    response = browser.post(
        f"/analyses/{analysis_id}/steps/decision",
        {
            "proposal": "Text som inte får försvinna",
            "save_later": "1",
            "csrf_token": "expired-or-forged",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Text som inte får försvinna" in page
    assert "sessionen hade gått ut" in page.lower()
    assert stored_answers(app, analysis_id, "decision") == ({}, False)


def test_posts_without_a_form_of_their_own_are_still_protected(team):
    browser, _user = team
    response = browser.post("/logout", csrf=False)
    assert response.status_code == 400
    assert "Din session har gått ut" in response.get_data(as_text=True)
    assert browser.get("/").status_code == 200  # still logged in


NO_CHILDREN = {
    "children_affected": "not_affected",
    "affected_how": "Gäller bara anställda.",
    "magnitude": "minor",
    "child_numbers": "few",
    "vulnerable_affected": "no",
    "reversibility": "reversible",
    "save_later": "1",
}


def test_no_bka_needed_flow(team, app, make_user, make_browser):
    browser, _user = team
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    analysis_id = start(browser, title="Byte av lönesystem")
    browser.post(f"/analyses/{analysis_id}/steps/screening", NO_CHILDREN)
    assert "Ingen BKA behövs" in browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    check = browser.get(f"/analyses/{analysis_id}/check").get_data(as_text=True)
    assert "Skicka ”ingen BKA behövs” för godkännande" in check
    refused = browser.post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    assert refused.status_code == 200
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "draft"
    browser.post(
        f"/analyses/{analysis_id}/steps/screening",
        {**NO_CHILDREN, "screening_justification": "Systemet rör bara personalens löner."},
    )
    browser.post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    signer = make_browser()
    signer.login(reviewer)
    review_page = signer.get(f"/analyses/{analysis_id}/review").get_data(as_text=True)
    assert "Systemet rör bara personalens löner." in review_page
    signer.post(
        f"/analyses/{analysis_id}/review",
        {
            "statements": ["read_whole", "no_children_affected", "this_version"],
            "title": "Barnrättsstrateg",
            "sign": "1",
        },
    )
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "screened_out"
    # A signed-off analysis is read-only until the team opens a new version.
    assert (
        browser.post(f"/analyses/{analysis_id}/steps/decision", {"proposal": "x"}).status_code
        == 403
    )
    assert "kan läsa" in browser.get(f"/analyses/{analysis_id}/steps/decision").get_data(
        as_text=True
    )
    browser.post(f"/analyses/{analysis_id}/new-version")
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert (analysis.status, analysis.version) == ("draft", 2)


def test_everything_is_kept_across_logout_and_login(team, app, make_browser):
    browser, user = team
    analysis_id = start(browser)
    browser.post(
        f"/analyses/{analysis_id}/steps/feedback",
        {"feedback_plan": "Ungdomsrådet får återkoppling i maj.", "save_later": "1"},
    )
    browser.logout()
    again = make_browser()
    again.login(user)
    page = again.get(f"/analyses/{analysis_id}/steps/feedback").get_data(as_text=True)
    assert "Ungdomsrådet får återkoppling i maj." in page


def test_article_picker_pins_general_principles_and_marks_suggestions(team, app):
    browser, _user = team
    analysis_id = start(browser, decision_area="digital")
    page = browser.get(f"/analyses/{analysis_id}/steps/rights").get_data(as_text=True)
    assert page.count('name="engaged_articles"') == 42  # 43-54 are procedural: not offered
    assert page.count("Grundprincip: alltid med") == 4
    for number in (2, 3, 6, 12):
        assert re.search(rf'<input[^>]* checked disabled [^>]*value="{number}">', page)
    suggested = app.extensions["bka_library"].packs["digital"].suggested_articles
    listed = page[page.index('aria-labelledby="engaged_articles-suggested"') :]
    listed = listed[: listed.index("</ul>")]
    assert listed.count('name="engaged_articles"') == len(suggested)
    assert "Föreslås för digitala tjänster och it-system" in page
    summary = app.extensions["bka_library"].convention.article(16).summary.sv
    assert summary in page.replace("&#39;", "'")


def test_read_only_step_pages_show_the_packs_prompt_answers(
    team, app, make_user, make_browser, add_member
):
    """Viewers, the reviewer and (after sign-off) the team read every answer, prompts included."""
    browser, _user = team
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    viewer = make_user(name="Vera Visare")
    analysis_id = start(browser, title="Byte av lönesystem", decision_area="health_care")
    prompt = app.extensions["bka_library"].packs["health_care"].prompts_for("screening")[0]
    prompt_answer = "Lönesystemet når inga barn; vi har stämt av med barnhälsovården."
    justification = "Systemet rör bara personalens löner."
    browser.post(
        f"/analyses/{analysis_id}/steps/screening",
        {
            **NO_CHILDREN,
            "screening_justification": justification,
            f"prompt__{prompt.key}": prompt_answer,
        },
    )
    add_member(analysis_id, viewer, "viewer")
    browser.post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "in_review"
    regular = ("Gäller bara anställda.", justification, "Nej, barn påverkas inte", "Liten")

    def read_only_page(who):
        page = who.get(f"/analyses/{analysis_id}/steps/screening").get_data(as_text=True)
        assert "Du kan läsa det här steget men inte ändra det." in page
        return page.replace("&#34;", '"').replace("&#39;", "'")

    viewing = make_browser()
    viewing.login(viewer)
    signer = make_browser()
    signer.login(reviewer)
    for who in (viewing, signer):
        page = read_only_page(who)
        assert prompt.text.sv in page and prompt_answer in page
        for text in regular:
            assert text in page
    signer.post(
        f"/analyses/{analysis_id}/review",
        {
            "statements": ["read_whole", "no_children_affected", "this_version"],
            "title": "Barnrättsstrateg",
            "sign": "1",
        },
    )
    page = read_only_page(browser)
    assert prompt.text.sv in page and prompt_answer in page

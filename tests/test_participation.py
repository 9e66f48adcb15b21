"""Participation done well (issue 14, item 4): per consultation, General Comment 12's nine
requirements, who was not reached, consent and feedback to the children; the rule that completes
step 6; the form, the pages, the history and the report."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bka.domain import analyses as ops
from bka.domain.entries import ENTRY_KINDS, PARTICIPATION_REQUIREMENTS
from bka.domain.errors import FieldError
from bka.domain.progress import COMPLETED, load_state, missing_for_step, step_status
from bka.extensions import db
from bka.models import Analysis, Consultation, EditLog, User
from tests import factories
from tests.test_fuzz import FUZZ, VALUE
from tests.test_personnummer import CONFIRM, NUMBER, assert_refused, confirmations
from tests.test_reports import flat, render, text_of

KIND = ENTRY_KINDS["consultations"]
BASE = {
    "method": "focus_group",
    "children_count": 8,
    "age_from": 9,
    "age_to": 12,
    "held_on": date(2024, 3, 20),
    "views": "Vi vill kunna läsa själva.",
}
# The form's fields as a browser sends them.
FORM = {"method": "focus_group", "children_count": "8", "age_from": "9", "age_to": "12"}
FORM_HELD = {**FORM, "held_on": "2024-03-20"}
PARTICIPATION_ANSWERS = {"children_heard": "yes"}


def _analysis(app, make_user, make_analysis, **user_args):
    user = make_user(**user_args)
    return user, make_analysis(user)


def _save(analysis_id, values, entry=None):
    analysis = db.session.get(Analysis, analysis_id)
    state = load_state(analysis, ops.checklists_for(analysis))
    owner = analysis.memberships[0].user
    return ops.save_entry(state, KIND, values, owner, entry)


def _participation_missing(analysis_id) -> list[str]:
    analysis = db.session.get(Analysis, analysis_id)
    state = load_state(analysis, ops.checklists_for(analysis))
    return [item.describe("en") for item in missing_for_step(state, "participation")]


# --- domain ---------------------------------------------------------------------------------------


def test_requirements_are_kept_in_the_method_order_and_unknown_keys_refused(
    app, make_user, make_analysis
):
    _user, analysis_id = _analysis(app, make_user, make_analysis)
    with app.test_request_context():
        entry = _save(analysis_id, {**BASE, "requirements_met": ["safe", "voluntary", "safe"]})
        assert entry.requirements_met == ["voluntary", "safe"]
        with pytest.raises(FieldError) as error:
            _save(analysis_id, {**BASE, "requirements_met": ["voluntary", "fun"]})
        assert error.value.field == "requirements_met"
        assert list(PARTICIPATION_REQUIREMENTS) == [
            "transparent",
            "voluntary",
            "respectful",
            "relevant",
            "child_friendly",
            "inclusive",
            "training",
            "safe",
            "accountable",
        ]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"feedback_given_on": date(2024, 9, 1), "feedback_how": "  "}, "feedback_how"),
        ({"feedback_how": "Ett brev till klassen"}, "feedback_given_on"),
        (
            {"feedback_given_on": date(2024, 3, 1), "feedback_how": "Ett brev"},
            "feedback_given_on",
        ),
    ],
)
def test_feedback_needs_a_date_and_a_way_and_comes_after_the_consultation(
    app, make_user, make_analysis, values, field
):
    _user, analysis_id = _analysis(app, make_user, make_analysis)
    with app.test_request_context():
        with pytest.raises(FieldError) as error:
            _save(analysis_id, {**BASE, **values})
        assert error.value.field == field
        entry = _save(
            analysis_id,
            {**BASE, "feedback_given_on": date(2024, 9, 1), "feedback_how": "Ett brev"},
        )
        assert (entry.feedback_given_on, entry.feedback_how) == (date(2024, 9, 1), "Ett brev")


def test_the_checklist_must_be_answered_before_step_6_is_completed(app, make_user, make_analysis):
    user, analysis_id = _analysis(app, make_user, make_analysis)
    with app.test_request_context():
        factories.answer(analysis_id, "participation", PARTICIPATION_ANSWERS)
        entry = _save(analysis_id, {**BASE, "requirements_met": []})
        missing = _participation_missing(analysis_id)
        assert missing == [
            "Dialog 1 (Fokusgrupp): kryssa i vilka av de nio kraven på delaktighet som "
            "uppfylldes, eller förklara varför inget gjorde det."
        ]
        with pytest.raises(ops.StepIncomplete):
            factories.answer(analysis_id, "participation", PARTICIPATION_ANSWERS, complete=True)
        # Either a note on why none held, or at least one requirement ticked, answers it.
        _save(analysis_id, {**BASE, "requirements_met": [], "requirements_note": "Ingen."}, entry)
        assert _participation_missing(analysis_id) == []
        _save(analysis_id, {**BASE, "requirements_met": ["voluntary"]}, entry)
        assert _participation_missing(analysis_id) == []
        factories.answer(analysis_id, "participation", PARTICIPATION_ANSWERS, complete=True)
        analysis = db.session.get(Analysis, analysis_id)
        state = load_state(analysis, ops.checklists_for(analysis))
        assert step_status(state, "participation") == COMPLETED


def test_a_consultation_from_before_the_checklist_does_not_block_the_step(
    app, make_user, make_analysis
):
    """Recorded before migration 0020 (requirements_met NULL): a completed step stays so."""
    _user, analysis_id = _analysis(app, make_user, make_analysis)
    with app.test_request_context():
        factories.answer(analysis_id, "participation", PARTICIPATION_ANSWERS)
        entry = _save(analysis_id, BASE)  # no checklist given, as before
        assert entry.requirements_met is None
        assert _participation_missing(analysis_id) == []
        factories.answer(analysis_id, "participation", PARTICIPATION_ANSWERS, complete=True)
        db.session.commit()


# --- the form and the pages -----------------------------------------------------------------------


@pytest.fixture
def team(browser, make_user, make_analysis):
    user = make_user(name="Tove Teamsson")
    browser.login(user)
    return browser, user, make_analysis(user)


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_the_form_records_the_checklist_and_the_page_explains_the_rule(app, team):
    browser, _user, analysis_id = team
    new = f"/analyses/{analysis_id}/entries/consultations/new"
    form = _page(browser.get(new))
    assert "<legend>Krav på delaktighet som uppfylldes" in form
    assert "<legend>Återkoppling till barnen som deltog</legend>" in form
    assert "Frivilligt. Barnen visste att de kunde tacka nej" in form
    assert "lag (2009:724) om nationella minoriteter och minoritetsspråk, 5 §" in form
    response = browser.post(
        new,
        {
            **FORM_HELD,
            "requirements_met": ["safe", "voluntary", "transparent"],
            "requirements_note": "Inte inkluderande: bara en skola.",
            "not_reached": "Yngre barn.",
            "consent": "Vårdnadshavare samtyckte skriftligt via skolan.",
            "feedback_given_on": "2024-09-01",
            "feedback_how": "Brev till klassen.",
        },
    )
    assert response.status_code == 302, _page(response)[:3000]
    with app.app_context():
        entry = db.session.scalar(db.select(Consultation))
        assert entry.requirements_met == ["transparent", "voluntary", "safe"]
        assert entry.consent.startswith("Vårdnadshavare")
        assert entry.feedback_given_on == date(2024, 9, 1)
    step = _page(browser.get(f"/analyses/{analysis_id}/steps/participation"))
    assert 'id="consultations-rule"' in step and "allmän kommentar nr 12" in step
    assert "3 av 9 uppfyllda" in step
    assert "Respektfullt, Relevant, Barnvänligt, Inkluderande" in step
    assert "given den 1 september 2024 – Brev till klassen." in step
    check = _page(browser.get(f"/analyses/{analysis_id}/check"))
    assert "3 av 9 uppfyllda" in check and "Nåddes inte:" in check


@pytest.mark.parametrize(
    ("locale", "messages"),
    [
        ("sv", ["Beskriv hur återkopplingen nådde barnen."]),
        ("en", ["Say how the feedback reached the children."]),
    ],
)
def test_validation_messages_in_both_languages_keep_the_typed_text(
    app, browser, make_user, make_analysis, locale, messages
):
    user = make_user(locale=locale)
    analysis_id = make_analysis(user)
    browser.login(user)
    response = browser.post(
        f"/analyses/{analysis_id}/entries/consultations/new",
        {
            **FORM_HELD,
            "requirements_met": ["voluntary"],
            "not_reached": "Barn i förskoleålder",
            "feedback_given_on": "2024-09-01",
        },
    )
    page = _page(response)
    assert response.status_code == 200
    assert ("<title>Fel:" if locale == "sv" else "<title>Error:") in page
    summary = re.search(r'<div class="error-summary".*?</ul>', page, re.S).group(0)
    for message in messages:
        assert message in html.unescape(summary)
    assert "Barn i förskoleålder" in page and 'value="2024-09-01"' in page
    assert re.search(r'value="voluntary"[^>]*checked|checked[^>]*value="voluntary"', page)
    with app.app_context():
        assert db.session.scalar(db.select(Consultation)) is None


@pytest.mark.parametrize("field", ["requirements_note", "not_reached", "consent", "feedback_how"])
def test_a_personal_identity_number_is_refused_in_every_new_text(app, team, field):
    browser, _user, analysis_id = team
    url = f"/analyses/{analysis_id}/entries/consultations/new"
    extra = {"feedback_given_on": "2024-09-01"} if field == "feedback_how" else {}
    data = {**FORM_HELD, **extra, field: f"Vårdnadshavare till {NUMBER} samtyckte"}
    assert_refused(browser.post(url, data), "Vårdnadshavare till")
    with app.app_context():
        assert db.session.scalar(db.select(Consultation)) is None
    assert browser.post(url, {**data, **CONFIRM}).status_code == 302
    assert [(d["area"], d["fields"]) for d in confirmations(app)] == [("consultations", [field])]


def test_the_history_names_the_new_fields_and_their_values(app, team):
    browser, _user, analysis_id = team
    url = f"/analyses/{analysis_id}/entries/consultations/new"
    assert browser.post(url, FORM_HELD).status_code == 302
    with app.app_context():
        entry_id = db.session.scalar(db.select(Consultation.id))
    edit = f"/analyses/{analysis_id}/entries/consultations/{entry_id}"
    response = browser.post(
        edit, {**FORM_HELD, "requirements_met": ["inclusive"], "consent": "Muntligt."}
    )
    assert response.status_code == 302
    with app.app_context():
        logged = {
            row.field: row.new_value
            for row in db.session.scalars(
                db.select(EditLog).where(
                    EditLog.entry_id == entry_id, EditLog.old_value.is_not(None)
                )
            )
        }
    assert logged["requirements_met"] == ["inclusive"] and logged["consent"] == "Muntligt."
    page = html.unescape(_page(browser.get(f"/analyses/{analysis_id}/history")))
    assert "Krav på delaktighet som uppfylldes" in page and "Hur samtycke inhämtades" in page
    assert "Inkluderande" in page


def test_the_consultation_form_never_fails(app, team):
    """Valid basics, so that every fuzzed value of the new fields reaches the domain's rules."""
    browser, _user, analysis_id = team
    token = browser.token()
    names = ("requirements_met", "requirements_note", "not_reached", "consent")
    names += ("feedback_given_on", "feedback_how")

    @FUZZ
    @given(st.fixed_dictionaries(dict.fromkeys(names, VALUE)))
    def post(values):
        response = browser.post(
            f"/analyses/{analysis_id}/entries/consultations/new",
            {**FORM_HELD, **values, "csrf_token": token},
        )
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:  # refused: what was typed is shown again
            page = _page(response)
            for name in ("requirements_note", "not_reached", "consent", "feedback_how"):
                typed = values[name].replace("\x00", "").strip()
                if typed and len(typed) < 200 and "\r" not in typed:
                    assert html.escape(typed, quote=False) in page or typed in html.unescape(
                        page
                    ), name

    post()


# --- the report -----------------------------------------------------------------------------------


def test_the_report_shows_the_checklist_compactly_in_both_languages(app, make_user):
    owner = make_user()
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        old, new = analysis.id, None
        values = {
            **BASE,
            "requirements_met": list(PARTICIPATION_REQUIREMENTS[:7]) + ["accountable"],
            "requirements_note": "Samtalet leddes av en kurator.",
            "not_reached": "Barn under 9 år.",
            "consent": "Vårdnadshavarna samtyckte skriftligt.",
            "feedback_given_on": date(2024, 9, 10),
            "feedback_how": "Brev via skolan.",
        }
        _save(old, values)
        db.session.commit()
        new = old
    _reader, text = text_of(render(app, new))
    text = flat(text)
    assert "Krav på delaktighet (allmän kommentar nr 12): 8 av 9 uppfyllda." in text
    assert "✓ Transparent och informativt" in text and "– Tryggt och riskmedvetet" in text
    assert "Nåddes inte: Barn under 9 år." in text
    assert "Samtycke: Vårdnadshavarna samtyckte skriftligt." in text
    assert "Återkoppling till barnen: given den 10 september 2024 – Brev via skolan." in text
    # The standard consultations were recorded without the checklist: nothing is claimed.
    assert text.count("Krav på delaktighet (allmän kommentar nr 12)") == 1
    _reader, english = text_of(render(app, new, locale="en"))
    english = flat(english)
    assert "Requirements for participation (General Comment 12): 8 of 9 held." in english
    assert "Feedback to the children: given on 10 September 2024 – Brev via skolan." in english


# --- feedback reached the children: step 10 and the follow-up ------------------------------------


@pytest.fixture
def decided(app, make_user, add_member, make_browser):
    """A decided analysis with the standard two consultations (held 12 and 20 March 2024), the
    first with feedback recorded on it; a logged-in owner and viewer."""
    owner = make_user(name="Tove Ägare")
    viewer = make_user(name="Vera Läsare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        first, second = load_state(analysis, ops.checklists_for(analysis)).entries["consultations"]
        values = {name: getattr(first, name) for name in KIND.fields}
        values.update(feedback_given_on=date(2024, 4, 2), feedback_how="Vid rådets möte.")
        _save(analysis.id, values, first)
        factories.answer(
            analysis.id,
            "participation",
            {
                **factories.ANSWERS["participation"],
                **factories.prompt_answers(analysis, "participation"),
            },
            complete=True,
        )
        factories.drive_to(analysis, "decided", reviewer)
        db.session.commit()
        ids = (analysis.id, first.id, second.id)
    add_member(ids[0], viewer, "viewer")
    browsers = []
    for user in (owner, viewer):
        browser = make_browser()
        browser.login(user)
        browsers.append(browser)
    return ids, browsers[0], browsers[1]


def test_feedback_per_consultation_comes_from_the_consultation_or_the_follow_up(app, decided):
    from bka.domain import follow_up, participation

    (analysis_id, first_id, second_id), _owner, _viewer = decided
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        consultations = load_state(analysis, ops.checklists_for(analysis)).entries["consultations"]
        items = participation.consultation_feedback(analysis, consultations)
        assert [(i.number, i.given_on, i.recorded_in) for i in items] == [
            (1, date(2024, 4, 2), "consultation"),
            (2, None, None),
        ]
        kind = follow_up.FOLLOW_UP_KINDS["child_feedback"]
        owner = analysis.memberships[0].user
        record = {"given_on": date(2024, 9, 10), "channel": "Brev", "message": "Så blev det."}
        follow_up.save_record(analysis, kind, {**record, "consultation_id": second_id}, owner)
        # A later record for the first consultation is its latest feedback; an unlinked one
        # counts for none.
        follow_up.save_record(analysis, kind, {**record, "consultation_id": first_id}, owner)
        follow_up.save_record(analysis, kind, {**record, "consultation_id": None}, owner)
        items = participation.consultation_feedback(analysis, consultations)
        assert [(i.given_on, i.how, i.recorded_in) for i in items] == [
            (date(2024, 9, 10), "Brev", "follow_up"),
            (date(2024, 9, 10), "Brev", "follow_up"),
        ]
        # Not before the consultation, and only this analysis's consultations.
        with pytest.raises(FieldError) as error:
            follow_up.save_record(
                analysis,
                kind,
                {**record, "given_on": date(2024, 3, 1), "consultation_id": first_id},
                owner,
            )
        assert error.value.field == "given_on"
        other = factories.complete_analysis(owner, title="Ett annat beslut")
        foreign = load_state(other, ops.checklists_for(other)).entries["consultations"][0]
        with pytest.raises(FieldError) as error:
            follow_up.save_record(analysis, kind, {**record, "consultation_id": foreign.id}, owner)
        assert error.value.field == "consultation_id"


def test_the_pages_show_which_consultations_have_had_feedback(app, decided):
    (analysis_id, _first_id, second_id), owner, viewer = decided
    base = f"/analyses/{analysis_id}/follow-up"
    step = _page(owner.get(f"/analyses/{analysis_id}/steps/feedback"))
    assert "Återkopplingen har nått barnen i 1 av 2 dialoger." in step
    assert "Ingen återkoppling registrerad än" in step and "registrerad i steg 6" in step
    follow = _page(owner.get(base))
    assert "Återkopplingen har nått barnen i 1 av 2 dialoger." in follow
    add = f"{base}/child_feedback/new?consultation_id={second_id}"
    assert f'href="{add}"' in follow
    # The viewer sees the same, without the link to record.
    seen = _page(viewer.get(base))
    assert "1 av 2 dialoger" in seen and "consultation_id=" not in seen
    form = _page(owner.get(add))
    assert re.search(
        rf'<option selected value="{second_id}">|<option value="{second_id}" selected', form
    )
    response = owner.post(
        f"{base}/child_feedback/new",
        {
            "given_on": "2024-09-10",
            "channel": "Brev via skolan",
            "message": "Så här blev det.",
            "consultation_id": str(second_id),
        },
    )
    assert response.status_code == 302, _page(response)[:3000]
    follow = _page(owner.get(base))
    assert "Återkopplingen har nått barnen i 2 av 2 dialoger." in follow
    assert "till barnen i dialog 2" in follow and "registrerad i uppföljningen" in follow
    history = html.unescape(_page(owner.get(f"/analyses/{analysis_id}/history")))
    assert "Dialogen vars barn fick återkopplingen" in history
    assert "2. Fokusgrupp, 2024-03-20" in history

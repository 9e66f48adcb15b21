"""Personal identity numbers: spotted in every way people write them, and refused in every free
text field about children until removed or confirmed not to be a child's."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bka import demo
from bka.demo import ANALYSES
from bka.domain.personnummer import (
    fields_with_personnummer,
    find_numbers,
    findings,
    looks_like_personnummer,
    luhn_ok,
)
from bka.extensions import db
from bka.models import (
    Analysis,
    AuditEvent,
    Comment,
    Consultation,
    DecisionRecord,
    ReviewRound,
    StepAnswer,
    User,
)

# Hyphen, en dash, minus sign, non-breaking hyphen, plus (100 years or older), space, nothing.
SEPARATORS = ["-", "\u2013", "\u2212", "\u2011", "+", " ", ""]
SPACED = [" - ", " \u2013 ", "\u00a0\u2013\u00a0", " \u2011 ", " \u2212 ", "- ", " -"]


@pytest.mark.parametrize(
    "text",
    [
        "Flickan 811218-9876 sa att",  # valid check digit
        "pnr 198112189876 i journalen",
        "19811218-9876",
        "samordningsnummer 701063-2391",
        "Flickan 811218–9876 sa att",  # en dash, as Word writes it
        "Flickan 811218 – 9876 sa att",
        "Flickan 811218 - 9876 sa att",
        "Flickan 811218\u20119876 sa att",  # non-breaking hyphen
        "Flickan 811218\u22129876 sa att",  # minus sign
        "Mormor 121212+1212 sa att",  # over 100 years old
        "Pojken 8112189876.",
        "(19811218 9876)",
        "pnr:811218-9876",
        # full-width digits
        "Barn \uff12\uff10\uff11\uff15\uff10\uff11\uff10\uff11-\uff11\uff12\uff13\uff11",
        "Barn \uff12\uff10150101\uff0d1231",  # a full-width century and hyphen
    ],
)
def test_valid_numbers_are_spotted(text):
    assert looks_like_personnummer(text)


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",  # wrong check digit
        "Diarienummer RS 2023-04711",
        "Dnr RS 2023-04711 och KS 2024/123",
        "Telefon 031-123 45 67",
        "Telefon 0701-23 45 67, 010-123 45 67",
        "20 barn i åldern 13-15 år",
        "Beslut 2023-04-11, 2024-06-18 § 142",
        "811318-9876",  # month 13
        "810230-1234",  # 30 February
        "811218-98761",  # too many digits
        "1811218-9876",  # a digit before
        "",
    ],
)
def test_other_numbers_are_not(text):
    assert not looks_like_personnummer(text)


def test_fields_are_named():
    values = {"views": "Eleven 811218-9876 berättade", "influence": "Inget", "count": 12}
    assert fields_with_personnummer(values) == ["views"]


def test_the_number_is_shown_masked():
    assert find_numbers("Flickan 811218 – 9876") == [("811218-****", "8112189876")]
    assert find_numbers("19811218-9876")[0][0] == "19811218-****"
    assert find_numbers("121212+1212")[0][0] == "121212+****"


def test_a_number_already_kept_is_not_asked_about_again():
    previous = {"views": "Vuxen 811218-9876 (vårdnadshavare)."}
    assert findings({"views": "Vuxen 811218-9876 (vårdnadshavare). Mer."}, previous) == []
    assert [f.field for f in findings({"influence": "811218-9876"}, previous)] == ["influence"]


def _with_check_digit(nine: str) -> str:
    return nine + next(str(d) for d in range(10) if luhn_ok(nine + str(d)))


@st.composite
def personnummer(draw):
    """A valid number: (century or not, YYMMDD, serial with Luhn digit), maybe samordning."""
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
    day = birth.day + (60 if draw(st.booleans()) else 0)
    short = f"{birth.year % 100:02d}{birth.month:02d}{day:02d}"
    ten = _with_check_digit(short + f"{draw(st.integers(0, 999)):03d}")
    century = f"{birth.year // 100}" if draw(st.booleans()) else ""
    return century, ten


@settings(max_examples=300, deadline=None)
@given(
    number=personnummer(),
    separator=st.sampled_from(SEPARATORS + SPACED),
    before=st.sampled_from(["", "Flickan ", "pnr: ", "(", "Barnet, ", "\n"]),
    after=st.sampled_from(["", " sa att", ")", ".", ", 14 år", "\n"]),
)
def test_every_valid_number_in_every_form_is_spotted(number, separator, before, after):
    century, ten = number
    text = f"{before}{century}{ten[:6]}{separator}{ten[6:]}{after}"
    found = find_numbers(text)
    assert [digits for _, digits in found] == [ten], text
    assert found[0][0] == f"{century}{ten[:6]}{'+' if separator.strip() == '+' else '-'}****"


@settings(max_examples=300, deadline=None)
@given(number=personnummer(), separator=st.sampled_from(SEPARATORS + SPACED))
def test_a_wrong_check_digit_is_never_spotted(number, separator):
    century, ten = number
    wrong = ten[:9] + str((int(ten[9]) + 1) % 10)
    assert not looks_like_personnummer(f"Barnet {century}{wrong[:6]}{separator}{wrong[6:]}")


@settings(max_examples=200, deadline=None)
@given(year=st.integers(1900, 2099), month=st.integers(1, 12), serial=st.integers(0, 999))
def test_impossible_days_are_never_spotted(year, month, serial):
    thirty = calendar.monthrange(year, month)[1] == 30
    for day in (0, 32, 60, 92, *((31, 91) if thirty else ())):
        ten = _with_check_digit(f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}")
        assert not looks_like_personnummer(f"x {ten[:6]}-{ten[6:]} x"), ten
        assert not looks_like_personnummer(f"x {year}{ten[2:6]}-{ten[6:]} x"), ten


@settings(max_examples=200, deadline=None)
@given(
    year=st.integers(1990, 2030),
    number=st.integers(1, 99999),
    prefix=st.sampled_from(["RS", "KS", "Dnr", "HSN", "SN"]),
)
def test_case_numbers_are_never_spotted(year, number, prefix):
    assert not looks_like_personnummer(f"{prefix} {year}-{number:05d}")
    assert not looks_like_personnummer(f"{prefix} {year}-{number}")


# --- Refusal in every free-text field -------------------------------------------------------

NUMBER = "811218–9876"  # with an en dash
MASKED = "811218-****"
REFUSED = "Det här ser ut som ett personnummer (811218-****)"
CONFIRM = {"not_a_child_number": "y", "not_a_child_reason": "Referensnummer i kassasystemet"}


def confirmations(app):
    with app.app_context():
        return [
            event.details
            for event in db.session.scalars(
                db.select(AuditEvent).where(AuditEvent.action == "personnummer_confirmed")
            )
        ]


def assert_refused(response, *typed):
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert REFUSED in page and "Det här är inte ett barns personnummer" in page
    assert "9876" not in page.replace(NUMBER, "") or all(NUMBER in page for _ in typed)
    for text in typed:
        assert text in page  # the typed text is kept
    assert 'class="field-error"' in page and "error-summary" in page


@pytest.fixture
def team(browser, make_user):
    user = make_user(name="Tove Teamsson")
    browser.login(user)
    return browser, user


def test_a_step_answer_with_a_number_is_refused_then_confirmed(app, team, make_analysis):
    browser, user = team
    analysis_id = make_analysis(user)
    url = f"/analyses/{analysis_id}/steps/decision"
    text = f"Gäller flickan {NUMBER} på avdelning 3."
    response = browser.post(url, {"proposal": text, "save_later": "1"})
    assert_refused(response, text)
    with app.app_context():
        assert db.session.scalar(db.select(StepAnswer)) is None
    # Ticking without a reason is refused too.
    response = browser.post(url, {"proposal": text, "save_later": "1", "not_a_child_number": "y"})
    assert "Förklara varför numret får stå kvar" in response.get_data(as_text=True)
    # The reason is audited, so the number may not be written there.
    response = browser.post(
        url,
        {**CONFIRM, "proposal": text, "save_later": "1", "not_a_child_reason": NUMBER},
    )
    assert "Skriv inte själva numret i skälet." in response.get_data(as_text=True)
    assert confirmations(app) == []
    assert browser.post(url, {"proposal": text, "save_later": "1", **CONFIRM}).status_code == 302
    [details] = confirmations(app)
    assert details["area"] == "decision" and details["fields"] == ["proposal"]
    assert details["reason"] == "Referensnummer i kassasystemet"
    assert len(details["number_hashes"][0]) == 64
    assert "9876" not in str(details)
    # Saving the step again with the confirmed number does not ask again.
    assert browser.post(url, {"proposal": text + " Mer.", "save_later": "1"}).status_code == 302


def test_a_removed_number_saves_without_confirmation(app, team, make_analysis):
    browser, user = team
    analysis_id = make_analysis(user)
    url = f"/analyses/{analysis_id}/steps/decision"
    assert_refused(browser.post(url, {"proposal": f"Flickan {NUMBER}", "save_later": "1"}))
    assert browser.post(url, {"proposal": "Flickan", "save_later": "1"}).status_code == 302
    assert confirmations(app) == []


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("child_groups", {"label": "Barn", "age_band": "13-15", "relation": "user"}, "label"),
        ("evidence_sources", {"kind": "statistics", "title": "Statistik"}, "findings"),
        (
            "consultations",
            {"method": "interview", "children_count": "1", "age_from": "14", "age_to": "14"},
            "views",
        ),
        ("alternatives", {"title": "Alternativ A"}, "description"),
        ("measures", {"description": "Utbildning", "status": "planned"}, "owner"),
        ("indicators", {"name": "Andel barn"}, "responsible"),
    ],
)
def test_every_entry_kind_refuses_a_number(app, team, make_analysis, kind, data, field):
    browser, user = team
    analysis_id = make_analysis(user)
    url = f"/analyses/{analysis_id}/entries/{kind}/new"
    text = f"Barnet {NUMBER}"
    assert_refused(browser.post(url, {**data, field: text}), "Barnet")
    response = browser.post(url, {**data, field: text, **CONFIRM})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert [(d["area"], d["fields"]) for d in confirmations(app)] == [(kind, [field])]


def test_every_text_field_of_every_entry_form_is_checked():
    from wtforms import StringField

    from bka.domain.entries import ENTRY_KINDS
    from bka.forms.entries import ENTRY_FORMS

    for name, form_class in ENTRY_FORMS.items():
        text_fields = {
            field_name
            for field_name, unbound in vars(form_class).items()
            if getattr(unbound, "field_class", None) is not None
            and issubclass(unbound.field_class, StringField)
            and field_name in ENTRY_KINDS[name].fields
        }
        for base in form_class.__mro__[1:]:
            for field_name, unbound in vars(base).items():
                if (
                    getattr(unbound, "field_class", None) is not None
                    and issubclass(unbound.field_class, StringField)
                    and field_name in ENTRY_KINDS[name].fields
                ):
                    text_fields.add(field_name)
        assert text_fields <= set(ENTRY_KINDS[name].text_fields), name


def test_an_existing_entry_changed_to_hold_a_number_is_refused(app, team, make_analysis):
    browser, user = team
    analysis_id = make_analysis(user)
    data = {"method": "interview", "children_count": "1", "age_from": "14", "age_to": "14"}
    browser.post(f"/analyses/{analysis_id}/entries/consultations/new", {**data, "views": "Bra"})
    with app.app_context():
        entry_id = db.session.scalar(db.select(Consultation.id))
    url = f"/analyses/{analysis_id}/entries/consultations/{entry_id}"
    assert_refused(browser.post(url, {**data, "views": f"Eleven {NUMBER} sa"}), "Eleven")
    with app.app_context():
        assert db.session.get(Consultation, entry_id).views == "Bra"


def test_new_analysis_and_details_refuse_a_number(app, team, make_analysis):
    browser, user = team
    new = {
        "title": f"Placering av barn {NUMBER}",
        "organisation": "Region Exempel",
        "decision_area": "health_care",
    }
    assert_refused(browser.post("/analyses/new", new), "Placering av barn")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Analysis.id))) == 0
    analysis_id = make_analysis(user)
    url = f"/analyses/{analysis_id}/details"
    details = {"title": "Titel", "organisation": "Region", "diarienummer": "811218-9876"}
    assert_refused(browser.post(url, details))
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).diarienummer is None
    assert browser.post(url, {**details, **CONFIRM}).status_code == 302
    assert confirmations(app)[0]["fields"] == ["diarienummer"]
    # A real case number is not a personnummer.
    ok = {"title": "Titel", "organisation": "Region", "diarienummer": "RS 2023-04711"}
    assert browser.post(url, ok).status_code == 302


@pytest.fixture
def lifecycle_team(app, make_user, make_browser):
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")

    def load(final_status):
        with app.test_request_context():
            users = {
                "team": db.session.get(User, owner.id),
                "reviewer": db.session.get(User, reviewer.id),
            }
            spec = {**ANALYSES[0], "final_status": final_status, "members": []}
            demo._load_analysis(app.extensions["bka_library"], spec, users)
            db.session.commit()
            analysis_id = db.session.scalar(db.select(Analysis.id))
        browsers = {}
        for key, user in (("owner", owner), ("reviewer", reviewer)):
            browsers[key] = make_browser()
            browsers[key].login(user)
        return analysis_id, browsers

    return load


def test_review_comments_and_reasons_refuse_a_number(app, lifecycle_team):
    analysis_id, b = lifecycle_team("in_review")
    url = f"/analyses/{analysis_id}/review"
    data = {
        "send_back": "1",
        "comment__participation": f"Ta bort {NUMBER} ur steget.",
        "reasons": "Steg 6 behöver kompletteras.",
    }
    assert_refused(b["reviewer"].post(url, data), "Ta bort")
    assert_refused(b["reviewer"].post(url, {**data, "reasons": f"Se {NUMBER}"}), "Se ")
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "in_review"
    assert b["reviewer"].post(url, {**data, **CONFIRM}).status_code == 302
    assert confirmations(app)[0]["fields"] == ["comment__participation"]
    with app.app_context():
        assert db.session.scalar(db.select(ReviewRound.outcome)) == "returned"


def test_a_comment_with_a_number_is_shown_again_with_its_text(app, lifecycle_team):
    analysis_id, b = lifecycle_team("changes_requested")
    url = f"/analyses/{analysis_id}/comments"
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(Comment.id)))
    text = f"Gäller {NUMBER}, pojken på avdelningen."
    response = b["owner"].post(url, {"step_key": "participation", "body": text})
    assert_refused(response, text)
    assert 'name="step_key" value="participation"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == before
    response = b["owner"].post(url, {"step_key": "participation", "body": text, **CONFIRM})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Comment.id))) == before + 1


def test_the_decision_refuses_a_number(app, lifecycle_team):
    analysis_id, b = lifecycle_team("approved")
    url = f"/analyses/{analysis_id}/decision"
    data = {
        "decision_body": "Regionstyrelsen",
        "decided_on": "2024-06-18",
        "reference": "§ 142",
        "outcome": "adopted_with_changes",
        "follows_conclusion": "yes",
        "best_interests_weighing": f"Barnet {NUMBER} vägde tungt.",
    }
    assert_refused(b["owner"].post(url, data), "vägde tungt")
    with app.app_context():
        assert db.session.scalar(db.select(DecisionRecord)) is None
    assert b["owner"].post(url, {**data, **CONFIRM}).status_code == 302
    assert confirmations(app)[0]["fields"] == ["best_interests_weighing"]

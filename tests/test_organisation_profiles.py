"""Organisation profiles (issue 14, item 9): the rules, who may keep them, the administrators'
form in both languages, the audit, what the screening step shows, the demo's profile and the
migration."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select, text

from bka.domain import organisation_profiles as profiles
from bka.domain.accounts import create_organisation
from bka.domain.errors import FieldError
from bka.domain.permissions import EDIT_ORGANISATION_PROFILE, can
from bka.extensions import db
from bka.models import Analysis, AuditEvent, Organisation, OrganisationProfile, User
from tests import factories

ORGANISATION = factories.ORGANISATION  # "Region Exempel", the factories' analyses' organisation
POLICY_URL = "https://intranat.example.se/riktlinje-bka"


def library(app):
    return app.extensions["bka_library"]


def scale_keys(app) -> list[str]:
    return [choice.key for choice in profiles.competence_scale(library(app).method).choices]


def save(app, organisation: Organisation, actor: User, **values) -> OrganisationProfile:
    arguments = {
        "always_needed": [],
        "never_needed": [],
        "policies": [],
        "competences": [],
        "competences_note": "",
    } | values
    return profiles.save_profile(organisation, actor, library(app).method, **arguments)


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", name="Anna Administratör")


@pytest.fixture
def organisation_id(app, admin):
    with app.test_request_context():
        organisation = create_organisation(ORGANISATION, db.session.get(User, admin.id))
        db.session.commit()
        return organisation.id


def give_profile(app, organisation_id, admin, **values) -> None:
    with app.test_request_context():
        save(
            app,
            db.session.get(Organisation, organisation_id),
            db.session.get(User, admin.id),
            **values,
        )
        db.session.commit()


FULL_PROFILE = {
    "always_needed": ["Nedläggning av en skola", "Ändrade öppettider på ungdomsmottagningar"],
    "never_needed": ["Rutinupphandling av kontorsmaterial"],
    "policies": [profiles.Policy("Riktlinje för barnkonsekvensanalys", POLICY_URL)],
    "competences": ["child_rights", "legal"],
    "competences_note": "Ett ungdomsråd läser utkastet.",
}


# --- the rules ------------------------------------------------------------------------------------


def test_split_lines_tidies_and_drops_empty_lines_and_repeats():
    text_in = "  Skolnedläggning \n\n\tBudget   och plan\nskolnedläggning\r\nBUP\n  \n"
    assert profiles.split_lines(text_in) == ["Skolnedläggning", "Budget och plan", "BUP"]
    assert profiles.split_lines(None) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.se/riktlinje",
        "http://intranat.example.se/a?b=c#d",
        "HTTPS://WWW.EXAMPLE.SE",
        "https://www.göteborg.se/barn",
        "https://example.se:8443/x",
    ],
)
def test_http_and_https_addresses_are_accepted(app, url):
    with app.test_request_context():
        assert profiles.url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript://www.example.se/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://example.se/fil",
        "file:///etc/passwd",
        "www.example.se/riktlinje",
        "//www.example.se/riktlinje",
        "https://",
        "http:///riktlinje",
        "https://exa mple.se",
        "https://example.se/\x00",
        "https:\\\\example.se",
        "https://user:secret@example.se/",
        "https://example.se:port/",
        "https://" + "a" * 500 + ".se",
    ],
)
def test_other_addresses_are_refused(app, url):
    with app.test_request_context():
        assert profiles.url_problem(url) is not None


def test_kinds_of_case_have_limits(app):
    with app.test_request_context():
        assert profiles.kinds_problem(["a"] * profiles.MAX_KINDS) is None
        assert profiles.kinds_problem(["a"] * (profiles.MAX_KINDS + 1)) is not None
        assert profiles.kinds_problem(["x" * profiles.MAX_KIND_LENGTH]) is None
        long_line = profiles.kinds_problem(["ok", "x" * (profiles.MAX_KIND_LENGTH + 1)])
        assert "2" in str(long_line)


def test_missing_competences_are_the_required_ones_not_ticked():
    assert profiles.missing_competences(["child_rights", "legal", "finance"], {}) == [
        "child_rights",
        "legal",
        "finance",
    ]
    answers = {"team_competences": ["legal", "frontline"]}
    assert profiles.missing_competences(["child_rights", "legal"], answers) == ["child_rights"]
    assert profiles.missing_competences(["legal"], {"team_competences": "legal"}) == []
    assert profiles.missing_competences([], answers) == []


# --- saving and the audit -------------------------------------------------------------------------


def audit_events(action="organisation_profile_updated") -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def test_save_creates_then_changes_the_profile_and_audits_only_real_changes(
    app, admin, organisation_id
):
    with app.test_request_context():
        organisation = db.session.get(Organisation, organisation_id)
        actor = db.session.get(User, admin.id)
        profile = save(
            app,
            organisation,
            actor,
            always_needed=["Nedläggning av en skola", " nedläggning av en SKOLA ", ""],
            policies=[profiles.Policy(" Riktlinje ", f" {POLICY_URL} ")],
            competences=["legal", "child_rights", "legal"],
        )
        db.session.commit()
        assert profile.always_needed == ["Nedläggning av en skola"]
        assert profile.policies == [{"title": "Riktlinje", "url": POLICY_URL}]
        assert profile.competences == ["child_rights", "legal"]  # in the scale's order
        assert profile.updated_by_id == admin.id
        first_saved = profile.updated_at
        [created] = audit_events()
        assert created.object_type == "organisation" and created.object_id == organisation_id
        assert created.actor_id == admin.id
        assert created.details["created"] is True
        assert created.details["organisation"] == ORGANISATION
        assert created.details["changed"]["always_needed"] == [[], ["Nedläggning av en skola"]]
        assert "never_needed" not in created.details["changed"]

        same = save(
            app,
            organisation,
            actor,
            always_needed=["Nedläggning av en skola"],
            policies=[profiles.Policy("Riktlinje", POLICY_URL)],
            competences=["child_rights", "legal"],
        )
        db.session.commit()
        assert same.id == profile.id and same.updated_at == first_saved
        assert len(audit_events()) == 1  # nothing changed: nothing recorded

        save(
            app,
            organisation,
            actor,
            always_needed=["Nedläggning av en skola"],
            never_needed=["Rutinupphandling"],
            policies=[],
            competences=["child_rights", "legal"],
        )
        db.session.commit()
        changed = audit_events()[-1]
        assert changed.details["created"] is False
        assert set(changed.details["changed"]) == {"never_needed", "policies"}
        assert changed.details["changed"]["policies"] == [
            [{"title": "Riktlinje", "url": POLICY_URL}],
            [],
        ]
        assert db.session.scalar(select(db.func.count(OrganisationProfile.id))) == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"always_needed": ["Budget"], "never_needed": ["BUDGET"]}, "never_needed"),
        ({"always_needed": ["x" * (profiles.MAX_KIND_LENGTH + 1)]}, "always_needed"),
        ({"never_needed": [f"Ärende {n}" for n in range(profiles.MAX_KINDS + 1)]}, "never_needed"),
        ({"policies": [profiles.Policy("Länk", "javascript:alert(1)")]}, "policies"),
        ({"policies": [profiles.Policy("", POLICY_URL)]}, "policies"),
        (
            {"policies": [profiles.Policy("L", POLICY_URL)] * (profiles.MAX_POLICIES + 1)},
            "policies",
        ),
        ({"competences": ["child_rights", "astrology"]}, "competences"),
        ({"competences_note": "x" * (profiles.MAX_NOTE_LENGTH + 1)}, "competences_note"),
    ],
)
def test_save_refuses_what_breaks_a_rule_and_writes_nothing(
    app, admin, organisation_id, values, field
):
    with app.test_request_context():
        with pytest.raises(FieldError) as refused:
            save(
                app,
                db.session.get(Organisation, organisation_id),
                db.session.get(User, admin.id),
                **values,
            )
        assert refused.value.field == field
        db.session.rollback()
        assert db.session.scalar(select(OrganisationProfile)) is None
        assert audit_events() == []


# --- which profile applies to an analysis ---------------------------------------------------------


@pytest.mark.parametrize(
    ("analysis_organisation", "expected"),
    [
        ("Västra Götalandsregionen", "Västra Götalandsregionen"),
        ("  västra   götalandsregionen ", "Västra Götalandsregionen"),
        ("Västra Götalandsregionen, Koncernkontoret", "Västra Götalandsregionen, Koncernkontoret"),
        ("VÄSTRA GÖTALANDSREGIONEN, KONCERNKONTORET", "Västra Götalandsregionen, Koncernkontoret"),
        ("Västra Götalandsregionen, Regionkansliet", "Västra Götalandsregionen"),
        (
            "Västra Götalandsregionen, Koncernkontoret, Staben",
            "Västra Götalandsregionen, Koncernkontoret",
        ),
        ("Västra Götalandsregionen Syd", None),  # another name, not an office of it
        ("Region Östergötland", None),  # listed, but without a profile
        ("", None),
    ],
)
def test_the_profile_that_applies_is_the_same_name_or_the_longest_before_a_comma(
    app, admin, analysis_organisation, expected
):
    with app.test_request_context():
        actor = db.session.get(User, admin.id)
        for name in ("Västra Götalandsregionen", "Västra Götalandsregionen, Koncernkontoret"):
            save(app, create_organisation(name, actor), actor, always_needed=[name])
        create_organisation("Region Östergötland", actor)
        db.session.commit()
        found = profiles.profile_for_organisation(analysis_organisation)
        assert (found.organisation.name if found else None) == expected


def test_guidance_marks_the_competences_not_ticked_and_is_none_without_content(
    app, admin, organisation_id, make_analysis
):
    analysis_id = make_analysis(admin)
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        method = library(app).method
        assert profiles.guidance_for(analysis, {}, "sv", (method,)) is None  # no profile
    give_profile(app, organisation_id, admin)  # a profile that says nothing
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert profiles.guidance_for(analysis, {}, "sv", (method,)) is None
    give_profile(app, organisation_id, admin, **FULL_PROFILE)
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        answers = {"team_competences": ["legal", "frontline"]}
        guidance = profiles.guidance_for(analysis, answers, "sv", (method,))
        assert guidance.organisation == ORGANISATION
        assert guidance.always_needed == tuple(FULL_PROFILE["always_needed"])
        assert guidance.policies == (
            profiles.Policy("Riktlinje för barnkonsekvensanalys", POLICY_URL),
        )
        assert [(item.key, item.missing) for item in guidance.competences] == [
            ("child_rights", True),
            ("legal", False),
        ]
        assert [item.key for item in guidance.missing] == ["child_rights"]
        labels = {item.key: item.label for item in guidance.competences}
        assert labels["legal"] == "Juridisk kompetens"
        english = profiles.guidance_for(analysis, answers, "en", (method,))
        assert {item.label for item in english.competences} == {
            "Child-rights expertise, e.g. a child-rights strategist",
            "Legal expertise",
        }


# --- who may keep a profile -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"), [("member", False), ("reviewer", False), ("admin", True)]
)
def test_only_administrators_may_edit_a_profile(app, make_user, role, allowed):
    user = make_user(role=role)
    with app.test_request_context():
        attached = db.session.get(User, user.id)
        assert can(attached, EDIT_ORGANISATION_PROFILE) is allowed
        attached.active = False
        assert can(attached, EDIT_ORGANISATION_PROFILE) is False
    assert can(None, EDIT_ORGANISATION_PROFILE) is False


def profile_url(organisation_id: int) -> str:
    return f"/admin/organisations/{organisation_id}/profile"


@pytest.mark.parametrize("role", ["member", "reviewer"])
def test_others_cannot_open_or_change_a_profile(
    app, make_user, make_browser, organisation_id, role
):
    browser = make_browser()
    browser.login(make_user(role=role))
    assert browser.get(profile_url(organisation_id)).status_code == 403
    response = browser.post(profile_url(organisation_id), {"always_needed": "Skolnedläggning"})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(OrganisationProfile)) is None


def test_anonymous_users_are_sent_to_log_in(browser, organisation_id):
    response = browser.get(profile_url(organisation_id))
    assert response.status_code == 302 and "/login" in response.location


# --- the administrators' pages --------------------------------------------------------------------


@pytest.fixture
def admin_browser(make_browser, admin):
    browser = make_browser()
    browser.login(admin)
    return browser


def form_data(**values) -> dict:
    return {
        "always_needed": "Nedläggning av en skola\nÄndrade öppettider på ungdomsmottagningar",
        "never_needed": "Rutinupphandling av kontorsmaterial",
        "policy_title_1": "Riktlinje för barnkonsekvensanalys",
        "policy_url_1": POLICY_URL,
        "competences": ["child_rights", "legal"],
        "competences_note": "Ett ungdomsråd läser utkastet.",
    } | values


def test_the_organisations_page_links_to_each_profile(admin_browser, organisation_id):
    page = admin_browser.get("/admin/organisations").get_data(as_text=True)
    assert f'href="{profile_url(organisation_id)}"' in page
    assert "Lägg till en profil" in page


def test_the_profile_page_has_legends_choices_and_no_state_change_on_get(
    app, admin_browser, organisation_id
):
    response = admin_browser.get(profile_url(organisation_id))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for legend in ("När en BKA behövs", "Lokala styrdokument och vägledning", "Arbetsgruppen"):
        assert legend in page
    assert "Styrdokument eller vägledning 3" in page  # empty rows to fill in
    assert 'id="policy_url_1" name="policy_url_1" type="url"' in page
    assert 'aria-current="page">Organisationer' in page
    assert 'name="csrf_token"' in page
    for key in scale_keys(app):
        assert f'value="{key}"' in page
    assert "Organisationen har ingen profil än." in page
    with app.app_context():
        assert db.session.scalar(select(OrganisationProfile)) is None


def test_saving_the_form_stores_and_shows_the_profile(app, admin_browser, organisation_id):
    response = admin_browser.post(profile_url(organisation_id), form_data())
    assert response.status_code == 302
    assert response.location.endswith(profile_url(organisation_id))
    page = admin_browser.get(profile_url(organisation_id)).get_data(as_text=True)
    assert "Profilen för Region Exempel sparades." in page
    assert "Senast ändrad av Anna Administratör" in page
    assert POLICY_URL in page and "Ändrade öppettider på ungdomsmottagningar" in page
    assert "Styrdokument eller vägledning 4" in page  # the saved one and three empty rows
    with app.app_context():
        profile = db.session.scalar(select(OrganisationProfile))
        assert profile.always_needed == [
            "Nedläggning av en skola",
            "Ändrade öppettider på ungdomsmottagningar",
        ]
        assert profile.policies == [
            {"title": "Riktlinje för barnkonsekvensanalys", "url": POLICY_URL}
        ]
        assert profile.competences == ["child_rights", "legal"]
        [event] = audit_events()
        assert event.actor_id is not None and event.details["created"] is True
    # Emptying a policy's row removes it.
    admin_browser.post(profile_url(organisation_id), form_data(policy_title_1="", policy_url_1=""))
    with app.app_context():
        assert db.session.scalar(select(OrganisationProfile)).policies == []


def test_an_unknown_organisation_is_404(admin_browser):
    assert admin_browser.get(profile_url(999_999)).status_code == 404


INVALID = [
    (
        {"policy_url_1": "javascript:alert(1)"},
        "policy_url_1",
        "Styrdokument 1: Ange en fullständig adress som börjar med https:// eller http://",
        "Policy 1: Enter a complete address that starts with https:// or http://",
    ),
    (
        {"policy_title_2": "Rutin utan adress"},
        "policy_url_2",
        "Ange adressen till styrdokument 2.",
        "Enter the address of policy 2.",
    ),
    (
        {"policy_title_1": ""},
        "policy_title_1",
        "Ange titeln på styrdokument 1.",
        "Enter the title of policy 1.",
    ),
    (
        {"policy_title_1": "T" * 201},
        "policy_title_1",
        "Titeln på styrdokument 1 får vara högst 200 tecken.",
        "The title of policy 1 must be 200 characters or fewer.",
    ),
    (
        {"always_needed": "Kort rad\n" + "x" * 201},
        "always_needed",
        "Rad 2 är längre än 200 tecken: korta den.",
        "Line 2 is longer than 200 characters: shorten it.",
    ),
    (
        {"never_needed": "Nedläggning av en skola"},  # also among those always needed
        "never_needed",
        "kan inte både alltid och aldrig kräva en BKA",
        "cannot both always and never need a BKA",
    ),
    (
        {"competences": ["child_rights", "astrology"]},
        "competences",
        "Välj ett av alternativen",
        "Choose one of the options",
    ),
    (
        {"competences_note": "x" * 2001},
        "competences_note",
        "2000 tecken",
        "2000 characters",
    ),
]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    ("values", "field", "swedish", "english"), INVALID, ids=[case[1] for case in INVALID]
)
def test_invalid_input_is_refused_in_both_languages_and_kept(
    app, make_user, make_browser, organisation_id, language, values, field, swedish, english
):
    browser = make_browser()
    browser.login(make_user(role="admin", locale=language))
    response = browser.post(profile_url(organisation_id), form_data(**values))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error-summary"' in page
    assert f'href="#{field}' in page  # the summary links to the field
    assert (swedish if language == "sv" else english) in page
    assert (
        page.startswith("<!") and ("<title>Fel:" if language == "sv" else "<title>Error:") in page
    )
    # What was typed is still there.
    for name, value in values.items():
        if isinstance(value, str) and value:
            first_line = value.splitlines()[0]
            assert first_line[:100] in page, name
    with app.app_context():
        assert db.session.scalar(select(OrganisationProfile)) is None
        assert audit_events() == []


def test_a_lost_session_token_saves_nothing(app, admin_browser, organisation_id):
    response = admin_browser.post(profile_url(organisation_id), form_data(), csrf=False)
    assert response.status_code == 400
    assert "Sessionen hade gått ut, så inget sparades." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(OrganisationProfile)) is None


FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "\u202eevil\u202c",
        "😀" * 500,
        "x" * 25_000,
        "javascript:alert(1)",
        "<script>alert(1)</script>",
        "%(name)s %s {0}",
        "https://",
        "http://[::1",
        "https://example.se:99999999999/",
        " ",
        "",
    ]
)
VALUE = st.one_of(
    NASTY, st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
)
FIELDS = (
    "always_needed",
    "never_needed",
    "competences",
    "competences_note",
    "policy_title_1",
    "policy_url_1",
    "policy_title_2",
    "policy_url_2",
    "policy_title_20",
    "policy_url_999",
)


def test_the_profile_form_never_fails(app, admin_browser, organisation_id):
    token = admin_browser.token()

    @FUZZ
    @given(st.fixed_dictionaries(dict.fromkeys(FIELDS, VALUE)))
    def post(values):
        response = admin_browser.post(profile_url(organisation_id), {**values, "csrf_token": token})
        assert response.status_code in (302, 400), response.status_code

    post()


# --- the screening step ---------------------------------------------------------------------------


def screening_url(analysis_id: int) -> str:
    return f"/analyses/{analysis_id}/steps/screening"


def panel(page: str) -> str:
    match = re.search(r'<section class="panel" id="organisation-guidance".*?</section>', page, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def team(app, make_user, make_analysis, add_member, admin, organisation_id):
    """An analysis of the profiled organisation with every kind of user."""
    users = {role: make_user() for role in ("owner", "editor", "viewer", "other")}
    users["reviewer"] = make_user(role="reviewer")
    users["admin"] = admin
    analysis_id = make_analysis(users["owner"])
    add_member(analysis_id, users["editor"], "editor")
    add_member(analysis_id, users["viewer"], "viewer")
    give_profile(app, organisation_id, admin, **FULL_PROFILE)
    with app.test_request_context():
        factories.answer(analysis_id, "screening", {"team_competences": ["legal", "frontline"]})
        db.session.commit()
    return analysis_id, users


@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "admin"])
def test_everyone_who_may_see_the_analysis_sees_the_guidance(make_browser, team, role):
    analysis_id, users = team
    browser = make_browser()
    browser.login(users[role])
    response = browser.get(screening_url(analysis_id))
    assert response.status_code == 200
    shown = panel(response.get_data(as_text=True))
    assert "Din organisations vägledning" in shown
    assert "Nedläggning av en skola" in shown and "Rutinupphandling av kontorsmaterial" in shown
    assert f'<a href="{POLICY_URL}" rel="noopener noreferrer">' in shown
    assert "Ett ungdomsråd läser utkastet." in shown
    # Child-rights expertise is required and not ticked; legal expertise is ticked.
    missing = re.findall(r"<li>([^<]*) <span class=\"tag tag-changes_requested\">", shown)
    assert [item.strip() for item in missing] == ["Barnrättskompetens, t.ex. en barnrättsstrateg"]
    assert "Juridisk kompetens" in shown


@pytest.mark.parametrize("role", ["other", "reviewer"])
def test_users_outside_the_analysis_see_nothing_of_it(make_browser, team, role):
    analysis_id, users = team
    browser = make_browser()
    browser.login(users[role])
    assert browser.get(screening_url(analysis_id)).status_code == 404


def test_the_missing_competences_are_shown_beside_the_question(make_browser, team):
    analysis_id, users = team
    browser = make_browser()
    browser.login(users["editor"])
    page = browser.get(screening_url(analysis_id)).get_data(as_text=True)
    hint = re.search(
        r'<div class="panel panel-warning" id="required-competences">.*?</div>', page, re.S
    )
    assert hint, "no hint beside the team-competences question"
    assert "Barnrättskompetens" in hint.group(0) and "Juridisk kompetens" not in hint.group(0)
    # The hint stands just before the question it is about.
    assert page.index('id="required-competences"') < page.index('id="team_competences-field"')
    assert page.index('id="required-competences"') > page.index('id="owner_and_team-field"')


def test_ticking_every_required_competence_clears_the_hint(app, make_browser, team):
    analysis_id, users = team
    with app.test_request_context():
        factories.answer(analysis_id, "screening", {"team_competences": ["child_rights", "legal"]})
        db.session.commit()
    browser = make_browser()
    browser.login(users["editor"])
    page = browser.get(screening_url(analysis_id)).get_data(as_text=True)
    assert "tag-changes_requested" not in panel(page)
    assert 'id="required-competences"' in page
    assert "Arbetsgruppen har alla kompetenser som Region Exempel efterfrågar." in page


def test_the_guidance_is_in_english_for_english_users(app, make_user, make_browser, team):
    analysis_id, _users = team
    reader = make_user(locale="en")
    with app.test_request_context():
        factories.member(analysis_id, db.session.get(User, reader.id), "viewer")
        db.session.commit()
    browser = make_browser()
    browser.login(reader)
    shown = panel(browser.get(screening_url(analysis_id)).get_data(as_text=True))
    assert "Your organisation's guidance" in shown
    assert "Missing: not ticked in the working group" in shown
    assert "Child-rights expertise" in shown


def test_other_steps_do_not_show_the_guidance(make_browser, team):
    analysis_id, users = team
    browser = make_browser()
    browser.login(users["owner"])
    page = browser.get(f"/analyses/{analysis_id}/steps/decision").get_data(as_text=True)
    assert 'id="organisation-guidance"' not in page


def test_without_a_profile_nothing_is_shown(make_user, make_browser, make_analysis):
    owner = make_user()
    analysis_id = make_analysis(owner, organisation="Kommun utan profil")
    browser = make_browser()
    browser.login(owner)
    page = browser.get(screening_url(analysis_id)).get_data(as_text=True)
    assert "Din organisations vägledning" not in page
    assert 'id="organisation-guidance"' not in page and 'id="required-competences"' not in page


def test_an_empty_profile_shows_nothing(app, make_browser, team, admin, organisation_id):
    analysis_id, users = team
    give_profile(app, organisation_id, admin)  # every field emptied
    browser = make_browser()
    browser.login(users["owner"])
    page = browser.get(screening_url(analysis_id)).get_data(as_text=True)
    assert 'id="organisation-guidance"' not in page and 'id="required-competences"' not in page


# --- the demo and the migration -------------------------------------------------------------------


def test_the_demo_profiles_the_main_organisation(app):
    from bka.demo import ANALYSES
    from bka.demo.organisations import read_organisations

    main = ANALYSES[0]["organisation"]
    [spec] = read_organisations()
    assert spec["name"] == main  # the exact string the demo's analyses give
    for _ in range(2):  # idempotent
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    with app.test_request_context():
        [profile] = db.session.scalars(select(OrganisationProfile)).all()
        assert profile.organisation.name == main
        assert profile.updated_by.email == "admin@example.se"
        assert profile.always_needed and profile.never_needed and profile.competences
        assert all(url.startswith("https://") for url in (p["url"] for p in profile.policies))
        assert any("fiktivt exempel" in p["title"] for p in profile.policies)
        assert "Fiktivt exempel" in profile.competences_note
        assert len(audit_events()) == 1  # the second run changed nothing
        analysis = db.session.scalar(select(Analysis).where(Analysis.title == ANALYSES[0]["title"]))
        guidance = profiles.guidance_for(analysis, {}, "sv", (library(app).method,))
        assert guidance is not None and guidance.organisation == main


def test_migration_0020_adds_the_table_and_keeps_the_organisations(tmp_path):
    from flask_migrate import downgrade, upgrade

    from bka import create_app

    migrated = create_app(
        {
            "BKA_CONFIG_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
        }
    )
    with migrated.app_context():
        upgrade(revision="0020")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisation (id, name, created_at) "
                    "VALUES (1, 'Region Exempel', '2024-06-01 10:00:00.000000')"
                )
            )
        assert "organisation_profile" not in inspect(db.engine).get_table_names()
        upgrade(revision="0021")
        assert "organisation_profile" in inspect(db.engine).get_table_names()
        columns = {c["name"] for c in inspect(db.engine).get_columns("organisation_profile")}
        assert {"organisation_id", "always_needed", "policies", "competences"} <= columns
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT name FROM organisation")).scalar() == (
                "Region Exempel"
            )
        downgrade(revision="-1")
        assert "organisation_profile" not in inspect(db.engine).get_table_names()
        db.engine.dispose()

"""The administrators' area through HTTP: the pages, exports with formula escaping, the yearly
barnbokslut PDF, user administration (disabling ends sessions) and the index-use of the overview."""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import date

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import event, text

from bka.domain import accounts, administration, overview
from bka.extensions import db
from bka.models import Analysis, User
from bka.web.exports import escape_cell

HOSTILE_TITLES = (
    '=HYPERLINK("http://evil")',
    "+1+2",
    "-3",
    "@SUM(A1)",
    "\tTab",
    "Vanlig & <b>fet</b>",
)


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", name="Anna Administratör")


@pytest.fixture
def admin_browser(make_browser, admin):
    browser = make_browser()
    browser.login(admin)
    return browser


@pytest.fixture
def hostile(app, make_user, make_analysis):
    owner = make_user()
    ids = [
        make_analysis(owner, title=title, organisation="Region Östergötland & Co")
        for title in HOSTILE_TITLES
    ]
    return ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+46 31 123", "'+46 31 123"),
        ("-minus", "'-minus"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Region Västra Götaland", "Region Västra Götaland"),
        (42, 42),
        (None, ""),
    ],
)
def test_escape_cell(value, expected):
    assert escape_cell(value) == expected


def test_csv_export_escapes_formulas_and_keeps_swedish(admin_browser, hostile):
    response = admin_browser.get("/admin/export/analyses.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    body = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    titles = {row[1] for row in rows[1:]}
    assert '\'=HYPERLINK("http://evil")' in titles
    assert {"'+1+2", "'-3", "'@SUM(A1)", "'\tTab", "Vanlig & <b>fet</b>"} <= titles
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert rows[1][3] == "Region Östergötland & Co"


def test_xlsx_exports_are_text_not_formulas(admin_browser, hostile):
    response = admin_browser.get(
        "/admin/export/analyses.xlsx?organisation=Region+Östergötland+%26+Co"
    )
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert '\'=HYPERLINK("http://evil")' in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.max_row == len(HOSTILE_TITLES) + 1
    aggregates = openpyxl.load_workbook(
        io.BytesIO(admin_browser.get("/admin/export/aggregates.xlsx").data)
    )
    by_status = aggregates.worksheets[0]
    assert [cell.value for cell in by_status[2]] == ["Utkast", len(HOSTILE_TITLES)]
    csv_aggregates = admin_browser.get("/admin/export/aggregates.csv").data.decode("utf-8-sig")
    assert "Analyser per status;Utkast;6" in csv_aggregates


def test_unknown_export_is_404(admin_browser):
    assert admin_browser.get("/admin/export/analyses.pdf").status_code == 404
    assert admin_browser.get("/admin/export/secrets.csv").status_code == 404


ÖSTERGÖTLAND = "Region-%C3%96sterg%C3%B6tland-Co"  # "Region Östergötland & Co", percent-encoded


def assert_attachment(response, utf8_name: str, ascii_name: str, mimetype: str) -> None:
    """An attachment whose name keeps å, ä and ö (RFC 6266 filename*), never cached."""
    assert response.status_code == 200
    assert response.headers["Content-Type"] == mimetype
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{utf8_name}" in disposition
    assert f"filename={ascii_name}" in disposition  # the ASCII fallback for old clients
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("what", "fmt", "mimetype"),
    [
        ("analyses", "csv", "text/csv; charset=utf-8"),
        ("analyses", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("aggregates", "csv", "text/csv; charset=utf-8"),
        ("aggregates", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_export_file_names_keep_swedish_letters(admin_browser, hostile, what, fmt, mimetype):
    today = date.today().isoformat()
    response = admin_browser.get(
        f"/admin/export/{what}.{fmt}?organisation=Region+Östergötland+%26+Co"
    )
    assert_attachment(
        response,
        f"bka-{what}-{ÖSTERGÖTLAND}-{today}.{fmt}",
        f"bka-{what}-Region-Ostergotland-Co-{today}.{fmt}",
        mimetype,
    )
    unfiltered = admin_browser.get(f"/admin/export/{what}.{fmt}")
    assert unfiltered.headers["Content-Disposition"] == (
        f"attachment; filename=bka-{what}-{today}.{fmt}"
    )


def test_overview_page_shows_figures_charts_and_tables(admin_browser, hostile):
    page = admin_browser.get("/admin/").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    assert "Analyser per status" in page
    assert "Region Östergötland &amp; Co" in page
    assert "<b>fet</b>" not in page  # user text is escaped
    english = admin_browser.get("/admin/", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_invalid_filter_is_reported_and_ignored(admin_browser, hostile):
    response = admin_browser.get("/admin/?year=tjugohundra&status=nonsense")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Fel:" in page
    assert 'id="error-summary"' in page
    assert 'value="tjugohundra"' in page  # the input is kept


def test_list_pages_link_forward_and_back(admin_browser, app, make_user, make_analysis):
    owner = make_user()
    for number in range(overview.PAGE_SIZE + 5):
        make_analysis(owner, title=f"Analys {number:03d}")
    first = admin_browser.get("/admin/analyses").get_data(as_text=True)
    assert first.count("/analyses/") >= overview.PAGE_SIZE
    older = re.search(r'href="([^"]*after=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = admin_browser.get(older).get_data(as_text=True)
    assert "Analys 000" in second and "Analys 054" not in second
    assert 'rel="prev"' in second
    searched = admin_browser.get("/admin/analyses?q=ANALYS+054").get_data(as_text=True)
    assert "Analys 054" in searched and "Analys 053" not in searched
    assert admin_browser.get("/admin/analyses?after=not-a-cursor").status_code == 200


def test_barnbokslut_pdf_in_both_languages(admin_browser, hostile, app):
    with app.app_context():
        year = db.session.get(Analysis, hostile[0]).year
    swedish = admin_browser.get(f"/admin/barnbokslut?year={year}&lang=sv")
    assert swedish.status_code == 200 and swedish.mimetype == "application/pdf"
    text_sv = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(swedish.data)).pages)
    assert f"Barnbokslut {year}" in text_sv
    assert "Alla organisationer" in text_sv
    assert "Analyser per status" in text_sv
    assert "Region Östergötland & Co" in text_sv
    english = admin_browser.get(
        f"/admin/barnbokslut?year={year}&lang=en&organisation=Region+Östergötland+%26+Co"
    )
    text_en = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(english.data)).pages)
    assert "Analyses by status" in text_en and "Region Östergötland & Co" in text_en
    assert "Page 1 of" in text_en
    assert_attachment(
        english,
        f"barnbokslut-{year}-{ÖSTERGÖTLAND}-en.pdf",
        f"barnbokslut-{year}-Region-Ostergotland-Co-en.pdf",
        "application/pdf",
    )
    assert swedish.headers["Content-Disposition"] == (
        f"attachment; filename=barnbokslut-{year}-alla-sv.pdf"
    )
    invalid = admin_browser.get("/admin/barnbokslut?year=abc&lang=xx")
    assert invalid.status_code == 400
    assert "<title>Fel:" in invalid.get_data(as_text=True)


def test_disabling_a_user_ends_their_sessions(app, admin_browser, make_browser, make_user):
    member = make_user()
    session = make_browser()
    session.login(member)
    assert session.get("/").status_code == 200
    response = admin_browser.post(
        f"/admin/users/{member.id}",
        {"name": member.name, "email": member.email, "role": "reviewer"},  # active unticked
    )
    assert response.status_code == 302
    assert session.get("/").status_code == 302  # the old session no longer loads anyone
    with app.app_context():
        stored = db.session.get(User, member.id)
        assert not stored.active and stored.role == "reviewer"
        events = db.session.execute(
            text("SELECT details FROM audit_event WHERE action = 'user_updated'")
        ).all()
    assert events


def test_administrators_cannot_lock_themselves_out(admin_browser, admin):
    response = admin_browser.post(
        f"/admin/users/{admin.id}",
        {"name": admin.name, "email": admin.email, "role": "member", "active": "y"},
    )
    assert response.status_code == 400
    assert "Du kan inte ändra din egen roll" in response.get_data(as_text=True)


def test_create_user_and_organisation(admin_browser, app):
    assert (
        admin_browser.post(
            "/admin/organisations", {"name": "Region Jämtland Härjedalen"}
        ).status_code
        == 302
    )
    duplicate = admin_browser.post("/admin/organisations", {"name": "region jämtland härjedalen"})
    assert duplicate.status_code == 400
    with app.app_context():
        organisation_id = db.session.execute(text("SELECT id FROM organisation")).scalar()
    response = admin_browser.post(
        "/admin/users/new",
        {
            "name": "Åsa Öberg",
            "email": "asa@example.se",
            "password": "ett långt lösenord",
            "role": "reviewer",
            "organisation": str(organisation_id),
            "active": "y",
        },
    )
    assert response.status_code == 302
    users = admin_browser.get("/admin/users").get_data(as_text=True)
    assert "Åsa Öberg" in users and "Region Jämtland Härjedalen" in users
    short = admin_browser.post(
        "/admin/users/new",
        {"name": "X", "email": "x@example.se", "password": "kort", "role": "member"},
    )
    assert short.status_code == 400 and 'value="X"' in short.get_data(as_text=True)


def test_user_search_takes_percent_and_underscore_literally(admin_browser, make_user):
    make_user(name="Rabatt 100% Persson")
    make_user(name="Rabatt 1000 Persson")
    make_user(name="Ulla_Understreck")
    make_user(name="UllaXUnderstreck")

    def found(search):
        page = admin_browser.get("/admin/users", query_string={"q": search})
        assert page.status_code == 200
        return set(
            re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', page.get_data(as_text=True))
        )

    assert found("%") == {"Rabatt 100% Persson"}
    assert found("_") == {"Ulla_Understreck"}
    assert found("0% p") == {"Rabatt 100% Persson"}
    assert found("a_u") == {"Ulla_Understreck"}
    assert found("rabatt") == {"Rabatt 100% Persson", "Rabatt 1000 Persson"}
    assert found("") >= {"Ulla_Understreck", "UllaXUnderstreck", "Anna Administratör"}


def test_new_and_edit_user_share_one_form_and_one_path(admin_browser, app, make_user):
    member = make_user(name="Bo Berg")
    edit = admin_browser.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert 'value="Bo Berg"' in edit and 'name="password"' not in edit
    new = admin_browser.get("/admin/users/new").get_data(as_text=True)
    assert 'name="password"' in new
    taken = admin_browser.post(
        "/admin/users/new",
        {"name": "Ny", "email": member.email, "password": "ett långt lösenord", "role": "member"},
    )
    assert taken.status_code == 400
    assert "Det finns redan en användare med den e-postadressen" in taken.get_data(as_text=True)
    other = make_user(name="Cecilia Ek")
    clash = admin_browser.post(
        f"/admin/users/{member.id}", {"name": "Bo Berg", "email": other.email, "role": "member"}
    )
    assert clash.status_code == 400
    assert "Det finns redan en användare med den e-postadressen" in clash.get_data(as_text=True)
    renamed = admin_browser.post(
        f"/admin/users/{member.id}",
        {"name": "Bo Björk", "email": member.email, "role": "member", "active": "y"},
        follow_redirects=True,
    )
    assert "Ändringarna för Bo Björk har sparats." in renamed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, member.id).name == "Bo Björk"


def test_checklist_versions_and_their_use(admin_browser, make_user, make_analysis):
    owner = make_user()
    make_analysis(owner)
    make_analysis(owner, area="education")
    page = admin_browser.get("/admin/checklists").get_data(as_text=True)
    assert "bka-method" in page or "method" in page
    assert "Ja, det är det aktuella innehållet" in page


def test_administration_reads_plain_data(app, make_user, make_analysis):
    owner = make_user()
    make_analysis(owner, organisation="Region Exempel")
    make_analysis(owner, organisation="Region Exempel", area="education")
    with app.app_context():
        accounts.create_organisation("Kommun Ö", db.session.merge(owner))
        db.session.commit()
        listing = administration.organisation_list()
        assert [item.name for item in listing.listed] == ["Kommun Ö"]
        assert listing.unlisted == ["Region Exempel"]
        assert listing.analysis_counts == {"Region Exempel": 2}
        assert administration.organisation_names() == ["Kommun Ö", "Region Exempel"]
        assert administration.organisation_options() == {listing.listed[0].id: "Kommun Ö"}
        revisions = administration.checklist_revisions(app.extensions["bka_library"].raw)
        by_checklist = {revision.checklist_id: revision for revision in revisions}
        assert all(revision.current for revision in revisions)
        assert sum(revision.analyses for revision in revisions) == 2 * 3  # method, CRC, pack
        assert max(revision.analyses for revision in by_checklist.values()) == 2
        assert administration.checklist_revisions({}) and not any(
            revision.current for revision in administration.checklist_revisions({})
        )


@pytest.mark.skipif(
    "postgresql" in (os.environ.get("TEST_DATABASE_URL") or ""),
    reason="EXPLAIN QUERY PLAN is SQLite's",
)
def test_overview_queries_use_indexes(app, hostile):
    """Every query of the overview and the list seeks an index instead of scanning a table."""
    captured = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            for filters in (
                overview.Filters(),
                overview.Filters(year=2025),
                overview.Filters(organisation="Region Östergötland & Co", status="draft"),
                overview.Filters(decision_area="digital", search="hyperlink"),
            ):
                overview.build(db.session, filters, date.today())
                page = overview.list_page(db.session, filters, size=2)
                overview.list_page(db.session, filters, after=page.next, size=2)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        assert len(captured) >= 12
        for statement, parameters in captured:
            plan = db.session.connection().exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters
            )
            details = [row[-1] for row in plan]
            scans = [line for line in details if line.startswith("SCAN") and "INDEX" not in line]
            assert not scans, f"{statement}\n{details}"


@pytest.mark.parametrize("url", ["/admin/", "/admin/analyses", "/admin/users/new"])
def test_admin_pages_have_unique_ids(admin_browser, hostile, url):
    ids = re.findall(r'\sid="([^"]+)"', admin_browser.get(url).get_data(as_text=True))
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})

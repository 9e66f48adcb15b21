"""No lost updates: two people saving the same step get one conflict and lose no text."""

import re

from bka.extensions import db
from bka.models import StepAnswer

BASE_VERSION = re.compile(r'id="base_version" name="base_version" type="hidden" value="(\d+)"')


def base_version(page: str) -> str:
    return BASE_VERSION.search(page).group(1)


def stored(app, analysis_id):
    with app.app_context():
        row = db.session.scalar(db.select(StepAnswer).where(StepAnswer.analysis_id == analysis_id))
        return row.answers if row else {}


def test_two_concurrent_saves_give_one_conflict_and_no_lost_text(
    app, make_user, make_analysis, make_browser, add_member
):
    owner = make_user(name="Tove Ägare")
    editor = make_user(name="Erik Redigerare")
    analysis_id = make_analysis(owner)
    add_member(analysis_id, editor, "editor")
    first, second = make_browser(), make_browser()
    first.login(owner)
    second.login(editor)
    url = f"/analyses/{analysis_id}/steps/decision"
    # Both open the step before either saves.
    first_version = base_version(first.get(url).get_data(as_text=True))
    second_version = base_version(second.get(url).get_data(as_text=True))
    assert first_version == second_version == "0"

    saved = first.post(
        url,
        {"proposal": "Toves text om förslaget", "save_later": "1", "base_version": first_version},
    )
    assert saved.status_code == 302
    clash = second.post(
        url,
        {
            "proposal": "Eriks text om förslaget",
            "objectives": "Eriks mål",
            "save_later": "1",
            "base_version": second_version,
        },
    )
    page = clash.get_data(as_text=True)
    assert clash.status_code == 409
    assert "Någon annan sparade det här steget medan du arbetade med det" in page
    assert "Tove Ägare" in page
    assert "Toves text om förslaget" in page  # their version, shown
    assert "Eriks text om förslaget" in page and "Eriks mål" in page  # his input, kept
    assert stored(app, analysis_id) == {"proposal": "Toves text om förslaget"}  # not overwritten

    # He chooses his version: the form now carries the newer base, so saving replaces theirs.
    resubmit = second.post(
        url,
        {
            "proposal": "Eriks text om förslaget",
            "objectives": "Eriks mål",
            "save_later": "1",
            "base_version": base_version(page),
        },
    )
    assert resubmit.status_code == 302
    assert stored(app, analysis_id) == {
        "proposal": "Eriks text om förslaget",
        "objectives": "Eriks mål",
    }


def test_a_stale_form_after_two_saves_is_also_caught(app, make_user, make_analysis, browser):
    owner = make_user()
    analysis_id = make_analysis(owner)
    browser.login(owner)
    url = f"/analyses/{analysis_id}/steps/feedback"
    old = base_version(browser.get(url).get_data(as_text=True))
    browser.post(url, {"feedback_plan": "Första", "save_later": "1", "base_version": old})
    newer = base_version(browser.get(url).get_data(as_text=True))
    browser.post(url, {"feedback_plan": "Andra", "save_later": "1", "base_version": newer})
    stale = browser.post(
        url, {"feedback_plan": "Från en gammal flik", "save_later": "1", "base_version": newer}
    )
    assert stale.status_code == 409
    assert stored(app, analysis_id) == {"feedback_plan": "Andra"}


def test_an_incomplete_save_does_not_conflict_with_itself(app, make_user, make_analysis, browser):
    owner = make_user()
    analysis_id = make_analysis(owner)
    browser.login(owner)
    url = f"/analyses/{analysis_id}/steps/decision"
    page = browser.post(
        url, {"proposal": "Förslag", "mark_completed": "y", "save_later": "1", "base_version": "0"}
    ).get_data(as_text=True)
    assert base_version(page) == "1"  # the draft was saved; the form now builds on it
    finished = browser.post(
        url,
        {
            "proposal": "Förslag",
            "objectives": "Mål",
            "zero_option": "Inget byte",
            "decision_body": "Regionstyrelsen",
            "mark_completed": "y",
            "save_later": "1",
            "base_version": base_version(page),
        },
    )
    assert finished.status_code == 302

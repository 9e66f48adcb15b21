"""LIKE search takes the user's text literally: % and _ match only themselves."""

import pytest

from bka.domain import analyses as ops
from bka.domain.search import LIKE_ESCAPE, like_pattern
from bka.extensions import db
from bka.models import Analysis


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("skola", "%skola%"),
        ("100%", "%100\\%%"),
        ("a_b", "%a\\_b%"),
        ("c:\\temp", "%c:\\\\temp%"),
        ("", "%%"),
    ],
)
def test_like_pattern_escapes_wildcards_and_the_escape_character(text, pattern):
    assert like_pattern(text) == pattern
    assert LIKE_ESCAPE == "\\"


def test_member_search_of_analyses_takes_wildcards_literally(app, make_user, make_analysis):
    owner = make_user()
    make_analysis(owner, title="Rabatt 100% på busskort")
    make_analysis(owner, title="Rabatt 1000 på busskort")
    make_analysis(owner, title="snake_case i diariet")
    make_analysis(owner, title="snakeXcase i diariet")
    with app.app_context():
        user = db.session.merge(owner)

        def titles(search):
            return sorted(a.title for a in db.session.scalars(ops.analyses_for(user, search)))

        assert titles("100%") == ["Rabatt 100% på busskort"]
        assert titles("e_c") == ["snake_case i diariet"]
        assert titles("%") == ["Rabatt 100% på busskort"]
        assert len(titles("rabatt")) == 2
        assert db.session.query(Analysis).count() == 4

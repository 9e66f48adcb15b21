"""Free-text search with LIKE: the user's text is matched literally, wildcards included."""

from __future__ import annotations

LIKE_ESCAPE = "\\"


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere in a value, with %, _ and the escape character
    taken literally. Use it with `escape=LIKE_ESCAPE`:

        column.like(like_pattern(text), escape=LIKE_ESCAPE)
    """
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"

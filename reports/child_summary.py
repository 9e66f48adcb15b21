"""The child summary: what was decided and what children said, in plain language and large
type, for the feedback to the children who took part."""

from __future__ import annotations

from reports.building import Gettext, Heading, Para, Styles, build, markup
from reports.data import ReportData


def render_child_summary(data: ReportData, gettext: Gettext) -> bytes:
    """A short, plain-language summary in large type, for the feedback to children."""
    styles = Styles(base=15)
    subject = gettext("What we decided, and what you told us")
    story: list = [
        Para(markup(subject), styles.purpose),
        Para(markup(data.title), styles.h1),
    ]
    if data.child_friendly_summary:
        story.append(Heading(gettext("What was decided"), styles.h2, 0, "decided"))
        story.append(Para(markup(data.child_friendly_summary), styles.body))
    views = [c for c in data.consultations if c.views or c.influence]
    if views:
        story.append(Heading(gettext("What children told us"), styles.h2, 0, "views"))
        for item in views:
            if item.views:
                story.append(Para(markup(item.views), styles.body))
            if item.influence:
                story.append(
                    Para(
                        f"<b>{markup(gettext('What we changed'))}:</b> {markup(item.influence)}",
                        styles.body,
                    )
                )
    story.append(Heading(gettext("What happens next"), styles.h2, 0, "next"))
    story.append(
        Para(
            markup(
                gettext(
                    "We will check how the decision works for children and tell you what we find."
                )
            ),
            styles.body,
        )
    )
    if data.complaint_routes:
        story.append(
            Heading(gettext("If you want to say something or complain"), styles.h2, 0, "complain")
        )
        story.append(Para(markup(data.complaint_routes), styles.body))
    return build(story, data, gettext, subject)

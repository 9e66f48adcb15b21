"""The child summary: what was decided (before the decision: what is proposed), what children
said and what has happened since, in plain language and large type, for the feedback to the
children who took part."""

from __future__ import annotations

from reports.building import Gettext, Heading, Para, Styles, build, long_date, markup
from reports.data import DecisionBlock, ReportData


def _what_was_decided(block: DecisionBlock, locale: str, gettext: Gettext) -> str:
    """The decision's outcome in words a child understands."""
    values = {"body": block.decision_body, "date": long_date(block.decided_on, locale)}
    if block.outcome == "adopted":
        return gettext("On %(date)s, %(body)s said yes to the proposal.") % values
    if block.outcome == "adopted_with_changes":
        return (
            gettext("On %(date)s, %(body)s said yes to the proposal, with some changes.") % values
        )
    if block.outcome == "rejected":
        return gettext("On %(date)s, %(body)s said no to the proposal.") % values
    if block.outcome == "referred_back":
        return (
            gettext(
                "On %(date)s, %(body)s asked for the proposal to be looked at again before "
                "they decide. We are working on it, and we will tell you what happens."
            )
            % values
        )
    return (
        gettext(
            "On %(date)s, %(body)s chose to wait and decide at a later meeting. Nothing has "
            "been decided yet."
        )
        % values
    )


# The shortest word the child summary hyphenates: "någ-ra" is harder to read than a short line.
CHILD_HYPHENATE_FROM = 12


def render_child_summary(data: ReportData, gettext: Gettext) -> bytes:
    """A short, plain-language summary in large type, for the feedback to children."""
    # Easy to read: short words are never hyphenated, only long ones that would not fit.
    styles = Styles(base=15, language=data.locale, hyphenate_from=CHILD_HYPHENATE_FROM)
    # Before the decision nothing is decided: the summary then tells what is proposed.
    decided = data.decision is not None
    if decided:
        subject = gettext("What we decided, and what you told us")
    else:
        subject = gettext("What we propose, and what you told us")
    story: list = [
        Para(markup(subject), styles.purpose),
        Para(markup(data.title), styles.h1),
    ]
    if data.child_friendly_summary or decided:
        heading = gettext("What was decided") if decided else gettext("What we propose")
        story.append(Heading(heading, styles.h2, 0, "decided"))
    if data.decision:
        story.append(
            Para(markup(_what_was_decided(data.decision, data.locale, gettext)), styles.body)
        )
    if data.child_friendly_summary:
        story.append(Para(markup(data.child_friendly_summary), styles.body))
    views = [c for c in data.consultations if c.views or c.influence]
    if views:
        story.append(Heading(gettext("What children told us"), styles.h2, 0, "views"))
        changed = gettext("What we changed")
        for item in views:
            if item.views:
                story.append(Para(markup(item.views), styles.body))
            if item.influence:
                story.append(
                    Para(
                        f"<b>{markup(changed)}:</b> {markup(item.influence)}",
                        styles.body,
                    )
                )
    if data.follow_up.child_feedback:
        story.append(Heading(gettext("What has happened since"), styles.h2, 0, "since"))
        for item in data.follow_up.child_feedback:
            when = long_date(item.given_on, data.locale)
            story.append(Para(f"<b>{markup(when)}</b> – {markup(item.channel)}", styles.question))
            story.append(Para(markup(item.message), styles.body))
    story.append(Heading(gettext("What happens next"), styles.h2, 0, "next"))
    if decided:
        next_step = gettext(
            "We will check how the decision works for children and tell you what we find."
        )
    else:
        next_step = gettext(
            "Nothing has been decided yet. When it has, we will tell you what was decided, "
            "and then check how it works for children."
        )
    story.append(Para(markup(next_step), styles.body))
    if data.complaint_routes:
        story.append(
            Heading(gettext("If you want to say something or complain"), styles.h2, 0, "complain")
        )
        story.append(Para(markup(data.complaint_routes), styles.body))
    return build(story, data, gettext, subject)

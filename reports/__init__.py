"""PDF rendering for bka, kept free of Flask and of the bka package.

It takes a plain `ReportData` and a gettext function for the report's language and returns PDF
bytes; the ruff configuration in this folder forbids importing Flask or bka here.
"""

from reports.analysis import render_analysis_report
from reports.barnbokslut import render_barnbokslut
from reports.child_summary import render_child_summary
from reports.data import BarnbokslutData, ReportData
from reports.follow_up import render_follow_up_report

RENDERERS = {
    "analysis": render_analysis_report,
    "follow-up": render_follow_up_report,
    "child-summary": render_child_summary,
}

__all__ = [
    "RENDERERS",
    "BarnbokslutData",
    "ReportData",
    "render_barnbokslut",
    "render_analysis_report",
    "render_child_summary",
    "render_follow_up_report",
]

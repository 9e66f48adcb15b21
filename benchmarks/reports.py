"""Benchmark: render the analysis report of the full Millennium demo analysis (about 20 pages).

Seeds a fresh SQLite database with the demo content through `bka demo` (about a minute), takes
the analysis with the most impacts (Millennium, the first one loaded), then renders the same
report repeatedly (in-process, no HTTP) and prints p50/p95. Budget (DESIGN.md §9): under 400 ms
at p95.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import migrated_app, percentiles  # noqa: E402

from bka.domain import analyses as ops  # noqa: E402
from bka.domain import reporting  # noqa: E402
from bka.extensions import db  # noqa: E402
from bka.models import Analysis, Impact  # noqa: E402
from reports import RENDERERS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = migrated_app(folder)
        seeded = app.test_cli_runner().invoke(args=["demo"])
        assert seeded.exit_code == 0, seeded.output
        with app.test_request_context():
            analysis = db.session.scalar(
                db.select(Analysis)
                .join(Impact, Impact.analysis_id == Analysis.id)
                .group_by(Analysis.id)
                .order_by(db.func.count(Impact.id).desc(), Analysis.id)
                .limit(1)
            )
            checklists = ops.checklists_for(analysis)
            data = reporting.build_report_data(
                analysis,
                checklists,
                reporting.current_content(analysis, checklists),
                "sv",
                printed_on=date(2024, 6, 20),
                signed=False,
            )
            gettext = reporting.translations("sv").gettext
            for kind, renderer in RENDERERS.items():
                pdf = renderer(data, gettext)  # warm up fonts and caches
                samples = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    renderer(data, gettext)
                    samples.append((time.perf_counter() - started) * 1000)
                p50, p95 = percentiles(samples)
                pages = len(PdfReader(io.BytesIO(pdf)).pages)
                print(
                    f"render {kind:<14} {pages:>3} pages  n={len(samples):<3} "
                    f"p50={p50:7.1f} ms  p95={p95:7.1f} ms  "
                    f"({len(pdf) // 1024} KiB)"
                )


if __name__ == "__main__":
    main()

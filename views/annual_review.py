"""The chair's annual review of all referrals: charts on a page, and the Word report.

The chair and the business unit see exact figures on the page; the Word report, which
may leave the panel, shows counts from 1 to 4 as "fewer than 5" (see
``workflow/annual_review.py`` for every definition).
"""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, abort, current_app, render_template, request, send_file
from werkzeug.wrappers import Response

from storage.models import Role
from views.access import roles_required
from views.audit import record
from workflow import annual_review as domain

bp = Blueprint("annual_review", __name__, url_prefix="/annual-review")

READERS = (Role.CHAIR, Role.SECRETARIAT)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Okabe and Ito's palette: told apart with the common colour vision deficiencies.
OUTCOME_COLOURS = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000", "#999999",
)


def _year(years: list[int]) -> int:
    chosen = request.args.get("year", "")
    if chosen.isdigit() and int(chosen) in years:
        return int(chosen)
    return domain.default_year(years, date.today(), current_app.extensions["partnership"])


@bp.get("")
@roles_required(*READERS)
def index() -> str:
    partnership = current_app.extensions["partnership"]
    years = domain.years_with_referrals(partnership)
    year = _year(years)
    review = domain.annual_review(partnership, year)
    record("view", "annual_review", year, detail={"referrals": review.total})
    return render_template(
        "annual_review/index.html",
        review=review,
        years=[(y, domain.year_label(partnership, y)) for y in sorted(set(years) | {year}, reverse=True)],
        age_bands=domain.AGE_BANDS,
        threshold=domain.SUPPRESSION_THRESHOLD,
        colours=OUTCOME_COLOURS,
        days=domain.format_days,
    )


@bp.get("/<int:year>.docx")
@roles_required(*READERS)
def report(year: int) -> Response:
    partnership = current_app.extensions["partnership"]
    if not 2000 <= year <= domain.reporting_year_of(partnership, date.today()):
        abort(404)
    review = domain.annual_review(partnership, year)
    data = domain.render_report(partnership, review, current_app.extensions["file_store"], date.today())
    record("download", "annual_review", year, detail={"referrals": review.total})
    response = send_file(
        io.BytesIO(data), mimetype=DOCX, as_attachment=True,
        download_name=f"annual-review-of-referrals-{review.label.replace(' to ', '-')}.docx", max_age=0,
    )
    response.headers["Cache-Control"] = "no-store, max-age=0"
    return response

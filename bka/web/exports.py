"""CSV and XLSX exports, safe to open in a spreadsheet, and file downloads.

A cell that starts with = + - @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice, so such cells get a leading apostrophe (OWASP's CSV injection advice).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

import xlsxwriter
from flask import Response, send_file

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    """`data` as an attachment named `filename`. Werkzeug writes the name twice: an ASCII
    fallback and `filename*=UTF-8''...`, so å, ä and ö survive. Never cached (no-store, as
    every other page), and no range requests: each download is one audited export."""
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=True,
        download_name=filename,
        conditional=False,
        etag=False,
    )
    response.cache_control.no_cache = None
    response.cache_control.no_store = True
    return response


def filename_part(text: str, max_length: int, fallback: str) -> str:
    """`text` fit for a file name: letters (å, ä and ö too) and digits, the rest one hyphen."""
    slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text)).strip("-")
    return slug[:max_length].strip("-") or fallback


def escape_cell(value: object) -> object:
    """Numbers stay numbers; text that a spreadsheet would read as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons, as Swedish Excel expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([escape_cell(cell) for cell in headers])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """One worksheet per (name, headers, rows); text is always written as text, never a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    bold = workbook.add_format({"bold": True})
    used: set[str] = set()
    for name, headers, rows in sheets:
        worksheet = workbook.add_worksheet(_sheet_name(name, used))
        for column, header in enumerate(headers):
            worksheet.write_string(0, column, str(escape_cell(header)), bold)
        for row_number, row in enumerate(rows, start=1):
            for column, cell in enumerate(row):
                value = escape_cell(cell)
                if isinstance(value, (int, float)):
                    worksheet.write_number(row_number, column, value)
                else:
                    worksheet.write_string(row_number, column, value)
        worksheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's limits: 31 characters, none of []:*?/\\, unique in the workbook."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in name).strip()[:31] or "Data"
    candidate, number = cleaned, 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate, number = cleaned[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.casefold())
    return candidate

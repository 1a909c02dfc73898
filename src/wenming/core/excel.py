"""Excel exports of lists (导出 Excel): the rows a list page shows — the same scoped selector and
filters, every page of them — as one worksheet with a title row and bold headers.

A list view answers `?format=xlsx` with `list_response(...)`; its template offers the link
with `{% export_link %}` (core/templatetags/export.py), which keeps the page's filters.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from wenming.core.errors import InvalidInput
from wenming.core.inputs import without_control_characters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# a list bigger than this is narrowed by its filters first (a district's year of demands fits)
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 14


def wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _cell_value(value):
    if isinstance(value, dt.datetime):
        # Excel has no time zones: local (Beijing) time, to the minute
        return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0)
    if value is None:
        return ""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, (int, float, dt.date)):
        return value
    return without_control_characters(str(value))


def _as_text(ws, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _row(ws, values) -> list:
    # text, never a formula: a citizen's "=HYPERLINK(…)" must not run in an official's Excel
    # (only such values need a cell object; the rest stay plain values, which are faster)
    return [_as_text(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in values]


def workbook(title: str, columns: list[Column], rows: Iterable) -> bytes:
    """One sheet: the title (and when it was made), the headers, one line per row."""
    wb = Workbook(write_only=True)
    # Excel refuses these characters in a sheet's name (the title row keeps them)
    ws = wb.create_sheet("".join("－" if ch in '/\\?*[]:' else ch for ch in title)[:31] or "Sheet")
    for i, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = col.width
    ws.append([title, f"导出时间 {timezone.localtime():%Y-%m-%d %H:%M}"])
    head = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.header)
        cell.font = Font(bold=True)
        head.append(cell)
    ws.append(head)
    count = 0
    for row in rows:
        count += 1
        if count > MAX_ROWS:
            ws.close()  # its writer holds a temporary file open: closed now, not by the garbage collector
            raise InvalidInput(f"超过 {MAX_ROWS:,} 行，请先按条件筛选后再导出。")
        ws.append(_row(ws, [_cell_value(col.value(row)) for col in columns]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def list_response(filename: str, title: str, columns: list[Column], rows: Iterable) -> HttpResponse:
    """The download of a list: `filename` is ASCII (a date is added), `title` the sheet's Chinese title."""
    content = workbook(title, columns, rows)
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response

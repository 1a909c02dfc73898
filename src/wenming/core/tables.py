"""Reading the spreadsheets offices upload (.xlsx, .csv) without letting a file decide the cost.

Every import (households, hotline work orders, volunteers, the indicator system and the
responsibility matrix) reads its file here, after the caller has checked that the actor may
import at all. The file is refused before it is opened when it is larger than
UPLOAD_MAX_BYTES, or, for .xlsx, when its parts would unpack to more than MAX_UNPACKED_BYTES
(a zip of a few hundred kilobytes can hold gigabytes of sheet). Rows are streamed: columns
stop at the header's width (openpyxl otherwise pads every row to the widest column the file
declares), and reading stops as soon as the row limit is passed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings

from wenming.core.codes import Code
from wenming.core.errors import InvalidInput, PayloadTooLarge

MAX_COLUMNS = 60                       # a header wider than this is not one of our templates
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # all parts of an .xlsx together, unpacked
TRAILING_BLANK_ROWS = 1000             # formatted empty rows after the data that are still read


@dataclass
class Table:
    header: list[str]
    rows: list[list]   # each row as wide as the header: "" for an empty cell, else str / int / float / datetime


def _refuse(message: str, code: str = "bad_file") -> InvalidInput:
    return InvalidInput(message, code=code, errors={"file": [message]})


def _value(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime | dt.date | dt.time | int | float):
        return value
    return str(value).strip()


def _blank(row: list) -> bool:
    return not any(str(v).strip() for v in row)


def _fit(row, width: int) -> list:
    row = [_value(v) for v in row[:width]]
    return row + [""] * (width - len(row))


def _csv_rows(data: bytes):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise _refuse("无法识别文件编码（应为 UTF-8 或 GBK）")
    if "\x00" in text:
        raise _refuse("文件含有空字符，无法读取")
    return csv.reader(io.StringIO(text))


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse("不是有效的 Excel（.xlsx）文件") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(f"Excel 文件解压后超过 {MAX_UNPACKED_BYTES // 1048576} MB，请删去无关的工作表和格式后再导入")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception:  # noqa: BLE001 — openpyxl raises many kinds on a broken workbook
        raise _refuse("不是有效的 Excel（.xlsx）文件") from None
    # the header first, at most MAX_COLUMNS wide; then the rows cut to the header's width
    header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True), ())
    width = len(header)
    while width and _value(header[width - 1]) == "":
        width -= 1
    yield header[:width]
    if width:
        yield from sheet.iter_rows(min_row=2, max_col=width, values_only=True)


def read_table(upload, *, max_rows: int, formats: tuple[str, ...] = (".xlsx", ".csv")) -> Table:
    """The header and the data rows (at most `max_rows`) of an uploaded .xlsx or .csv; 400 (413 when
    too large) on anything else. Blank rows keep their place, so that row numbers match the sheet's;
    blank rows after the last data row are dropped."""
    if upload is None:
        raise _refuse("请选择文件", code=Code.REQUIRED)
    limit = settings.WENMING["UPLOAD_MAX_BYTES"]
    if upload.size > limit:
        raise PayloadTooLarge("文件过大", code=Code.FILE_TOO_LARGE, errors={"file": [f"不能超过 {limit // 1048576} MB"]})
    ext = PurePath(upload.name or "").suffix.lower()
    if ext not in formats:
        raise _refuse("只支持 " + " 或 ".join(formats) + " 文件")
    upload.seek(0)
    data = upload.read()
    try:
        source = _xlsx_rows(data) if ext == ".xlsx" else _csv_rows(data)
        header_row = next(source, None)
        if header_row is None:
            raise _refuse("文件为空")
        header = [str(_value(h)) for h in header_row[:MAX_COLUMNS]]
        while header and header[-1] == "":
            header.pop()
        if not header:
            raise _refuse("文件的第一行应为表头")
        rows: list[list] = []
        for row in source:
            rows.append(_fit(list(row), len(header)))
            if len(rows) > max_rows + TRAILING_BLANK_ROWS:
                break
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 — a broken file raises many kinds (csv, zip, XML, openpyxl): all are 400
        raise _refuse("文件无法读取，请使用模板") from None
    while rows and _blank(rows[-1]):
        rows.pop()
    if len(rows) > max_rows:
        raise _refuse(f"一次最多导入 {max_rows} 行，请分批导入", code=Code.TOO_MANY_ROWS)
    return Table(header=header, rows=rows)

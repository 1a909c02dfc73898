"""Checking uploaded documents (PDF, Word .docx, Excel .xlsx): bounded size, and the bytes
must be what the name says — a renamed executable or a macro file is refused."""

import io
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile

from wenming.core.codes import Code
from wenming.core.errors import InvalidInput, PayloadTooLarge

# extension → the zip member that only that Office format has
_OOXML_MARKER = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ALLOWED_EXTENSIONS = ("pdf", "docx", "xlsx")


def clean_document(upload, *, field: str = "documents") -> ContentFile:
    """Return the upload's bytes under a random name once type and size are checked.

    PDF: starts with `%PDF-`. DOCX/XLSX: a zip archive holding the format's main part and no
    VBA project (macro-enabled files renamed to .docx/.xlsx are refused).
    """
    name = getattr(upload, "name", "") or "文件"
    limit = settings.WENMING["UPLOAD_MAX_BYTES"]
    if upload.size > limit:
        raise PayloadTooLarge(f"文件过大：单个文件不能超过 {limit // (1024 * 1024)} MB", code=Code.FILE_TOO_LARGE,
                              errors={field: [f"{name}: 超过 {limit // (1024 * 1024)} MB"]})
    ext = PurePath(name).suffix.lower().lstrip(".")
    refused = InvalidInput("只能上传 PDF、Word（.docx）或 Excel（.xlsx）文件", code=Code.BAD_DOCUMENT,
                           errors={field: [f"{name}: 文件类型不符或已损坏"]})
    if ext not in ALLOWED_EXTENSIONS:
        raise refused
    upload.seek(0)
    data = upload.read()
    if ext == "pdf":
        if not data.startswith(b"%PDF-"):
            raise refused
    else:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise refused from None
        if _OOXML_MARKER[ext] not in names or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise refused
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}")

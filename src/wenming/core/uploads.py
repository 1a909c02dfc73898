"""Checking and cleaning uploaded photos: real images only, bounded size, no EXIF."""

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from wenming.core.errors import InvalidInput, PayloadTooLarge

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000


def clean_photo(upload, *, field: str = "photos") -> ContentFile:
    """Return a re-encoded copy of an uploaded photo without metadata (GPS, camera, owner).

    Re-encoding from pixels drops EXIF, XMP and anything appended after the image data.
    """
    limit = settings.WENMING["UPLOAD_MAX_BYTES"]
    if upload.size > limit:
        raise PayloadTooLarge(f"文件过大：单个文件不能超过 {limit // (1024 * 1024)} MB", code="file_too_large",
                              errors={field: [f"{upload.name}: 超过 {limit // (1024 * 1024)} MB"]})
    try:
        upload.seek(0)
        image = Image.open(upload)
        if image.width * image.height > MAX_PIXELS:
            raise InvalidInput("图片尺寸过大", code="image_too_big", errors={field: ["图片尺寸过大"]})
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        fmt = image.format
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput("只能上传 JPG、PNG 或 WEBP 图片", code="not_an_image",
                           errors={field: [f"{getattr(upload, 'name', '文件')}: 不是有效的图片"]}) from None
    if fmt not in ALLOWED_FORMATS:
        raise InvalidInput("只能上传 JPG、PNG 或 WEBP 图片", code="not_an_image",
                           errors={field: [f"{upload.name}: 不支持的图片格式"]})
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if fmt != "JPEG" else "RGB")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, format=fmt, **({"quality": 88} if fmt == "JPEG" else {}))
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[fmt]}")

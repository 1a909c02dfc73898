"""Checking and cleaning uploaded photos: real images only, bounded size, no EXIF."""

import io
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

from wenming.core.codes import Code
from wenming.core.errors import InvalidInput, PayloadTooLarge

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# What a photo may claim in its header. A JPEG is decoded at a reduced scale (draft), so a
# 50-megapixel phone photo costs little; PNG and WebP have no reduced decode, so they are held
# to what we are willing to decode in full (16 MP: 64 MB of RGBA). A 154 KB PNG of 6300×6300
# is refused from its header, before a byte of pixels is decoded.
MAX_PIXELS = 50_000_000
MAX_FULL_DECODE_PIXELS = 16_000_000
# the stored copy: enough for evidence on a screen and in a bulletin, a fraction of the bytes
MAX_SIDE = 2560


def _refuse_size(field):
    return InvalidInput("图片尺寸过大", code=Code.IMAGE_TOO_BIG,
                        errors={field: [f"图片尺寸过大：最多 {MAX_FULL_DECODE_PIXELS // 1_000_000} 百万像素（JPG 照片最多 "
                                        f"{MAX_PIXELS // 1_000_000} 百万像素）"]})


def clean_photo(upload, *, field: str = "photos") -> ContentFile:
    """Return a re-encoded copy of an uploaded photo without metadata (GPS, camera, owner),
    at most MAX_SIDE pixels on its longer side.

    Re-encoding from pixels drops EXIF, XMP and anything appended after the image data.
    """
    limit = settings.WENMING["UPLOAD_MAX_BYTES"]
    if upload.size > limit:
        raise PayloadTooLarge(f"文件过大：单个文件不能超过 {limit // (1024 * 1024)} MB", code=Code.FILE_TOO_LARGE,
                              errors={field: [f"{upload.name}: 超过 {limit // (1024 * 1024)} MB"]})
    try:
        upload.seek(0)
        image = Image.open(upload)  # reads the header only
        fmt = image.format
        pixels = image.width * image.height
        if pixels > MAX_PIXELS or (fmt != "JPEG" and pixels > MAX_FULL_DECODE_PIXELS):
            raise _refuse_size(field)
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        if fmt == "JPEG":
            image.draft(image.mode if image.mode in ("RGB", "L") else None, (MAX_SIDE, MAX_SIDE))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidInput("只能上传 JPG、PNG 或 WEBP 图片", code=Code.NOT_AN_IMAGE,
                           errors={field: [f"{getattr(upload, 'name', '文件')}: 不是有效的图片"]}) from None
    if fmt not in ALLOWED_FORMATS:
        raise InvalidInput("只能上传 JPG、PNG 或 WEBP 图片", code=Code.NOT_AN_IMAGE,
                           errors={field: [f"{upload.name}: 不支持的图片格式"]})
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if fmt != "JPEG" else "RGB")
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only, no metadata
    del image
    out = io.BytesIO()
    clean.save(out, format=fmt, **({"quality": 88} if fmt == "JPEG" else {}))
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[fmt]}")


# ---------------------------------------------------------------------------- held while deciding

STASH_SESSION_KEY = "held_photos"
STASH_DIR = "held"


def hold_photos(session, uploads) -> str:
    """Keep the photos a form sent while the person decides what to do with it (a duplicate
    warning: merge, or record anyway), so they need not choose them again. Cleaned like any
    photo (400/413 first), stored under the session's own token; one set per session."""
    from django.core.files.storage import default_storage

    release_photos(session)
    uploads = list(uploads or [])[:9]
    if not uploads:
        return ""
    token = uuid.uuid4().hex
    names = [default_storage.save(f"{STASH_DIR}/{token}/{i}-{clean.name}", clean)
             for i, clean in enumerate(clean_photo(u) for u in uploads)]
    session[STASH_SESSION_KEY] = {"token": token, "names": names}
    return token


def held_photos(session, token) -> list:
    """The photos held under `token` for this session (none for another session's token)."""
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    held = session.get(STASH_SESSION_KEY) or {}
    if not token or not isinstance(token, str) or held.get("token") != token:
        return []
    out = []
    for name in held.get("names", []):
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as f:
                out.append(SimpleUploadedFile(name.rsplit("/", 1)[-1], f.read()))
    return out


def held_count(session, token) -> int:
    """How many photos are held under `token` for this session (without reading them)."""
    held = session.get(STASH_SESSION_KEY) or {}
    return len(held.get("names", [])) if token and held.get("token") == token else 0


def release_photos(session) -> None:
    from django.core.files.storage import default_storage

    held = session.pop(STASH_SESSION_KEY, None) or {}
    for name in held.get("names", []):
        if default_storage.exists(name):
            default_storage.delete(name)

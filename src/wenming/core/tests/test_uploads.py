"""Photos: bounded by pixels before decoding, stored smaller, without metadata."""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wenming.core.errors import InvalidInput
from wenming.core.uploads import MAX_FULL_DECODE_PIXELS, MAX_SIDE, clean_photo


def _file(size, fmt="PNG", mode="RGB", name="p.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return SimpleUploadedFile(name, out.getvalue())


def test_a_small_file_of_a_huge_png_is_refused_from_its_header_without_decoding():
    upload = _file((6300, 6300))  # about 150 KB of white, 40 MP when decoded
    assert upload.size < 300_000
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as refused:
            clean_photo(upload)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.code == "image_too_big"
    assert peak < 10 * 1024 * 1024  # the pixels (160 MB) were never decoded


def test_a_png_at_the_full_decode_limit_is_accepted_and_stored_at_most_max_side():
    side = int(MAX_FULL_DECODE_PIXELS ** 0.5)
    stored = Image.open(io.BytesIO(clean_photo(_file((side, side))).read()))
    assert stored.size == (MAX_SIDE, MAX_SIDE) and stored.format == "PNG"
    with pytest.raises(InvalidInput):
        clean_photo(_file((side + 1, side + 1)))


def test_a_large_phone_jpeg_is_decoded_at_reduced_scale_and_kept_in_proportion():
    upload = _file((8000, 6000), "JPEG", name="p.jpg")  # a 48 MP camera's photo
    tracemalloc.start()
    try:
        stored = Image.open(io.BytesIO(clean_photo(upload).read()))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stored.format == "JPEG" and stored.size == (MAX_SIDE, MAX_SIDE * 6000 // 8000)
    assert peak < 60 * 1024 * 1024  # a full decode alone would be 144 MB


def test_a_jpeg_past_the_header_limit_is_refused():
    with pytest.raises(InvalidInput) as refused:
        clean_photo(_file((10000, 5001), "JPEG", name="p.jpg"))
    assert refused.value.code == "image_too_big"


def test_a_small_photo_keeps_its_size():
    stored = Image.open(io.BytesIO(clean_photo(_file((640, 480), "JPEG", name="p.jpg")).read()))
    assert stored.size == (640, 480)

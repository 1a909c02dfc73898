"""QR codes drawn locally (segno), as inline SVG: no image service, no CDN."""

import io

import segno


def qr_svg(data: str, *, scale: int = 6) -> str:
    """An <svg> element encoding `data` (error correction M), to inline in a page."""
    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True,
                                     svgclass="qr", lineclass=None, omitsize=True)
    return out.getvalue().decode()

"""The certificate as a PDF (fpdf2), in Noto Sans CJK SC, with the verification QR code.

The font comes from the system (Debian's fonts-noto-cjk) and is subset into the file, so
the PDF opens anywhere. `WENMING_CJK_FONT` (path) and `WENMING_CJK_FONT_INDEX` (the face in
a .ttc collection; 2 = Simplified Chinese in Noto Sans CJK) override the defaults.
"""

import io
import os
from pathlib import Path

import segno
from fpdf import FPDF

DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
RED = (185, 28, 28)


class FontMissing(Exception):
    pass


class _Certificate(FPDF):
    def header(self):
        # the red double frame on every page
        self.set_draw_color(*RED)
        self.set_line_width(1.2)
        self.rect(10, 10, 190, 277)
        self.set_line_width(0.3)
        self.rect(12, 12, 186, 273)
        self.set_draw_color(170, 170, 170)
        self.set_line_width(0.2)


def _font() -> tuple[str, int]:
    path = os.environ.get("WENMING_CJK_FONT", DEFAULT_FONT)
    if not Path(path).is_file():
        raise FontMissing(path)
    return path, int(os.environ.get("WENMING_CJK_FONT_INDEX", "2"))


def certificate_pdf(cert, *, verify_url: str) -> bytes:
    content = cert.content
    path, index = _font()
    pdf = _Certificate(format="A4")
    pdf.set_title(f"志愿服务记录证明 {cert.code}")
    pdf.set_author("巴州区新时代文明实践中心")
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    bold = path.replace("Regular", "Bold")
    pdf.add_font("cjk", style="B", fname=bold if Path(bold).is_file() else path, collection_font_number=index)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("cjk", size=24)
    pdf.set_text_color(*RED)
    pdf.set_y(24)
    pdf.cell(0, 14, "志 愿 服 务 记 录 证 明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("cjk", size=12)
    pdf.ln(6)
    who = content["name"] + (f"（身份证号{content['id_number']}）" if content.get("id_number") else "")
    org = f"，所属组织：{content['org']}" if content.get("org") else ""
    period = f"自{content['first_served']}至{content['last_served']}，" if content.get("first_served") else ""
    stars = f"，为{content['stars']}星志愿者" if content.get("stars") else ""
    pdf.set_x(22)
    pdf.multi_cell(166, 8, f"兹证明{who}为{content['district']}注册志愿者{org}。{period}共参加志愿服务"
                           f"{content['record_count']}次，累计服务时长{content['hours']}小时{stars}。",
                   align="L", wrapmode="CHAR")
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(100, 100, 100)
    pdf.set_x(22)
    pdf.multi_cell(166, 6, "本证明依据《志愿服务记录与证明出具办法》，根据文明实践云平台志愿服务记录出具。",
                   align="L", wrapmode="CHAR")
    pdf.set_text_color(0, 0, 0)
    records = content.get("records") or []
    if records:
        pdf.ln(4)
        pdf.set_font("cjk", size=9)
        pdf.set_x(22)
        with pdf.table(width=166, col_widths=(24, 70, 56, 16), text_align=("LEFT", "LEFT", "LEFT", "RIGHT"),
                       line_height=6, wrapmode="CHAR") as table:
            table.row(["日期", "服务内容", "地点", "时长"])
            for r in records:
                table.row([r["served_on"], r["title"], r["place"] or "—", r["hours"]])
    # the verification block stays together at the bottom of the last page
    if pdf.get_y() > 230:
        pdf.add_page()
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    pdf.image(qr, x=150, y=238, w=36, h=36)
    pdf.set_font("cjk", size=11)
    pdf.set_xy(22, 242)
    pdf.cell(0, 7, f"验证码：{cert.code}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=8)
    pdf.set_x(22)
    pdf.cell(0, 6, f"查验地址：{verify_url}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.cell(0, 6, f"出具时间：{cert.issued_at:%Y-%m-%d}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=11)
    pdf.set_x(22)
    pdf.cell(0, 9, "巴州区新时代文明实践中心", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

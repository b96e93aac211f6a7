"""A report document (:mod:`core.reports.documents`) rendered as SVG charts for the page,
as a PDF (fpdf2, the Noto CJK font embedded so it prints in Chinese anywhere) and as an
XLSX workbook (openpyxl, with native Excel bar charts) — all on the server."""
from __future__ import annotations

import io
from html import escape
from pathlib import Path

from fpdf import FPDF, FontFace
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

#: the CJK font embedded in PDFs (Debian fonts-noto-cjk); index 2 of the collection is SC
CJK_FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"))
CJK_SC_INDEX = 2
COLOURS = ("#2f6fb0", "#e08a2c", "#3a9a5b", "#b04a6f")


def cjk_font() -> Path:
    """The Noto Sans CJK collection installed with fonts-noto-cjk."""
    for path in CJK_FONTS:
        if path.exists():
            return path
    raise RuntimeError("fonts-noto-cjk is not installed (needed for the PDF reports)")


def _count_top(series: list[dict]) -> float:
    """The axis top of a chart without a fixed maximum: the largest value, made even
    when the values are counts, so the middle grid line is a whole number (no "0.5
    follow-ups")."""
    values = [v or 0 for s in series for v in s["values"]]
    top = max(values + [1])
    if all(float(v).is_integer() for v in values):
        top = max(2, int(top) + int(top) % 2)
    return top


def svg_chart(chart: dict, lang: str = "zh", width: int = 640, height: int = 220) -> str:
    """A grouped bar chart as inline SVG (no script, no external asset)."""
    labels, series = chart["labels"], chart["series"]
    if not labels:
        return ""
    top = chart.get("max") or _count_top(series)
    left, bottom, plot_h = 40, 40, height - 60
    slot = (width - left - 10) / len(labels)
    bar = max(2.0, slot * 0.8 / len(series))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'class="chart" role="img">']
    for frac in (0, 0.5, 1):
        y = 20 + plot_h * (1 - frac)
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#ddd"/><text x="{left - 4}" y="{y + 4:.1f}" font-size="10" '
                   f'text-anchor="end">{top * frac:g}</text>')
    for i, label in enumerate(labels):
        x0 = left + i * slot + slot * 0.1
        for j, s in enumerate(series):
            v = float(s["values"][i] or 0)
            h = plot_h * min(v, top) / top if top else 0
            out.append(f'<rect x="{x0 + j * bar:.1f}" y="{20 + plot_h - h:.1f}" '
                       f'width="{bar - 1:.1f}" height="{h:.1f}" fill="{COLOURS[j % 4]}">'
                       f'<title>{escape(s["name_" + lang])}: {v:g}</title></rect>')
        out.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{height - bottom + 35}" '
                   f'font-size="10" text-anchor="middle">{escape(str(label))[:14]}</text>')
    for j, s in enumerate(series):
        out.append(f'<rect x="{left + j * 170}" y="2" width="10" height="10" '
                   f'fill="{COLOURS[j % 4]}"/><text x="{left + j * 170 + 14}" y="11" '
                   f'font-size="10">{escape(s["name_" + lang])}</text>')
    out.append("</svg>")
    return "".join(out)


class _Pdf(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.cell(0, 8, f"{self.page_no()}", align="C")


def _pdf_chart(pdf: FPDF, chart: dict, lang: str) -> None:
    labels, series = chart["labels"], chart["series"]
    if not labels:
        return
    top = chart.get("max") or _count_top(series)
    x, y, w, h = pdf.l_margin + 10, pdf.get_y() + 6, pdf.epw - 10, 45
    if y + h + 14 > pdf.page_break_trigger:
        pdf.add_page()
        y = pdf.get_y() + 6
    pdf.set_font("cjk", size=7)
    for j, s in enumerate(series):
        pdf.set_fill_color(*_rgb(COLOURS[j % 4]))
        pdf.rect(x + j * 40, y - 5, 3, 3, style="F")
        pdf.text(x + j * 40 + 4, y - 2.6, s["name_" + lang])
    pdf.set_draw_color(200, 200, 200)
    pdf.line(x, y + h, x + w, y + h)
    pdf.text(x - 9, y + 2, f"{top:g}")
    slot = w / len(labels)
    bar = max(0.8, slot * 0.8 / len(series))
    for i, label in enumerate(labels):
        for j, s in enumerate(series):
            v = float(s["values"][i] or 0)
            bh = h * min(v, top) / top if top else 0
            pdf.set_fill_color(*_rgb(COLOURS[j % 4]))
            if bh > 0:
                pdf.rect(x + i * slot + slot * 0.1 + j * bar, y + h - bh, bar * 0.9, bh,
                         style="F")
        pdf.text(x + i * slot + slot * 0.1, y + h + 4, str(label)[:10])
    pdf.set_y(y + h + 8)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def to_pdf(doc: dict, lang: str = "zh") -> bytes:
    """The document as a printable A4 PDF with the CJK font embedded."""
    pdf = _Pdf(orientation="L", format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("cjk", "", str(cjk_font()), collection_font_number=CJK_SC_INDEX)
    pdf.set_title(doc["title_" + lang])
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, doc["title_" + lang], new_x="LMARGIN", new_y="NEXT")
    for section in doc["sections"]:
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 9, section["title_" + lang], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=7.5)
        if section.get("note_" + lang):
            pdf.multi_cell(0, 5, section["note_" + lang], new_x="LMARGIN", new_y="NEXT")
        if section["rows"]:
            # headings in the regular face: a bold face would load and subset the 20 MB
            # CJK collection a second time (seconds per report)
            with pdf.table(text_align="LEFT", line_height=4.6, padding=0.8,
                           headings_style=FontFace(emphasis="NONE",
                                                   fill_color=(238, 241, 245))) as table:
                table.row([c[lang] for c in section["columns"]])
                for row in section["rows"]:
                    table.row(["" if v is None else str(v) for v in row])
        else:
            pdf.cell(0, 6, "（无数据）" if lang == "zh" else "(no data)",
                     new_x="LMARGIN", new_y="NEXT")
        if section.get("chart"):
            _pdf_chart(pdf, section["chart"], lang)
        pdf.ln(3)
    return bytes(pdf.output())


def to_xlsx(doc: dict, lang: str = "zh") -> bytes:
    """The document as a workbook: one sheet per section, a bar chart beside its table."""
    wb = Workbook()
    wb.remove(wb.active)
    for n, section in enumerate(doc["sections"], start=1):
        ws = wb.create_sheet(f"{n} {section['title_' + lang]}"[:31])
        ws.append([doc["title_" + lang]])
        ws.append([c[lang] for c in section["columns"]])
        for row in section["rows"]:
            ws.append(list(row))
        chart = section.get("chart")
        if chart and chart["labels"]:
            base = len(section["rows"]) + 4
            ws.cell(row=base, column=1, value=section["title_" + lang])
            for j, s in enumerate(chart["series"], start=2):
                ws.cell(row=base, column=j, value=s["name_" + lang])
            for i, label in enumerate(chart["labels"], start=1):
                ws.cell(row=base + i, column=1, value=str(label))
                for j, s in enumerate(chart["series"], start=2):
                    ws.cell(row=base + i, column=j, value=s["values"][i - 1])
            bar = BarChart()
            bar.title = section["title_" + lang]
            data = Reference(ws, min_col=2, max_col=1 + len(chart["series"]), min_row=base,
                             max_row=base + len(chart["labels"]))
            cats = Reference(ws, min_col=1, min_row=base + 1,
                             max_row=base + len(chart["labels"]))
            bar.add_data(data, titles_from_data=True)
            bar.set_categories(cats)
            ws.add_chart(bar, f"{chr(ord('A') + len(section['columns']) + 1)}2")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

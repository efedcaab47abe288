"""The briefing as an A4 PDF, drawn on the server with fpdf2 (pure Python): no browser, no system binary.

fpdf2 embeds a subset of an OpenType font, CFF outlines included, so the
Noto Sans CJK collection that Debian's ``fonts-noto-cjk`` installs (the one
``make run`` and ``make test`` make sure of) embeds as is, and the Chinese
text stays extractable. ``AIDWATCH_PDF_FONT`` names another font file (a
``.ttf``/``.otf``/``.ttc`` with Chinese glyphs) where that one is missing.
Its CID font is written with the ``Identity-H`` encoding (``exports.pdf_identity``), so that every
reader — poppler's pdftotext, pypdf, a viewer's copy and paste — extracts the text exactly.
What it says, in which order, is the briefing's document model
(``views.briefing_document``), which the Word file draws too; the tile
map, bars and tables are drawn here with fpdf2's own shapes, in the page's
colours, each number a link to the page it comes from.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

from views.briefing_document import briefing_document
from views.palette import STATUS_COLORS
from views.palette import TILES, progress_color, rgb, short_names
from views.document import Cell, Document, Message, Paragraph, Ranked, RegionMap, Section, Sentences, Table
from views.errors import FontMissing
from exports.pdf_identity import IdentityFontsProducer

log = logging.getLogger(__name__)

#: Fonts looked for when ``AIDWATCH_PDF_FONT`` is not set: Debian's fonts-noto-cjk. One weight only: each
#: font embedded costs the PDF most of its time (parsing and subsetting ~65,000 glyphs), so bold is the
#: regular weight stroked (``Writer.font``).
NOTO = "/usr/share/fonts/opentype/noto/"
FONT_CANDIDATES = (NOTO + "NotoSansCJK-Regular.ttc", NOTO + "NotoSansCJKsc-Regular.otf")
FAMILY = "cjk"
INK, MUTED, LINE, HEAD_FILL = (31, 41, 51), (97, 110, 124), (200, 205, 210), (238, 241, 244)
LINK = (11, 79, 138)
MARGIN, WIDTH = 12.0, 186.0  # mm: A4 is 210 wide
ROW = 5.0  # mm: a table row
LAG = 4.5  # mm: a row of a laggard list
HEADLINE_COLUMNS = [25, 40, 39, 32, 32, 18]  # mm: area, figure, D, a week before, a month before, status
#: a change the bad way red, the good way green, none in ink (``Cell.tone``)
TONES = {"worse": (178, 24, 43), "better": (26, 120, 55), "plain": INK}


@dataclass(frozen=True)
class Font:
    path: str
    index: int  # the face in a collection (.ttc), 0 otherwise


def _face_index(path: str) -> int:
    """The Simplified Chinese face of a collection (its name ends in "SC"), else the first face."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        names = [font["name"].getDebugName(1) or "" for font in collection.fonts]
    return next((i for i, n in enumerate(names) if n.endswith(" SC") and "Mono" not in n), 0)


@lru_cache(maxsize=4)
def find_font(configured: str | None) -> Font:
    """The font to embed: ``configured``, else the first installed candidate."""
    if configured:
        if not os.path.isfile(configured):
            raise FontMissing(f"AIDWATCH_PDF_FONT={configured} is not a file")
        return Font(configured, _face_index(configured))
    for path in FONT_CANDIDATES:
        if os.path.isfile(path):
            return Font(path, _face_index(path))
    raise FontMissing("no Chinese font to embed in the PDF: install fonts-noto-cjk (make run does) or set "
                      "AIDWATCH_PDF_FONT")


#: A line break may fall before or after any token. Chinese: a character, a run of Latin letters and
#: digits (a number is never split), or a space; English: a word (a Chinese name included) or a space.
TOKENS = {"zh": re.compile(r"[A-Za-z0-9.,%/+\-·']+|\s+|.", re.S), "en": re.compile(r"\S+|\s+")}
#: Chinese line-breaking rules (避头尾): these never begin a line, and those never end one.
NO_LINE_START = frozenset("，。、；：？！）】」』》%,.;:!?)")
NO_LINE_END = frozenset("（【「『《(")


def wrap(text: str, width: float, measure, lang: str = "zh") -> list[str]:
    """``text`` broken into lines no wider than ``width`` (``measure(str)`` → width), Chinese and English
    alike: breaks between tokens, a closing mark stays on the line it closes (it may overhang a little)
    and an opening one moves to the line it opens."""
    lines, line = [], ""
    for token in TOKENS["en" if lang == "en" else "zh"].findall(text):
        if not line and token.isspace():
            continue
        if line and measure(line + token) > width and token[0] not in NO_LINE_START:
            carry = ""
            while line and line[-1] in NO_LINE_END:
                carry, line = line[-1] + carry, line[:-1]
            lines.append(line.rstrip())
            line = carry + ("" if token.isspace() else token)
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class BriefingPDF(FPDF):
    """A4 portrait with the footer (as-of date, data freshness, page n of N) on every page."""

    def __init__(self, footer_text: str, page_text: str, font: Font):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text, self.page_text = footer_text, page_text
        self.add_font(FAMILY, "", font.path, collection_font_number=font.index)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.alias_nb_pages()

    def footer(self):
        self.set_y(-11)
        self.text_mode = TextMode.FILL
        self.set_line_width(0.2)
        self.set_draw_color(*LINE)
        self.line(MARGIN, self.get_y() - 1, MARGIN + WIDTH, self.get_y() - 1)
        self.set_font(FAMILY, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(WIDTH - 30, 5, self.footer_text)
        self.cell(30, 5, self.page_text.format(n=self.page_no(), total="{nb}"), align="R")


class Writer:
    """Draws one briefing document (``views.briefing_document``) on A4: the sections in their order,
    the region map beside the lists of who is behind."""

    def __init__(self, doc: Document, font: Font):
        self.doc, self.lang = doc, doc.lang
        self.pdf = BriefingPDF(doc.footer, "{n} / {total}", font)
        self.pdf.set_title(" ".join(doc.title))
        self.pdf.set_creator("aidwatch")
        self.pdf.set_lang("en" if doc.lang == "en" else "zh-CN")

    def font(self, size: float, bold: bool = False, color=INK):
        """Size, colour and weight of what is written next; bold strokes the outline in the text's colour."""
        pdf = self.pdf
        pdf.set_font(FAMILY, "", size)
        pdf.set_text_color(*color)
        pdf.text_mode = TextMode.FILL_STROKE if bold else TextMode.FILL
        if bold:
            pdf.set_draw_color(*color)
            pdf.set_line_width(size * 0.011)

    def paragraph(self, text: str, width: float, h: float, x: float | None = None):
        """Wrapped text (``wrap``) from the current position, each line starting at ``x``."""
        x = self.pdf.get_x() if x is None else x
        for line in wrap(text, width, self.pdf.get_string_width, self.lang):
            self.pdf.set_x(x)
            self.pdf.cell(width, h, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, need: float = 20):
        """A section heading, on a new page when fewer than ``need`` mm are left for what follows."""
        if self.pdf.get_y() + need > self.pdf.h - 18:
            self.pdf.add_page()
        self.pdf.ln(2.5)
        self.font(11, bold=True, color=(11, 79, 138))
        self.pdf.cell(WIDTH, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    # -- blocks --------------------------------------------------------------
    def title(self):
        doc, pdf = self.doc, self.pdf
        self.font(16, bold=True)
        pdf.cell(WIDTH, 9, "".join(doc.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(9.5, color=MUTED)
        pdf.cell(WIDTH, 5.5, doc.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(11, 79, 138)
        pdf.set_line_width(0.6)
        pdf.line(MARGIN, pdf.get_y() + 1, MARGIN + WIDTH, pdf.get_y() + 1)
        pdf.set_line_width(0.2)
        pdf.ln(2)

    def sentences(self, block: Sentences):
        for sentence in block.items:
            self.font(9.5)
            self.pdf.cell(4, 4.8, "•")
            self.paragraph(sentence, WIDTH - 4, 4.8, x=MARGIN + 4)
            self.pdf.ln(0.5)

    def note(self, block: Paragraph):
        self.font(7.5, color=MUTED)
        self.pdf.ln(1)
        self.paragraph(block.text, WIDTH, 4, x=MARGIN)

    def table(self, block: Table):
        """The headline figures: a rule above each area, numbers right-aligned with their remarks, a
        status as a mark; a short row (an area that could not be read) says why across the figures."""
        pdf = self.pdf
        cols = HEADLINE_COLUMNS if len(block.head) == len(HEADLINE_COLUMNS) else [WIDTH / len(block.head)] * len(
            block.head)
        self.font(8, bold=True, color=MUTED)
        pdf.set_fill_color(*HEAD_FILL)
        for w, text, align in zip(cols, block.head, block.align):
            pdf.cell(w, ROW, text, fill=True, align=align)
        pdf.ln(ROW)
        for row in block.rows:
            if row[0].text:
                pdf.set_draw_color(*LINE)
                pdf.set_line_width(0.2)
                pdf.line(MARGIN, pdf.get_y(), MARGIN + WIDTH, pdf.get_y())
            self.font(8.5, bold=True)
            pdf.cell(cols[0], ROW, row[0].text)
            if len(row) < len(cols):
                self.font(8.5, color=MUTED)
                pdf.cell(sum(cols[1:]), ROW, row[-1].text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                continue
            for w, cell, align in zip(cols[1:], row[1:], block.align[1:]):
                if cell.status:
                    self._status(w, cell)
                elif align == "R":
                    self._number(w, cell)
                else:
                    self.font(8.5)
                    pdf.cell(w, ROW, cell.text)
            pdf.ln(ROW)

    def _number(self, width: float, cell: Cell):
        """A right-aligned number (a link) with a muted remark after it, in one cell of ``width``."""
        pdf = self.pdf
        self.font(7.5, color=MUTED)
        sub_w = pdf.get_string_width(cell.sub) if cell.sub else 0
        color = TONES.get(cell.tone) or (LINK if cell.href else INK)
        self.font(8.5 if not cell.bold else 9, bold=cell.bold, color=color)
        pdf.cell(width - sub_w, ROW, cell.text, align="R", link=cell.href or "")
        if cell.sub:
            self.font(7.5, color=MUTED)
            pdf.cell(sub_w, ROW, cell.sub)

    def _status(self, width: float, cell: Cell, h: float = ROW):
        """A status as a coloured mark and its name: readable in greyscale by the name."""
        pdf = self.pdf
        x, y = pdf.get_x(), pdf.get_y()
        pdf.set_fill_color(*rgb(STATUS_COLORS[cell.status]))
        pdf.rect(x + 2, y + h / 2 - 1.3, 2.6, 2.6, style="F")
        pdf.set_x(x + 5.5)
        self.font(7.5)
        pdf.cell(width - 5.5, h, cell.text)

    def progress(self, section: Section):
        """The map (a tile per province, or a bar per city) on the left, the lists of who is behind on the
        right."""
        pdf = self.pdf
        figure = next((b for b in section.blocks if isinstance(b, RegionMap)), None)
        lists = [b for b in section.blocks if not isinstance(b, RegionMap)]
        map_h = 0 if figure is None else 86 if figure.kind == "tiles" else 14 + 5 * len(figure.items)
        lag_h = sum(6.4 + LAG * max(len(b.rows), 1) for b in lists if isinstance(b, Ranked)) + 2
        self.heading(section.heading, need=min(max(map_h, lag_h), 110))
        top = pdf.get_y()
        if figure is not None:
            (self._tiles if figure.kind == "tiles" else self._bars)(figure)
        left_end = pdf.get_y()
        pdf.set_xy(MARGIN + 86, top)
        self._laggards(lists, MARGIN + 86, WIDTH - 86)
        pdf.set_y(max(left_end, pdf.get_y()) + 2)

    def _tiles(self, figure: RegionMap):
        pdf = self.pdf
        size, gap = 8.8, 0.5
        self.font(8.5, bold=True)
        pdf.cell(84, 5, figure.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y0 = pdf.get_y() + 1
        short = short_names(self.lang)
        items = {item.code: item for item in figure.items}
        for code, (row, col) in TILES.items():
            x, y = MARGIN + col * (size + gap), y0 + row * (size + gap)
            item = items.get(code)
            value = item.value if item else None
            fill = progress_color(value)
            pdf.set_fill_color(*fill)
            pdf.rect(x, y, size, size, style="F")
            dark = sum(fill) / 3 < 140
            color = (255, 255, 255) if dark else INK
            href = item.href if item else ""
            pdf.set_xy(x, y + 1.2)
            self.font(6.5, bold=True, color=color)
            pdf.cell(size, 3.3, item.label if item else short.get(code, code), align="C", link=href or "")
            pdf.set_xy(x, y + 4.9)
            self.font(6, color=color)
            pdf.cell(size, 3, "—" if value is None else f"{value:.0f}%", align="C", link=href or "")
        # the scale: 0 → 100 %, the same colours
        y = y0 + 8 * (size + gap) + 1
        for i in range(50):
            pdf.set_fill_color(*progress_color(i * 2))
            pdf.rect(MARGIN + i * 1.2, y, 1.25, 2.5, style="F")
        self.font(6.5, color=MUTED)
        pdf.set_xy(MARGIN, y + 2.7)
        pdf.cell(30, 3, "0%")
        pdf.set_xy(MARGIN + 50, y + 2.7)
        pdf.cell(10, 3, "100%", align="R")
        pdf.set_y(y + 7)

    def _bars(self, figure: RegionMap):
        pdf = self.pdf
        self.font(8.5, bold=True)
        pdf.cell(84, 5, figure.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for item in figure.items:
            y = pdf.get_y() + 0.5
            self.font(7.5)
            pdf.cell(26, 5, item.label[:12], link=item.href or "")
            pct = 0.0 if item.value is None else min(item.value, 100.0)
            pdf.set_fill_color(*HEAD_FILL)
            pdf.rect(MARGIN + 26, y + 0.6, 40, 3.4, style="F")
            pdf.set_fill_color(*rgb(STATUS_COLORS[item.status]))
            pdf.rect(MARGIN + 26, y + 0.6, 40 * pct / 100, 3.4, style="F")
            pdf.set_x(MARGIN + 67)
            self.font(7.5, color=LINK)
            pdf.cell(16, 5, item.text, align="R", link=item.href or "", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _laggards(self, lists: list, x: float, width: float):
        pdf = self.pdf
        for block in lists:
            if isinstance(block, Message):
                self.font(8.5, color=MUTED)
                self.paragraph(block.text, width, 5, x=x)
                continue
            pdf.set_x(x)
            self.font(8.5, bold=True)
            pdf.cell(width, 5.2, block.title, new_x=XPos.LEFT, new_y=YPos.NEXT)
            if not block.rows:
                self.font(8, color=MUTED)
                pdf.cell(width, 5, block.empty, new_x=XPos.LEFT, new_y=YPos.NEXT)
            for rank, name, pct, parts, status in block.rows:
                pdf.set_x(x)
                self.font(7.5, color=MUTED)
                pdf.cell(5, LAG, rank.text)
                self.font(8)
                pdf.cell(width - 5 - 18 - 24 - 22, LAG, name.text, link=name.href or "")
                self.font(8, bold=True, color=LINK)
                pdf.cell(18, LAG, pct.text, align="R", link=pct.href or "")
                self.font(7.5, color=MUTED)
                pdf.cell(24, LAG, parts.text, align="R")
                pdf.set_x(pdf.get_x() + 1)
                if status.status:
                    self._status(21, status, h=LAG)
                pdf.ln(LAG)
            pdf.ln(1.2)

    def section(self, section: Section):
        if any(isinstance(b, (RegionMap, Ranked, Message)) for b in section.blocks):
            self.progress(section)
            return
        self.heading(section.heading, need=60 if any(isinstance(b, Table) for b in section.blocks) else 20)
        for block in section.blocks:
            {Sentences: self.sentences, Table: self.table, Paragraph: self.note}[type(block)](block)

    def render(self) -> bytes:
        self.pdf.add_page()
        self.title()
        for section in self.doc.sections:
            self.section(section)
        return bytes(self.pdf.output(output_producer_class=IdentityFontsProducer))


def briefing_pdf(b, lang: str, base: str, font_setting: str | None = None) -> bytes:
    """The briefing ``b`` as PDF bytes; raises ``FontMissing`` without a Chinese font."""
    return Writer(briefing_document(b, lang, base), find_font(font_setting)).render()

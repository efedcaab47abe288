"""The briefing as an A4 PDF, drawn on the server with fpdf2 (pure Python): no browser, no system binary.

fpdf2 embeds a subset of an OpenType font, CFF outlines included, so the
Noto Sans CJK collection that Debian's ``fonts-noto-cjk`` installs (the one
``make run`` and ``make test`` make sure of) embeds as is, and the Chinese
text stays extractable. ``AIDWATCH_PDF_FONT`` names another font file (a
``.ttf``/``.otf``/``.ttc`` with Chinese glyphs) where that one is missing.
Its CID font is written with the ``Identity-H`` encoding (``exports.pdf_identity``), so that every
reader — poppler's pdftotext, pypdf, a viewer's copy and paste — extracts the text exactly.
The tile map, bars and tables are drawn here with fpdf2's own shapes, in the
page's colours, each number a link to the page it comes from.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos

from aidwatch.i18n import deadline_name, status_name, t
from aidwatch.metrics.briefing import AREAS, WHEN
from aidwatch.narrative import day_text, pct_text
from exports.pdf_identity import IdentityFontsProducer
from views.briefing import change_text, column_head, metric_label, value_text
from views.errors import FontMissing
from views.palette import STATUS_COLORS, TILES, progress_color, rgb, short_names

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
    """Draws one briefing ``b`` (``dashboard.callbacks.briefing.BriefingView``) in ``lang``; links are absolute
    (``base`` = the dashboard's URL), so that they work from a file."""

    def __init__(self, b, lang: str, base: str, font: Font):
        self.b, self.lang, self.base = b, lang, base.rstrip("/")
        snap = b.fresh.snapshot_at
        footer = t("br_footer", lang, day=b.as_of.isoformat(),
                   snapshot=f"{snap:%Y-%m-%d %H:%M}" if snap else t("no_snapshot", lang),
                   generated=f"{dt.datetime.now():%Y-%m-%d %H:%M}")
        self.pdf = BriefingPDF(footer, "{n} / {total}", font)
        self.pdf.set_title(t("br_title", lang, region=b.region_name))
        self.pdf.set_creator("aidwatch")
        self.pdf.set_lang("en" if lang == "en" else "zh-CN")

    def url(self, href: str | None) -> str:
        return self.base + href if href else ""

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

    # -- sections ------------------------------------------------------------
    def title(self):
        b, pdf = self.b, self.pdf
        self.font(16, bold=True)
        pdf.cell(WIDTH, 9, t("br_title", self.lang, region=b.region_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(9.5, color=MUTED)
        pdf.cell(WIDTH, 5.5, t("br_subtitle", self.lang, day=day_text(b.as_of, self.lang), year=b.year),
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(11, 79, 138)
        pdf.set_line_width(0.6)
        pdf.line(MARGIN, pdf.get_y() + 1, MARGIN + WIDTH, pdf.get_y() + 1)
        pdf.set_line_width(0.2)
        pdf.ln(2)

    def summary(self):
        self.heading(t("br_summary", self.lang))
        for sentence in self.b.sentences:
            self.font(9.5)
            self.pdf.cell(4, 4.8, "•")
            self.paragraph(sentence, WIDTH - 4, 4.8, x=MARGIN + 4)
            self.pdf.ln(0.5)

    def headlines(self):
        b, pdf, lang = self.b, self.pdf, self.lang
        self.heading(t("br_headlines", lang), need=60)
        cols = [25, 40, 39, 32, 32, 18]
        head = [t("br_area", lang), t("br_metric", lang), f"{t('br_now', lang)} {b.as_of:%m-%d}",
                *[column_head(b, w, lang) for w in WHEN[1:]],
                t("status", lang)]
        self.font(8, bold=True, color=MUTED)
        pdf.set_fill_color(*HEAD_FILL)
        for w, text, align in zip(cols, head, "LLRRRL"):
            pdf.cell(w, ROW, text, fill=True, align=align)
        pdf.ln(ROW)
        for area, keys in AREAS.items():
            pdf.set_draw_color(*LINE)
            pdf.set_line_width(0.2)
            pdf.line(MARGIN, pdf.get_y(), MARGIN + WIDTH, pdf.get_y())
            if area in b.failed:
                self.font(8.5, bold=True)
                pdf.cell(cols[0], ROW, t(f"br_area_{area}", lang))
                self.font(8.5, color=MUTED)
                pdf.cell(sum(cols[1:]), ROW, t("br_unavailable", lang, reason=b.failed[area]), new_x=XPos.LMARGIN,
                         new_y=YPos.NEXT)
                continue
            for i, (key, _) in enumerate(keys):
                head = b.headlines[(area, key)]
                self.font(8.5, bold=True)
                pdf.cell(cols[0], ROW, t(f"br_area_{area}", lang) if i == 0 else "")
                self.font(8.5)
                pdf.cell(cols[1], ROW, metric_label(area, key, lang))
                self._number(cols[2], value_text(head), b.headline_href(head), bold=True,
                             sub=f" ({head.done:,}/{head.total:,})" if head.done is not None else "")
                for w, when in zip(cols[3:5], WHEN[1:]):
                    change = head.change(when)
                    color = INK if not change else ((178, 24, 43) if (change > 0) == head.worse_up else (26, 120, 55))
                    self._number(w, change_text(head, when), b.headline_href(head, when), color=color,
                                 sub=f" ({value_text(head, when)})" if change is not None else "")
                if head.status:
                    self._status(cols[5], head.status)
                pdf.ln(ROW)
        self.font(7.5, color=MUTED)
        pdf.ln(1)
        self.paragraph(t("br_pp_note", lang), WIDTH, 4, x=MARGIN)

    def _number(self, width: float, text: str, href: str | None, bold=False, color=None, sub: str = ""):
        """A right-aligned number (a link) with a muted remark after it, in one cell of ``width``."""
        pdf = self.pdf
        self.font(7.5, color=MUTED)
        sub_w = pdf.get_string_width(sub) if sub else 0
        self.font(8.5 if not bold else 9, bold=bold, color=color or (LINK if href else INK))
        pdf.cell(width - sub_w, ROW, text, align="R", link=self.url(href) if href and text != "—" else "")
        if sub:
            self.font(7.5, color=MUTED)
            pdf.cell(sub_w, ROW, sub)

    def _status(self, width: float, status: str, h: float = ROW):
        """A status as a coloured mark and its name: readable in greyscale by the name."""
        pdf = self.pdf
        x, y = pdf.get_x(), pdf.get_y()
        pdf.set_fill_color(*rgb(STATUS_COLORS[status]))
        pdf.rect(x + 2, y + h / 2 - 1.3, 2.6, 2.6, style="F")
        pdf.set_x(x + 5.5)
        self.font(7.5)
        pdf.cell(width - 5.5, h, status_name(status, self.lang))

    def progress(self):
        """The map's deadline: a tile per province (nation) or a bar per city, next to the laggard lists."""
        b, pdf, lang = self.b, self.pdf, self.lang
        rows = 0 if b.focus_rows.empty else len(b.focus_rows)
        map_h = 86 if b.region.level == "nation" else 14 + 5 * rows
        lag_h = sum(6.4 + LAG * max(len(v), 1) for v in b.live.values()) + 2
        self.heading(t("br_map_title", lang), need=min(max(map_h, lag_h), 110))
        top = pdf.get_y()
        if b.focus and rows:
            (self._tiles if b.region.level == "nation" else self._bars)(top)
        left_end = pdf.get_y()
        pdf.set_xy(MARGIN + 86, top)
        self._laggards(MARGIN + 86, WIDTH - 86)
        pdf.set_y(max(left_end, pdf.get_y()) + 2)

    def _tiles(self, top: float):
        b, pdf = self.b, self.pdf
        size, gap = 8.8, 0.5
        self.font(8.5, bold=True)
        pdf.cell(84, 5, t("tiles_title", self.lang, deadline=deadline_name(b.focus, self.lang)),
                 new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y0 = pdf.get_y() + 1
        short = short_names(self.lang)
        values = {r.drill: (None if r.pct_done != r.pct_done else float(r.pct_done)) for r in b.focus_rows.itertuples()}
        for code, (row, col) in TILES.items():
            x, y = MARGIN + col * (size + gap), y0 + row * (size + gap)
            value = values.get(code)
            fill = progress_color(value)
            pdf.set_fill_color(*fill)
            pdf.rect(x, y, size, size, style="F")
            dark = sum(fill) / 3 < 140
            color = (255, 255, 255) if dark else INK
            href = b.child_href("/deadlines", code, deadline=b.focus) if code in values else None
            pdf.set_xy(x, y + 1.2)
            self.font(6.5, bold=True, color=color)
            pdf.cell(size, 3.3, short.get(code, code), align="C", link=self.url(href) if href else "")
            pdf.set_xy(x, y + 4.9)
            self.font(6, color=color)
            pdf.cell(size, 3, "—" if value is None else f"{value:.0f}%", align="C", link=self.url(href) if href else "")
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

    def _bars(self, top: float):
        b, pdf, lang = self.b, self.pdf, self.lang
        self.font(8.5, bold=True)
        pdf.cell(84, 5, t("bars_title", lang, deadline=deadline_name(b.focus, lang)), new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
        data = b.focus_rows.assign(sort=b.focus_rows["pct_done"].fillna(-1)).sort_values(["sort", "name"])
        for r in data.itertuples():
            y = pdf.get_y() + 0.5
            href = b.child_href("/deadlines", r.drill, deadline=b.focus)
            self.font(7.5)
            pdf.cell(26, 5, str(r.name)[:12], link=self.url(href))
            pct = 0.0 if r.pct_done != r.pct_done else min(float(r.pct_done), 100.0)
            pdf.set_fill_color(*HEAD_FILL)
            pdf.rect(MARGIN + 26, y + 0.6, 40, 3.4, style="F")
            pdf.set_fill_color(*rgb(STATUS_COLORS[r.status]))
            pdf.rect(MARGIN + 26, y + 0.6, 40 * pct / 100, 3.4, style="F")
            pdf.set_x(MARGIN + 67)
            self.font(7.5, color=LINK)
            pdf.cell(16, 5, pct_text(r.pct_done), align="R", link=self.url(href), new_x=XPos.LMARGIN,
                     new_y=YPos.NEXT)

    def _laggards(self, x: float, width: float):
        b, pdf, lang = self.b, self.pdf, self.lang
        level = t(f"br_level_{b.child_level}", lang)
        if "registration" in b.failed:
            self.font(8.5, color=MUTED)
            self.paragraph(t("br_unavailable", lang, reason=b.failed["registration"]), width, 5, x=x)
            return
        if not b.live:
            self.font(8.5, color=MUTED)
            pdf.set_x(x)
            pdf.cell(width, 5, t("br_no_live", lang))
            return
        for deadline, behind in b.live.items():
            pdf.set_x(x)
            self.font(8.5, bold=True)
            pdf.cell(width, 5.2, f"{deadline_name(deadline, lang)} · {t('br_laggards', lang, level=level)}",
                     new_x=XPos.LEFT, new_y=YPos.NEXT)
            if behind.empty:
                self.font(8, color=MUTED)
                pdf.cell(width, 5, t("br_laggards_none", lang, level=level), new_x=XPos.LEFT, new_y=YPos.NEXT)
            for i, r in enumerate(behind.itertuples(), start=1):
                href = self.url(b.child_href("/deadlines", r.drill, deadline=deadline))
                pdf.set_x(x)
                self.font(7.5, color=MUTED)
                pdf.cell(5, LAG, str(i))
                self.font(8)
                pdf.cell(width - 5 - 18 - 24 - 22, LAG, str(r.name), link=href)
                self.font(8, bold=True, color=LINK)
                pdf.cell(18, LAG, pct_text(r.pct_done), align="R", link=href)
                self.font(7.5, color=MUTED)
                pdf.cell(24, LAG, f"{r.done:,}/{r.total:,}", align="R")
                pdf.set_x(pdf.get_x() + 1)
                self._status(21, r.status, h=LAG)
                pdf.ln(LAG)
            pdf.ln(1.2)

    def render(self) -> bytes:
        self.pdf.add_page()
        self.title()
        self.summary()
        self.headlines()
        self.progress()
        return bytes(self.pdf.output(output_producer_class=IdentityFontsProducer))


def briefing_pdf(b, lang: str, base: str, font_setting: str | None = None) -> bytes:
    """The briefing ``b`` as PDF bytes; raises ``FontMissing`` without a Chinese font."""
    return Writer(b, lang, base, find_font(font_setting)).render()


"""A document (``views.document``) as an editable Word file in the national layout, GB/T 9704-2012.

A4; margins top 37, left 28, right 26, bottom 35 mm (a type area of
156 × 225 mm); 22 lines of 28 characters a page: a document grid of lines and
characters and a fixed line spacing of 28.95 pt (225 mm / 22). Title 二号
(22 pt) 方正小标宋简体, centred; body 三号 (16 pt) 仿宋_GB2312; "一、" headings
黑体, "（一）" headings 楷体_GB2312; page numbers 四号 宋体 as "— 1 —" (a
PAGE field), odd pages right, even pages left, one character in. English
(``lang=en``) keeps the structure in Times New Roman. docs/documents.md has
the reasons.

Fonts are named, not embedded: the reader's Word or WPS has them. Each
Chinese face is listed in the font table with its common fallback
(``w:altName``: FangSong, SimHei, KaiTi, SimSun) and the GB2312 character
set, so that a machine without the GB2312 faces still shows Chinese in a
face of the same kind.

python-docx (pinned) writes everything but three things it has no API for:
the East Asian font of a style (``w:rFonts/@w:eastAsia``), the PAGE field
and hyperlinks. And one trap: naming a font in python-docx leaves the
template's theme attributes (``w:asciiTheme``, ``w:eastAsiaTheme`` …) on
``w:rFonts``, and Word obeys a theme attribute before a named font, so the
Chinese text would come out in the theme's Japanese face (ＭＳ 明朝). Every
``w:rFonts`` of the styles and document defaults loses them here
(``strip_theme_fonts``), and the theme's East Asian language is set to zh-CN.
"""

from __future__ import annotations

import io

from docx import Document as new_document
from lxml import etree
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from views.document import Cell, Document, Heading, MapItem, Message, PageBreak, Paragraph, Ranked, RegionMap
from views.document import Sentences, Signature, Table

PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
#: 225 mm / 22 lines = 28.98 pt; Word counts in twips (1/20 pt): 579 twips = 28.95 pt, so 22 lines fit
LINE_TWIPS = 579
LINE = Pt(LINE_TWIPS / 20)
BODY_PT, TITLE_PT, PAGE_PT, TABLE_PT, NOTE_PT = 16, 22, 14, 10.5, 12  # 三号, 二号, 四号, 五号, 小四
#: 28 characters of 16 pt are 158 mm, the type area 156: the body's characters are set 0.25 pt closer
#: (28 × 15.75 pt = 155.6 mm). A character grid would do the same in Word, but LibreOffice (and so WPS's
#: and a browser's previews) puts a character wider than the grid's pitch on two cells: 14 to a line.
CONDENSE_TWENTIETHS = -5
#: the page number's baseline box: its top 7 mm below the type area (35 − 7 = 28 mm above the page's edge)
FOOTER_MM, FOOTER_LINE = 22, Pt(18)
#: role → (Chinese face, its fallback where the Chinese face is missing)
FACES = {"title": ("方正小标宋简体", "SimSun"), "body": ("仿宋_GB2312", "FangSong"), "h1": ("黑体", "SimHei"),
         "h2": ("楷体_GB2312", "KaiTi"), "page": ("宋体", "SimSun")}
LATIN = "Times New Roman"
#: font table entries: face → its fallback (``w:altName``)
FONT_TABLE = {face: fallback for face, fallback in FACES.values()}
THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
#: styles whose text is not set on the body's character grid
OFF_GRID = ("GB Title", "GB Note", "GB Table", "GB Table Head", "GB Page Number")
NUMERALS = "一二三四五六七八九十"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

#: style name → (font role, size in pt, bold, first-line indent in characters)
STYLES = {
    "GB Title": ("title", TITLE_PT, False, 0),
    "GB Subtitle": ("h2", BODY_PT, False, 0),
    "GB Heading 1": ("h1", BODY_PT, False, 2),
    "GB Heading 2": ("h2", BODY_PT, False, 2),
    "GB Lead": ("body", BODY_PT, False, 0),
    "GB Label": ("h1", BODY_PT, False, 0),
    "GB Note": ("body", NOTE_PT, False, 0),
    "GB Table": ("body", TABLE_PT, False, 0),
    "GB Table Head": ("h1", TABLE_PT, False, 0),
    "GB Page Number": ("page", PAGE_PT, False, 0),
}


def heading_number(n: int, level: int, lang: str) -> str:
    """'一、' / '（一）' (GB/T 9704 7.3.3); 'I. ' / '(1) ' in English."""
    if lang == "en":
        return f"{ROMAN[n - 1]}. " if level == 1 else f"({n}) "
    return f"{NUMERALS[n - 1]}、" if level == 1 else f"（{NUMERALS[n - 1]}）"


def text_width(text: str) -> float:
    """The width of ``text`` in body characters: a Chinese character or full-width mark 1, anything else ½."""
    return sum(1 if ord(ch) > 0x2e7f else 0.5 for ch in text)


def signature_indents(sender: str, date: str) -> tuple[float, float]:
    """The right indents, in characters, of the sender and the date (GB/T 9704 7.3.5.1): the date four
    characters from the right, the sender centred over it; a sender longer than that fits two characters
    from the right, the date starting two characters after the sender's first."""
    s, d = text_width(sender), text_width(date)
    right = 4 + (d - s) / 2
    if right >= 2:
        return right, 4.0
    return 2.0, max(2 + s - 2 - d, 0.0)


def column_widths(rows: list[list[str]], ncols: int, size_pt: float, width_mm: float = 156) -> list[float]:
    """Each column as wide as its longest text (a head may wrap) plus the cell's margins, in mm; too wide
    altogether, the widest column gives way (its text wraps); narrower, every column grows alike."""
    char_mm, margins = size_pt * 25.4 / 72, 4.0
    need = [max([text_width(r[i]) for r in rows if i < len(r) and len(r) == ncols] + [2]) * char_mm + margins
            for i in range(ncols)]
    excess = sum(need) - width_mm
    if excess > 0:
        widest = need.index(max(need))
        need[widest] = max(need[widest] - excess, 6 * char_mm + margins)
    return [w * width_mm / sum(need) for w in need]


def set_fonts(rpr_owner, east_asia: str, latin: str) -> None:
    """Name the fonts of a style or run: ``w:eastAsia`` for Chinese, ``w:ascii``/``w:hAnsi``/``w:cs`` for the
    rest, and no theme attribute that Word would obey first."""
    rfonts = rpr_owner.get_or_add_rPr().get_or_add_rFonts()
    for attr in THEME_ATTRS:
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def strip_theme_fonts(root) -> None:
    """Remove every theme font attribute under ``root`` (styles and document defaults)."""
    for rfonts in root.iter(qn("w:rFonts")):
        for attr in THEME_ATTRS:
            rfonts.attrib.pop(qn(attr), None)


class Writer:
    def __init__(self, doc: Document):
        self.doc, self.lang = doc, doc.lang
        self.new_page = False
        self.word = new_document()
        self._setup()

    # -- the page, the styles, the fonts -------------------------------------
    def _setup(self):
        word, en = self.word, self.lang == "en"
        section = word.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance, section.header_distance = Mm(FOOTER_MM), Mm(15)
        grid = section._sectPr.find(qn("w:docGrid"))
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_TWIPS))
        styles = word.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        strip_theme_fonts(styles.element)
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        rfonts = rpr.find(qn("w:rFonts"))
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(attr), LATIN)
        rfonts.set(qn("w:eastAsia"), FACES["body"][0])
        rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
        for tag in ("w:sz", "w:szCs"):
            rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
        lang = word.settings.element.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        self._style(styles["Normal"], "body", BODY_PT, False, 2)
        for name, (role, size, bold, indent) in STYLES.items():
            style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = styles["Normal"]
            self._style(style, role, size, bold, indent)
        fmt = styles["GB Title"].paragraph_format
        fmt.alignment, fmt.line_spacing, fmt.space_after = WD_ALIGN_PARAGRAPH.CENTER, Pt(36), LINE
        styles["GB Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styles["GB Subtitle"].paragraph_format.space_after = LINE
        for name in ("GB Note", "GB Table", "GB Table Head"):
            styles[name].paragraph_format.line_spacing = Pt(styles[name].font.size.pt + 6)
        for name in ("GB Heading 1", "GB Heading 2", "GB Label"):  # a heading is never last on a page
            styles[name].paragraph_format.keep_with_next = True
        styles["GB Table Head"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        styles["GB Page Number"].paragraph_format.line_spacing = FOOTER_LINE
        for name in OFF_GRID:  # larger or smaller than the body: their own line spacing, not the grid's
            snap = OxmlElement("w:snapToGrid")
            snap.set(qn("w:val"), "0")
            styles[name].element.get_or_add_pPr().append(snap)
        for name in ("Normal", *(n for n, (_, size, _, _) in STYLES.items() if size == BODY_PT)):
            spacing = OxmlElement("w:spacing")  # python-docx has no character spacing (w:rPr/w:spacing)
            spacing.set(qn("w:val"), str(CONDENSE_TWENTIETHS))
            styles[name].element.get_or_add_rPr().append(spacing)
        for level, name in ((0, "GB Heading 1"), (1, "GB Heading 2")):
            outline = OxmlElement("w:outlineLvl")  # the navigation pane and a table of contents find them
            outline.set(qn("w:val"), str(level))
            styles[name].element.get_or_add_pPr().append(outline)
        if en:
            styles["GB Title"].font.bold = styles["GB Heading 1"].font.bold = styles["GB Table Head"].font.bold = True
            styles["GB Heading 2"].font.italic = True
        self._font_table()
        self._page_numbers(section)
        props = word.core_properties
        props.title, props.author, props.language = "".join(self.doc.title), "", "en" if en else "zh-CN"
        props.comments = props.subject = ""

    def _style(self, style, role: str, size: float, bold: bool, indent: float):
        set_fonts(style.element, FACES[role][0], LATIN)
        style.font.size, style.font.bold = Pt(size), bold
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = LINE
        fmt.first_line_indent = Pt(BODY_PT * indent)
        fmt.widow_control = False  # a fixed grid: a page holds 22 lines whatever they are

    def _raw_part(self, name: str):
        """A part python-docx keeps as bytes (it has no class for it): its XML, and a function to store it."""
        part = next(p for p in self.word.part.package.iter_parts() if p.partname == name)
        root = parse_xml(part.blob)

        def store():
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return root, store

    def _font_table(self):
        """Each Chinese face with its fallback (``w:altName``) and the GB2312 character set; the template's
        Word 2010 copy of the styles without its theme fonts too."""
        root, store = self._raw_part("/word/stylesWithEffects.xml")
        strip_theme_fonts(root)
        store()
        root, store = self._raw_part("/word/fontTable.xml")
        for face, fallback in FONT_TABLE.items():
            font = parse_xml(f'<w:font xmlns:w="{root.nsmap["w"]}" w:name="{face}"><w:altName w:val="{fallback}"/>'
                             '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>')
            root.append(font)
        store()

    def _page_numbers(self, section):
        """'— n —' in the footer, odd pages right and even pages left, one character in."""
        self.word.settings.odd_and_even_pages_header_footer = True
        for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                            WD_ALIGN_PARAGRAPH.LEFT)):
            p = footer.paragraphs[0]
            p.style = self.word.styles["GB Page Number"]
            p.alignment = align
            if align == WD_ALIGN_PARAGRAPH.RIGHT:
                p.paragraph_format.right_indent = Pt(PAGE_PT)
            else:
                p.paragraph_format.left_indent = Pt(PAGE_PT)
            p.add_run("— ")
            for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
                run = p.add_run()
                if kind:
                    mark = OxmlElement("w:fldChar")
                    mark.set(qn("w:fldCharType"), kind)
                    run._r.append(mark)
                elif text == " PAGE ":
                    instr = OxmlElement("w:instrText")
                    instr.set(qn("xml:space"), "preserve")
                    instr.text = text
                    run._r.append(instr)
                else:
                    run.text = text
            p.add_run(" —")

    # -- blocks --------------------------------------------------------------
    def para(self, text: str = "", style: str = "Normal"):
        p = self.word.add_paragraph(text, style=self.word.styles[style])
        if self.new_page:  # a page break of its own would leave an empty page where the page was full already
            p.paragraph_format.page_break_before, self.new_page = True, False
        return p

    def link(self, paragraph, text: str, url: str):
        """A run of ``text`` that opens ``url`` (python-docx has no hyperlink API); it prints as text."""
        rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), rid)
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        link.append(run)
        paragraph._p.append(link)

    def cell_text(self, paragraph, cell: Cell):
        if cell.href:
            self.link(paragraph, cell.text, cell.href)
        else:
            paragraph.add_run(cell.text).bold = cell.bold or None
        if cell.sub:
            paragraph.add_run(cell.sub)

    def table(self, head: tuple, rows: tuple, align: str):
        """A Word table with a head row (repeated on every page), each column as wide as its text needs."""
        ncols = len(head) if head else max(len(r) for r in rows)
        table = self.word.add_table(rows=(1 if head else 0) + len(rows), cols=ncols)
        table.style = self.word.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [Mm(w) for w in column_widths([[c.full for c in r] for r in rows], ncols, TABLE_PT)]
        for column, width in zip(table.columns, widths):
            column.width = width  # the table's grid, which LibreOffice and WPS lay out by
        for row in table.rows:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row is never cut by a page
            for cell, width in zip(row.cells, widths):
                cell.width = width
        if head:
            for cell, text in zip(table.rows[0].cells, head):
                cell.paragraphs[0].style = self.word.styles["GB Table Head"]
                cell.paragraphs[0].add_run(text)
            repeat = OxmlElement("w:tblHeader")
            table.rows[0]._tr.get_or_add_trPr().append(repeat)
        first = 1 if head else 0
        for r, row in enumerate(rows, start=first):
            cells = table.rows[r].cells
            if len(row) < ncols:
                cells[len(row) - 1].merge(cells[-1])
            if r > first and row[0].text == "":
                table.cell(r - 1, 0).merge(cells[0])  # a group's later rows under its first row's name
            for i, cell in enumerate(row):
                p = cells[i].paragraphs[0]
                p.style = self.word.styles["GB Table"]
                if i < len(align) and align[i] == "R" and len(row) == ncols:
                    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                self.cell_text(p, cell)
        self.para(style="GB Note")  # a table is followed by a line, so the text does not touch it
        return table

    def render(self) -> bytes:
        doc = self.doc
        title = self.para(style="GB Title")
        for i, line in enumerate(doc.title):
            run = title.add_run(line)
            if i < len(doc.title) - 1:
                run.add_break()
        if doc.subtitle:
            self.para(doc.subtitle, "GB Subtitle")
        n = 0
        for section in doc.sections:
            if section.heading:
                n += 1
                self.para(heading_number(n, 1, self.lang) + section.heading, "GB Heading 1")
            self.blocks(section.blocks)
        if doc.footer:
            self.para(doc.footer, "GB Note")
        out = io.BytesIO()
        self.word.save(out)
        return out.getvalue()

    def blocks(self, blocks):
        n = 0
        for block in blocks:
            if isinstance(block, (Heading, RegionMap, Ranked)):
                n += 1
                self.para(heading_number(n, 2, self.lang) + (block.text if isinstance(block, Heading) else block.title),
                          "GB Heading 2")
            if isinstance(block, Paragraph):
                self.paragraph(block)
            elif isinstance(block, Sentences):
                for sentence in block.items:
                    self.para(sentence)
            elif isinstance(block, Message):
                self.para(block.text)
            elif isinstance(block, Table):
                self.table(block.head, block.rows, block.align)
            elif isinstance(block, RegionMap):
                self.table(block.head, tuple(map_row(item) for item in block.items), "LRRL")
            elif isinstance(block, Ranked):
                if block.rows:
                    self.table(block.head, block.rows, "RLRRL")
                else:
                    self.para(block.empty)
            elif isinstance(block, Signature):
                self.signature(block)
            elif isinstance(block, PageBreak):
                self.new_page = True

    def paragraph(self, block: Paragraph):
        style = {"body": "Normal", "lead": "GB Lead", "note": "GB Note", "label": "GB Label", "title": "GB Title",
                 "blank": "Normal"}[block.kind]
        p = self.para(style=style)
        run = p.add_run(block.text)
        if block.kind == "blank":
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW  # the province's own text goes here

    def signature(self, block: Signature):
        """Two empty lines for the seal, then the sender centred over the date (``signature_indents``); in
        English both flush right."""
        self.para()
        self.para()
        sender, date = signature_indents(block.sender, block.date) if self.lang == "zh" else (0, 0)
        for text, indent in ((block.sender, sender), (block.date, date)):
            p = self.para(text, "GB Lead")
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.right_indent = Pt(BODY_PT * indent)


def map_row(item: MapItem) -> tuple[Cell, ...]:
    """A region of the map as a table row: name, share done, done of total, status."""
    return (Cell(item.name, href=item.href), Cell(item.text), Cell(f"{item.done:,}/{item.total:,}"),
            Cell(item.status_text))


def write_docx(doc: Document) -> bytes:
    """``doc`` as the bytes of a .docx file."""
    return Writer(doc).render()


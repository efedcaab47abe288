"""What a drawn document says, in which order: one model that the PDF and the Word writers both draw.

A document is a title, an optional subtitle and footer, and sections; each
section an optional heading and blocks. The blocks say what is written
(sentences, a table of cells, a region map's figures, a signature), not how:
``exports.briefing_pdf`` draws them with fpdf2 in the page's colours and
``exports.docx_writer`` writes them as an editable GB/T 9704-2012 Word
document. Neither writer decides what a document says; the view models do
(``callbacks.briefing.briefing_document``, ``views.rollout_report``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text`` (a link to ``href`` where it has one, absolute), a muted remark after it
    (``sub``, e.g. " (8/10)"), ``tone`` "worse" / "better" for a change, ``status`` a status key drawn as a
    mark beside its name (``text``)."""

    text: str
    href: str | None = None
    sub: str = ""
    tone: str | None = None
    bold: bool = False
    status: str | None = None

    @property
    def full(self) -> str:
        return self.text + self.sub


@dataclass(frozen=True)
class Table:
    """A table: its head and rows of cells; a row shorter than the head runs its last cell across the rest
    (a message in place of figures). ``align`` has one letter per column, L or R."""

    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: str


@dataclass(frozen=True)
class Paragraph:
    """Running text. ``kind``: ``body`` (indented two characters), ``lead`` (not indented: the addressee,
    the list of attachments), ``note`` (small), ``blank`` (the province fills it in: marked), ``label``
    (an attachment's "附件" mark), ``title`` (an attachment's title, set like the document's)."""

    text: str
    kind: str = "body"


@dataclass(frozen=True)
class Sentences:
    """A summary's sentences, one point each."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Heading:
    """A second-level heading inside a section (GB/T 9704: "（一）")."""

    text: str


@dataclass(frozen=True)
class MapItem:
    code: str
    label: str           # the tile's short name (nation) or the region's name (bars)
    name: str
    value: float | None  # percent done
    text: str
    done: int
    total: int
    status: str
    status_text: str
    href: str | None


@dataclass(frozen=True)
class RegionMap:
    """Progress per region on one deadline: a tile map of provinces (``kind`` "tiles") or bars of cities."""

    title: str
    kind: str
    items: tuple[MapItem, ...]
    head: tuple[str, ...] = ()  # a table's head, where it is drawn as a table (Word)


@dataclass(frozen=True)
class Ranked:
    """A ranked list (who is furthest behind): rows of cells, or ``empty`` when nobody is."""

    title: str
    rows: tuple[tuple[Cell, ...], ...]
    empty: str
    head: tuple[str, ...] = ()  # a table's head, where it is drawn as a table (Word)


@dataclass(frozen=True)
class Message:
    """A sentence in place of what could not be shown (an area whose source failed, nothing under way)."""

    text: str


@dataclass(frozen=True)
class Signature:
    """The sender and the date (GB/T 9704 7.3.5): right of the page, the sender centred over the date."""

    sender: str
    date: str


@dataclass(frozen=True)
class PageBreak:
    """What follows starts a new page (an attachment)."""


@dataclass(frozen=True)
class Section:
    """A part of the document: under a first-level heading ("一、"), or none (an opening, a closing)."""

    heading: str | None
    blocks: tuple = ()


@dataclass(frozen=True)
class Document:
    lang: str
    title: tuple[str, ...]  # the title's lines (a long title breaks between words, GB/T 9704 7.3.3)
    sections: tuple[Section, ...]
    subtitle: str = ""
    footer: str = ""

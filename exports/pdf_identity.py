"""CJK text that every PDF reader extracts: fpdf2's CFF CID fonts re-keyed to the ``Identity-H`` encoding.

fpdf2 (2.8.9) numbers the glyphs it uses 1, 2, 3 … (its own character codes)
and, for a CID-keyed CFF font such as Noto Sans CJK, writes the code → CID
mapping as an embedded CMap stream in the font's ``/Encoding``. The PDF is
valid and poppler reads it, but readers that only know the predefined CMaps
(pypdf among them) then take the two-byte codes one byte at a time and put a
NUL between every character of the text layer — and people copy numbers out
of this PDF.

The fix, once the fonts are written (``OutputProducer._add_fonts``, the
extension point fpdf2 offers through ``FPDF.output(output_producer_class=…)``):
give every glyph of the embedded subset the CID equal to its code, so that
the code → CID mapping is the identity and the font's encoding becomes the
predefined ``/Identity-H`` every reader knows. The ToUnicode map (code →
text) is unchanged; the widths (``/W``, by CID) are rewritten by code; the
font's and the CIDFont's character collection become ``Adobe-Identity-0``,
the one an arbitrary CID numbering belongs to. The CMap stream fpdf2 already
numbered stays in the file, referenced by nothing (a few hundred bytes).
"""

from __future__ import annotations

import io
import re
import zlib

from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont
from fpdf.output import OutputProducer, PDFContentStream, _cid_font_widths
from fpdf.syntax import Name, PDFString

#: ``<code> cid`` lines of a ``cidchar`` block of fpdf2's encoding CMap
CIDCHAR = re.compile(rb"^<([0-9A-Fa-f]{4})>\s+(\d+)\s*$", re.MULTILINE)
IDENTITY = ("Adobe", "Identity", 0)


def code_to_cid(cmap: bytes) -> dict[int, int]:
    """The code → CID pairs of an encoding CMap as fpdf2 writes it."""
    return {int(code, 16): int(cid) for code, cid in CIDCHAR.findall(cmap)}


def rekey_cff(data: bytes, cid_of_code: dict[int, int]) -> bytes:
    """A CID-keyed CFF font program whose glyph of CID ``cid_of_code[c]`` has CID ``c``; glyphs no code
    uses (.notdef aside, which keeps CID 0) are numbered after the highest code, so no two share a CID."""
    fonts = CFFFontSet()
    fonts.decompile(io.BytesIO(data), None)
    top = fonts[fonts.fontNames[0]]
    code_of_cid = {cid: code for code, cid in cid_of_code.items()}
    spare = max(cid_of_code, default=0) + 1
    names = [".notdef"]  # glyph 0, CID 0 (fontTools names CID glyphs "cid00123")
    for name in top.charset[1:]:
        old = int(name[3:])
        if old in code_of_cid:
            new = code_of_cid[old]
        else:
            new, spare = spare, spare + 1
        names.append(f"cid{new:05d}")
    strings = top.CharStrings
    strings.charStrings = {new: strings.charStrings[old] for old, new in zip(top.charset, names)}
    top.charset = names
    top.ROS = IDENTITY
    top.CIDCount = spare
    out = io.BytesIO()
    fonts.compile(out, TTFont(recalcBBoxes=False))  # the subset's bounding box stays as fpdf2 wrote it
    return out.getvalue()


class IdentityFontsProducer(OutputProducer):
    """fpdf2's output, with every CFF CID font encoded ``/Identity-H`` (see the module's docstring)."""

    def _add_fonts(self, *args, **kwargs):
        objs = super()._add_fonts(*args, **kwargs)
        for font in self.fpdf.fonts.values():
            obj = objs.get(font.i)
            encoding = getattr(obj, "encoding", None)
            if isinstance(encoding, PDFContentStream):  # only CFF CID fonts get an embedded CMap
                self._identity(font, obj, code_to_cid(encoding.content_stream()))
        return objs

    @staticmethod
    def _identity(font, obj, cid_of_code: dict[int, int]) -> None:
        cid_font = obj.descendant_fonts[0]
        program = cid_font.font_descriptor.font_file3
        data = rekey_cff(zlib.decompress(program.content_stream()), cid_of_code)
        program._contents = zlib.compress(data)
        program.length, program.length1 = len(program._contents), len(data)
        widths = {code: glyph.glyph_width for glyph, code in font.subset.items()
                  if glyph is not None and code in cid_of_code}
        cid_font.w = _cid_font_widths(widths)
        info = cid_font.c_i_d_system_info
        info.registry, info.ordering = (PDFString(s, encrypt=True) for s in IDENTITY[:2])
        info.supplement = IDENTITY[2]
        obj.encoding = Name("Identity-H")

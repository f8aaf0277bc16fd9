"""Documents made to cost a reader far more than their size: each is small as a file and written
byte by byte here (no document of ours is copied), so the tests can show every limit of
`checks.limits` refusing it before the work it would cause.

Every generator is cached: the same bomb is built once per test process.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from functools import cache

# --- PDF -----------------------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (object 1 is the catalogue), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    data = zlib.compress(content, 9) if filters == b"/FlateDecode" else content
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters) + data + b"\nendstream"


def _pages_pdf(pages: int, content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """`pages` pages that all draw the same content stream (object 4)."""
    first = 5
    kids = b" ".join(b"%d 0 R" % (first + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(content, filters),
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects += [page] * pages
    return _pdf(objects)


def _text_ops(lines: int, words: bytes) -> bytes:
    ops = [b"BT /F1 9 Tf 40 800 Td 11 TL"]
    ops += [b"(%s %d) '" % (words, i) for i in range(lines)]
    ops.append(b"ET")
    return b"\n".join(ops)


@cache
def pdf_pages(pages: int = 2_000) -> bytes:
    """A PDF of `pages` pages sharing one text stream of 60 lines: 2,000 pages are ~300 kB."""
    return _pages_pdf(pages, _text_ops(60, b"Verksamhetsplan med en rad text som upprepas"))


@cache
def pdf_slow(pages: int = 400) -> bytes:
    """Fewer pages than the limit, each drawing one stream of 4,000 text moves and no text: slow
    to read (every operator is interpreted on every page), and nothing to show for it."""
    ops = [b"BT /F1 9 Tf"] + [b"1 0 0 1 %d %d Tm () Tj" % (i % 500, i % 700) for i in range(4000)]
    return _pages_pdf(pages, b"\n".join([*ops, b"ET"]))


@cache
def pdf_unknown_filter() -> bytes:
    """A one-page PDF whose content stream names a filter no reader knows."""
    return _pages_pdf(1, b"BT /F1 9 Tf (hemligt) Tj ET", b"/StyrkollDecode")


# --- Word ----------------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}">'


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx(body: bytes | str, head: str = HEAD, chunks: int = 1, utf16: bool = False) -> bytes:
    """A Word file whose document.xml is `head`, <w:body>, `body` × `chunks`, </w:body>…: the
    body streamed into the zip `chunks` times, so a large part never exists whole in memory;
    in UTF-16 (with its byte-order mark) when told."""

    def encoded(text: str | bytes) -> bytes:
        if isinstance(text, bytes):
            text = text.decode()
        return text.encode("utf-16-le") if utf16 else text.encode()

    part = encoded(body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        with zf.open("word/document.xml", "w") as f:
            if utf16:
                f.write(b"\xff\xfe")
                head = head.replace('encoding="UTF-8"', 'encoding="UTF-16"')
            f.write(encoded(head + "<w:body>"))
            for _ in range(chunks):
                f.write(part)
            f.write(encoded("</w:body></w:document>"))
    return out.getvalue()


def docx_text(lines: list[str]) -> bytes:
    """An ordinary Word file of these paragraphs."""
    return docx("".join(paragraph(line) for line in lines))


@cache
def docx_inflating(megabytes: int = 100) -> bytes:
    """A Word file of ~300 kB whose document.xml inflates to `megabytes` MB of paragraphs."""
    block = paragraph("Enheten ska arbeta med kvalitet i verksamheten. " * 20) * 1000  # ~1 MB
    return docx(block, chunks=megabytes * 2**20 // len(block))


@cache
def docx_lying(megabytes: int = 100) -> bytes:
    """`docx_inflating`, with the zip's local header and directory saying document.xml is 10 kB:
    only reading past the stated size shows what it holds."""
    raw = bytearray(docx_inflating(megabytes))
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("word/document.xml")
    stated = (10_000).to_bytes(4, "little")
    raw[info.header_offset + 22 : info.header_offset + 26] = stated  # the local header
    at = _directory_entry(bytes(raw), "word/document.xml")
    raw[at + 24 : at + 28] = stated
    return bytes(raw)


def _directory_entry(raw: bytes, name: str) -> int:
    """Where the zip's central directory entry of `name` starts."""
    at: int = zipfile.ZipFile(io.BytesIO(raw)).start_dir  # type: ignore[attr-defined]
    while raw[at : at + 4] == b"PK\x01\x02":
        length, extra, comment = (
            int.from_bytes(raw[at + i : at + i + 2], "little") for i in (28, 30, 32)
        )
        if raw[at + 46 : at + 46 + length] == name.encode():
            return at
        at += 46 + length + extra + comment
    raise LookupError(name)


@cache
def docx_deep(depth: int = 10_000) -> bytes:
    """A Word file whose body nests `depth` tables' worth of elements."""
    return docx("<w:tbl>" * depth + "</w:tbl>" * depth)


@cache
def docx_entities(utf16: bool = False) -> bytes:
    """A Word file carrying the "billion laughs": ten entities, each ten of the one before; in
    UTF-16 when told, where the bytes `<!DOCTYPE` do not occur."""
    decl = ['<!ENTITY lol0 "Styrkoll">']
    decl += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    head = HEAD.replace(
        "\n<w:document", "\n<!DOCTYPE w:document [" + "".join(decl) + "]>\n<w:document"
    )
    return docx(paragraph("&lol9;"), head=head, utf16=utf16)


@cache
def docx_text_node(megabytes: int = 11) -> bytes:
    """A Word file with one text node of `megabytes` MB."""
    return docx(paragraph("Verksamhetsplan " * (megabytes * 2**20 // 16)))


@cache
def docx_malformed() -> bytes:
    """A Word file whose document.xml stops in the middle of an element."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("word/document.xml", HEAD + "<w:body><w:p><w:r><w:t>Verksamhetspl")
    return out.getvalue()


@cache
def docx_without_document() -> bytes:
    """A zip that names document.xml as its main part but does not hold it."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
    return out.getvalue()


# --- YAML and JSON -------------------------------------------------------------------------------

RISK_ANALYSIS = """\
dokument: riskanalys
år: 2012
nämnd: Provnämnden
enhet: Provenheten
risker:
  - process: Attest
    risk: Fakturor attesteras utan attesträtt
    sannolikhet: 3
    konsekvens: 4
    riskvärde: {value}
"""


def yaml_huge_number(value: str = "1" + "0" * 30) -> bytes:
    """A risk analysis whose risk value is `value` (10^30 unless told)."""
    return RISK_ANALYSIS.format(value=value).encode()


def json_huge_amount(value: str = "1e300") -> bytes:
    """A report whose budget outcome is `value` tkr, as JSON."""
    return (
        '{"dokument": "årsrapport", "år": 2012, "nämnd": "Provnämnden", "enhet": "Provenheten",'
        f' "ekonomi": {{"budget_netto": 1000, "utfall_netto": {value}}}}}'
    ).encode()


def yaml_many_elements(count: int) -> bytes:
    """A risk analysis of `count` risks, each of them plain."""
    rows = "".join(
        f"  - process: Process {i}\n    risk: Risk {i}\n    sannolikhet: 1\n" for i in range(count)
    )
    return RISK_ANALYSIS.split("risker:")[0].encode() + b"risker:\n" + rows.encode()

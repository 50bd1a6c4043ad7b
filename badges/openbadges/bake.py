"""Baking: embedding a badge in its image (PNG iTXt chunk, SVG element) and back.

PNG work is done chunk by chunk on bytes; pixels are never decoded, so baking
costs about one copy of the file.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from xml.dom import minidom

from defusedxml import minidom as safe_minidom

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
BADGE_KEYWORDS = {OB2_KEYWORD.encode(), OB3_KEYWORD.encode()}
TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}
# SVG namespaces: OB 2.0 bakes <openbadges:assertion verify=...> in OB2_NS; OB 3.0 (§5.3.2)
# bakes <openbadges:credential> in OB3_NS. Our SVGs before December 2026 put the OB 3.0
# credential in OB2_NS; some platforms write the https spelling. All are read, by namespace:
# the prefix another platform chose does not matter.
OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
_BADGE_ELEMENTS = {
    (OB3_NS, "credential"),
    *((ns, name) for ns in (OB2_NS, "https://openbadges.org", "http://openbadges.org/", "https://openbadges.org/")
      for name in ("assertion", "credential")),
}
MAX_INFLATED = 16 * 1024 * 1024  # a baked badge text is a few KB; refuse zip bombs


class BakeError(ValueError):
    pass


# --- PNG -----------------------------------------------------------------------

def _chunks(data: bytes):
    """Yield (type, start, end, data_start, data_end) for each chunk; validates framing."""
    if not data.startswith(PNG_SIGNATURE):
        raise BakeError("Ce fichier n'est pas une image PNG")
    pos = len(PNG_SIGNATURE)
    size = len(data)
    while pos < size:
        if pos + 8 > size:
            raise BakeError("PNG tronqué")
        (length,) = struct.unpack_from(">I", data, pos)
        ctype = data[pos + 4:pos + 8]
        end = pos + 12 + length
        if end > size:
            raise BakeError("PNG tronqué")
        yield ctype, pos, end, pos + 8, pos + 8 + length
        pos = end
        if ctype == b"IEND":
            return
    raise BakeError("PNG sans chunk IEND")


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(ctype)))


def _keyword(body: bytes | memoryview) -> bytes:
    head = bytes(body[:80])
    return head.split(b"\0", 1)[0]


def itxt_chunk(keyword: str, text: str) -> bytes:
    body = keyword.encode("latin-1") + b"\0" + b"\0\0" + b"\0" + b"\0" + text.encode("utf-8")
    return _chunk(b"iTXt", body)


def bake_png(png: bytes, text: str, *, keyword: str = OB2_KEYWORD) -> bytes:
    """Return ``png`` with one uncompressed iTXt ``keyword`` chunk right after IHDR.

    Any earlier openbadges/openbadgecredential text chunk (tEXt, zTXt, iTXt) is removed.
    ``keyword``: "openbadges" (OB 2.0: JWS, assertion JSON or URL) or
    "openbadgecredential" (OB 3.0: credential JSON or VC-JWT).
    """
    if keyword not in (OB2_KEYWORD, OB3_KEYWORD):
        raise BakeError(f"Unknown baking keyword {keyword!r}")
    view = memoryview(png)
    parts: list[bytes | memoryview] = [view[:len(PNG_SIGNATURE)]]
    first = True
    keep_from = None  # start of a run of chunks copied unchanged
    for ctype, start, end, dstart, dend in _chunks(png):
        if first:
            if ctype != b"IHDR":
                raise BakeError("PNG invalide : IHDR doit être le premier chunk")
            parts.append(view[start:end])
            parts.append(itxt_chunk(keyword, text))
            first = False
            continue
        drop = ctype in TEXT_CHUNKS and _keyword(view[dstart:dend]) in BADGE_KEYWORDS
        if drop:
            if keep_from is not None:
                parts.append(view[keep_from:start])
                keep_from = None
        elif keep_from is None:
            keep_from = start
        last_end = end
    if first:
        raise BakeError("PNG vide")
    if keep_from is not None:
        parts.append(view[keep_from:last_end])
    return b"".join(parts)


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, MAX_INFLATED)
    if inflater.unconsumed_tail:
        raise BakeError("Texte compressé trop volumineux")
    return out


def _decode_text_chunk(ctype: bytes, body: bytes) -> tuple[str, str]:
    keyword, _, rest = body.partition(b"\0")
    name = keyword.decode("latin-1")
    if ctype == b"tEXt":
        return name, rest.decode("latin-1")
    if ctype == b"zTXt":
        return name, _inflate(rest[1:]).decode("latin-1")
    compressed, _method = rest[0], rest[1]
    rest = rest[2:]
    _lang, _, rest = rest.partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    if compressed:
        text = _inflate(text)
    return name, text.decode("utf-8")


def extract_png(png: bytes) -> tuple[str, str] | None:
    """(keyword, text) of the first Open Badges text chunk, or None. Reads tEXt, zTXt, iTXt."""
    for ctype, _start, _end, dstart, dend in _chunks(png):
        if ctype in TEXT_CHUNKS and _keyword(png[dstart:dend]) in BADGE_KEYWORDS:
            return _decode_text_chunk(ctype, png[dstart:dend])
    return None


def check_png(png: bytes, max_pixels: int) -> tuple[int, int]:
    """(width, height) from the header only; refuse non-PNG and decompression bombs."""
    from PIL import Image

    if not png.startswith(PNG_SIGNATURE):
        raise BakeError("Ce fichier n'est pas une image PNG")
    try:
        with Image.open(io.BytesIO(png)) as image:  # lazy: reads the header, not pixels
            if image.format != "PNG":
                raise BakeError("Ce fichier n'est pas une image PNG")
            width, height = image.size
    except BakeError:
        raise
    except Exception as exc:
        raise BakeError(f"PNG illisible : {exc}") from exc
    if width * height > max_pixels:
        raise BakeError(f"Image trop grande ({width}×{height} pixels)")
    return width, height


# --- SVG -----------------------------------------------------------------------

def _parse_svg(svg: bytes | str) -> minidom.Document:
    try:
        doc = safe_minidom.parseString(svg)
    except Exception as exc:
        raise BakeError(f"SVG illisible : {exc}") from exc
    root = doc.documentElement
    if root is None or root.localName != "svg":
        doc.unlink()
        raise BakeError("Ce fichier n'est pas une image SVG")
    return doc


def _is_badge_element(node) -> bool:
    return node.nodeType == node.ELEMENT_NODE and (node.namespaceURI, node.localName) in _BADGE_ELEMENTS


def _cdata_nodes(doc: minidom.Document, text: str) -> list:
    # "]]>" cannot appear inside CDATA: split it across two sections
    pieces = text.split("]]>")
    nodes = []
    for i, piece in enumerate(pieces):
        if i < len(pieces) - 1:
            piece += "]]"
        if i > 0:
            piece = ">" + piece
        nodes.append(doc.createCDATASection(piece))
    return nodes


def bake_svg(svg: bytes | str, text: str, *, verify_url: str = "", version: str = "ob2") -> bytes:
    """Embed ``text`` in the SVG right after ``<svg>``, replacing earlier badges.

    OB 2.0: ``<openbadges:assertion verify=URL>`` (namespace OB2_NS) with ``text`` as CDATA.
    OB 3.0: ``<openbadges:credential>`` (namespace OB3_NS): a credential JSON goes in the
    body as CDATA, a VC-JWT (compact JWS) in the ``verify`` attribute, as §5.3.2 says.
    """
    doc = _parse_svg(svg)
    try:
        return _bake_into(doc, text, verify_url=verify_url, version=version)
    finally:
        _release(doc)


def _release(doc: minidom.Document) -> None:
    # A DOM is a web of cycles (parent <-> child) holding the whole image, often a
    # base64 raster of hundreds of KB: unlinked, it is freed at once rather than at
    # the next full garbage collection, which a worker's large heap makes rare.
    doc.unlink()


def _bake_into(doc: minidom.Document, text: str, *, verify_url: str, version: str) -> bytes:
    for child in list(doc.childNodes):
        # A DTD's default attributes, or a stylesheet instruction, would apply to the baked
        # file. The image was sanitised already; this keeps them from any badge we hand out.
        if child.nodeType in (child.DOCUMENT_TYPE_NODE, child.PROCESSING_INSTRUCTION_NODE):
            doc.removeChild(child)
    root = doc.documentElement
    for node in list(doc.getElementsByTagName("*")):
        if _is_badge_element(node):
            node.parentNode.removeChild(node)
    namespace, name = (OB2_NS, "assertion") if version == "ob2" else (OB3_NS, "credential")
    root.setAttribute("xmlns:openbadges", namespace)
    element = doc.createElementNS(namespace, f"openbadges:{name}")
    if version == "ob2":
        if verify_url:
            element.setAttribute("verify", verify_url)
    elif _COMPACT_JWS.match(text.strip()):
        element.setAttribute("verify", text.strip())
        text = ""
    if text:
        for node in _cdata_nodes(doc, text):
            element.appendChild(node)
    root.insertBefore(element, root.firstChild)
    return doc.toxml(encoding="utf-8")


def extract_svg(svg: bytes | str) -> tuple[str, str, str] | None:
    """(element local name, text, verify URL) of the embedded badge, or None."""
    doc = _parse_svg(svg)
    try:
        for node in doc.getElementsByTagName("*"):
            if _is_badge_element(node):
                text = "".join(
                    child.data for child in node.childNodes
                    if child.nodeType in (child.TEXT_NODE, child.CDATA_SECTION_NODE)
                ).strip()
                return node.localName, text, node.getAttribute("verify").strip()
        return None
    finally:
        _release(doc)


_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")

# Raster images embedded in an SVG stay (common in badge designs); an SVG inside an SVG does not.
RASTER_DATA_URLS = {"image": ["png", "jpeg", "gif", "webp"]}


def sanitise_svg(svg: bytes | str, *, data_urls: dict[str, list[str]] | None = None) -> bytes:
    """The SVG rewritten by svg-hush (Cloudflare's allow-list sanitiser): no script,
    event handler, foreignObject, javascript: or external reference, no DOCTYPE.

    Entity declarations are refused before it reads the file (no expansion), and its
    output is parsed again with any DTD refused: a DOCTYPE would carry default
    attributes (``<!ATTLIST svg onload …>``) that no element shows.
    """
    from py_svg_hush import filter_svg

    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    _release(_parse_svg(data))  # defusedxml: entities and external references refused
    try:
        clean = filter_svg(data, keep_data_url_mime_types=RASTER_DATA_URLS if data_urls is None else data_urls)
    except Exception as exc:
        raise BakeError(f"SVG illisible : {exc}") from exc
    try:
        doc = safe_minidom.parseString(clean, forbid_dtd=True)
    except Exception as exc:
        raise BakeError(f"SVG illisible après nettoyage : {exc}") from exc
    try:
        if doc.documentElement is None or doc.documentElement.localName != "svg":
            raise BakeError("Ce fichier n'est pas une image SVG")
    finally:
        _release(doc)
    return clean

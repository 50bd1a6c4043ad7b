import io
import struct
import zlib

import pytest
from defusedxml import ElementTree as safe_etree
from PIL import Image

from badges.openbadges import bake


def _png(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body))


def _insert_after_ihdr(png: bytes, chunk: bytes) -> bytes:
    ihdr_end = 8 + 12 + 13
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def test_a_baked_png_gives_back_its_text_and_still_decodes():
    baked = bake.bake_png(_png(), '{"badge": "Soudure à l\'arc"}')
    assert bake.extract_png(baked) == ("openbadges", '{"badge": "Soudure à l\'arc"}')
    assert baked[37:41] == b"iTXt"  # right after IHDR
    Image.open(io.BytesIO(baked)).load()


def test_baking_again_replaces_the_earlier_badge():
    once = bake.bake_png(_png(), "first")
    twice = bake.bake_png(once, "second.jwt", keyword="openbadgecredential")
    assert twice.count(b"iTXt") == 1
    assert bake.extract_png(twice) == ("openbadgecredential", "second.jwt")


def test_it_replaces_a_ztxt_badge_written_by_another_tool():
    ztxt = _chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(b"https://old.example/a/1"))
    png = _insert_after_ihdr(_png(), ztxt)
    assert bake.extract_png(png) == ("openbadges", "https://old.example/a/1")
    baked = bake.bake_png(png, "new")
    assert b"zTXt" not in baked and bake.extract_png(baked) == ("openbadges", "new")


def test_it_reads_a_compressed_itxt_badge():
    body = b"openbadgecredential\0" + b"\1\0" + b"fr\0" + b"\0" + zlib.compress("{\"é\": 1}".encode())
    png = _insert_after_ihdr(_png(), _chunk(b"iTXt", body))
    assert bake.extract_png(png) == ("openbadgecredential", '{"é": 1}')


def test_it_reads_a_plain_text_badge_and_keeps_other_text_chunks():
    png = _insert_after_ihdr(_png(), _chunk(b"tEXt", b"Comment\0hello") + _chunk(b"tEXt", b"openbadges\0url"))
    assert bake.extract_png(png) == ("openbadges", "url")
    baked = bake.bake_png(png, "new")
    assert b"Comment\0hello" in baked and b"openbadges\0url" not in baked


def test_a_png_without_badge_extracts_nothing():
    assert bake.extract_png(_png()) is None


def test_it_refuses_what_is_not_a_png():
    with pytest.raises(bake.BakeError):
        bake.bake_png(b"GIF89a....", "x")
    with pytest.raises(bake.BakeError):
        bake.bake_png(_png()[:40], "x")


def test_check_png_refuses_a_decompression_bomb_from_its_header():
    assert bake.check_png(_png((10, 10)), max_pixels=100) == (10, 10)
    with pytest.raises(bake.BakeError):
        bake.check_png(_png((20, 20)), max_pixels=100)


SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">
  <circle r="4" onclick="steal()"/>
  <script>alert(document.cookie)</script>
  <a xlink:href="javascript:alert(1)"><rect width="2" height="2"/></a>
  <image href="https://tracker.example/pixel.png"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <use href="#local"/>
</svg>"""


def test_an_svg_bakes_and_extracts_an_ob2_assertion():
    baked = bake.bake_svg(SVG, '{"id": "https://x.example/a/1"}', verify_url="https://x.example/a/1")
    assert b'xmlns:openbadges="http://openbadges.org"' in baked
    assert bake.extract_svg(baked) == ("assertion", '{"id": "https://x.example/a/1"}', "https://x.example/a/1")


def test_an_svg_bake_replaces_the_earlier_credential():
    once = bake.bake_svg(SVG, "one", version="ob3")
    twice = bake.bake_svg(once, "two ]]> three", version="ob3")
    assert twice.count(b"<openbadges:credential") == 1
    assert bake.extract_svg(twice) == ("credential", "two ]]> three", "")


OB3_NS = "{https://purl.imsglobal.org/ob/v3p0}"


def test_an_ob3_svg_bakes_the_credential_in_the_ob3_namespace_right_after_the_svg_tag():
    baked = bake.bake_svg(SVG, '{"id": "urn:uuid:1"}', version="ob3")
    # What any namespace-aware reader sees (OB 3.0 §5.3.2), whatever prefix it expects.
    root = safe_etree.fromstring(baked)
    assert root[0].tag == f"{OB3_NS}credential"
    assert root[0].text == '{"id": "urn:uuid:1"}' and "verify" not in root[0].attrib
    assert root.find("{http://openbadges.org}credential") is None


def test_an_ob3_svg_carries_a_vc_jwt_in_the_verify_attribute():
    baked = bake.bake_svg(SVG, "aGVhZA.cGF5bG9hZA.c2ln", version="ob3")
    element = safe_etree.fromstring(baked)[0]
    assert element.tag == f"{OB3_NS}credential" and element.get("verify") == "aGVhZA.cGF5bG9hZA.c2ln"
    assert not (element.text or "").strip()
    assert bake.extract_svg(baked) == ("credential", "", "aGVhZA.cGF5bG9hZA.c2ln")


@pytest.mark.parametrize("prefix", ["openbadges", "ob", "obi3"])
def test_it_reads_an_ob3_credential_whatever_prefix_the_other_platform_chose(prefix):
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:{prefix}="https://purl.imsglobal.org/ob/v3p0">
      <{prefix}:credential><![CDATA[{{"id": "urn:uuid:2"}}]]></{prefix}:credential></svg>""".encode()
    assert bake.extract_svg(svg) == ("credential", '{"id": "urn:uuid:2"}', "")
    rebaked = bake.bake_svg(svg, '{"id": "urn:uuid:3"}', version="ob3")
    assert [e.tag for e in safe_etree.fromstring(rebaked)].count(f"{OB3_NS}credential") == 1


def test_it_reads_our_earlier_ob3_svgs_and_rebakes_them_in_the_ob3_namespace():
    older = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
      <openbadges:credential><![CDATA[{"id": "urn:uuid:4"}]]></openbadges:credential><circle r="1"/></svg>"""
    assert bake.extract_svg(older) == ("credential", '{"id": "urn:uuid:4"}', "")
    rebaked = bake.bake_svg(older, '{"id": "urn:uuid:5"}', version="ob3")
    assert bake.extract_svg(rebaked) == ("credential", '{"id": "urn:uuid:5"}', "")
    assert b"urn:uuid:4" not in rebaked and b"<circle" in rebaked


def test_an_element_of_another_namespace_is_not_a_badge():
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://example.org/not-badges">
      <openbadges:credential>{"id": "urn:uuid:6"}</openbadges:credential></svg>"""
    assert bake.extract_svg(svg) is None


def test_a_png_credential_is_an_uncompressed_itxt_openbadgecredential_chunk():
    text = '{"name": "Je sais créer une présentation"}'
    baked = bake.bake_png(_png(), text, keyword=bake.OB3_KEYWORD)
    (length,) = struct.unpack(">I", baked[33:37])
    assert baked[37:41] == b"iTXt"
    body = baked[41:41 + length]
    keyword, rest = body.split(b"\0", 1)
    assert keyword == b"openbadgecredential"
    assert rest[:2] == b"\0\0"  # compression flag 0 (MUST NOT compress), method 0
    assert rest[2:4] == b"\0\0"  # empty language tag and translated keyword
    assert rest[4:].decode("utf-8") == text
    assert baked.count(b"openbadgecredential") == 1


def test_svg_extraction_tolerates_whitespace_and_plain_text():
    svg = b"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
      <openbadges:assertion verify=" https://x.example/a/2 ">
      </openbadges:assertion></svg>"""
    assert bake.extract_svg(svg) == ("assertion", "", "https://x.example/a/2")


def test_sanitising_an_svg_strips_scripts_handlers_and_external_references():
    clean = bake.sanitise_svg(SVG)
    for bad in (b"<script", b"onclick", b"javascript:", b"tracker.example", b"foreignObject"):
        assert bad not in clean
    assert b'href="#local"' in clean and b"<circle" in clean


def test_sanitising_refuses_entity_expansion():
    bomb = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(bake.BakeError):
        bake.sanitise_svg(bomb)

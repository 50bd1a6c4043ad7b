import io
import struct
import zlib

import pytest
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

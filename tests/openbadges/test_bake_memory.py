"""Baking an SVG leaves nothing for the garbage collector: a worker child's heap is
large, full collections are rare, and each DOM holds the whole image (often a base64
raster of hundreds of KB), so DOMs left to the collector made workers grow."""

import gc
from xml.dom import minidom

from badges.openbadges import bake

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="data:image/png;base64,'
       + b"A" * 100_000 + b'"/></svg>')


def _dom_nodes() -> int:
    # type(), not isinstance(): a dead weak proxy among the objects raises when asked its class.
    return sum(1 for o in gc.get_objects() if issubclass(type(o), minidom.Node))


def test_baking_and_reading_an_svg_frees_its_dom_without_the_collector():
    gc.collect()
    gc.disable()
    try:
        before = _dom_nodes()
        baked = bake.bake_svg(SVG, '{"id": "https://badgehub.example/a/1"}', version="ob3")
        assert bake.extract_svg(baked)[1] == '{"id": "https://badgehub.example/a/1"}'
        bake.sanitise_svg(SVG)
        assert _dom_nodes() == before
    finally:
        gc.enable()

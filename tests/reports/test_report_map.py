"""The map of départements is drawn from pygal_maps_fr's outlines with every point rounded
to the unit (a third of a pixel at the page's width): the same shapes in a third of the bytes."""

import re

from pygal.maps.fr import DPT_MAP

from badges.reports.charts import _light_map, compact_path

NUMBER = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
ARITY = {"m": 2, "l": 2, "c": 6, "h": 1, "v": 1}


def points(d: str) -> list[tuple[float, float]]:
    """Every point a path passes through (end points and control points), absolute."""
    tokens, out, x, y, start, command, i = NUMBER.findall(d), [], 0.0, 0.0, (0.0, 0.0), "", 0
    while i < len(tokens):
        if tokens[i].isalpha():
            command, i = tokens[i], i + 1
            if command in "zZ":
                x, y = start
                continue
        kind, relative = command.lower(), command.islower()
        values = [float(t) for t in tokens[i:i + ARITY[kind]]]
        i += ARITY[kind]
        if kind == "h":
            values = [values[0], 0.0 if relative else y]
        elif kind == "v":
            values = [0.0 if relative else x, values[0]]
        pairs = [(x + a, y + b) if relative else (a, b) for a, b in zip(values[::2], values[1::2], strict=True)]
        out.extend(pairs)
        x, y = pairs[-1]
        if kind == "m":
            start, command = (x, y), ("l" if relative else "L")
    return out


def test_every_outline_keeps_its_shape_to_half_a_unit_with_no_drift_along_it():
    originals = re.findall(r'\sd="([^"]*)"', DPT_MAP)
    assert len(originals) > 100
    for original in originals:
        light = compact_path(original)
        # Points that rounded onto the previous one are left out: compare where each outline ends.
        ends_before, ends_after = points(original)[-1], points(light)[-1]
        assert abs(ends_before[0] - ends_after[0]) <= 0.5 and abs(ends_before[1] - ends_after[1]) <= 0.5
        for px, py in points(light):
            assert px == round(px) and py == round(py)
    for before, after in zip(re.findall(r'\sd="([^"]*)"', DPT_MAP), re.findall(r'\sd="([^"]*)"', _light_map()),
                             strict=True):
        kept = set(points(after))
        assert all((round(px), round(py)) in kept for px, py in points(before)[::50])


def test_the_light_map_is_a_third_of_the_original():
    assert len(_light_map()) < len(DPT_MAP) / 3
    assert _light_map().count('class="z70 departement') == 1

"""Charts drawn on the server as SVG by pygal (maps: pygal_maps_fr).

The page forbids inline scripts and styles (Content-Security-Policy): each chart is
stripped of pygal's <script> (tooltips), <style> and style attributes through pygal's
own ``add_xml_filter`` hook, and is styled by static/css/reports.css instead."""

import re
from functools import cache

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.maps.fr import DPT_MAP, Departments
from pygal.style import Style

from badges.reports.sections import Chart

STYLE = Style(
    background="transparent", plot_background="transparent", font_family="system-ui, sans-serif",
    label_font_size=18, major_label_font_size=18, legend_font_size=18, value_font_size=16, tooltip_font_size=16,
    colors=("#1d4ed8", "#f59e0b", "#059669", "#db2777"),
)
WIDTH = 640


# --- A lighter map -----------------------------------------------------------------------
# pygal_maps_fr draws France with coordinates to 1/100,000 of a unit on a 2000-unit-wide
# map (600 KB of SVG, parsed again at each chart): drawn 640 px wide, a whole unit is a
# third of a pixel. Each point is rounded to the unit on its absolute position (so that
# rounding never accumulates along a border) and written back as relative moves.
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARITY = {"m": 2, "l": 2, "c": 6, "h": 1, "v": 1, "z": 0}


def compact_path(d: str) -> str:
    """``d`` with every point rounded to the unit, as relative commands; ``d`` itself when it
    uses a command this does not know (arcs, smooth curves)."""
    tokens = _PATH_TOKEN.findall(d)
    out: list[str] = []
    exact = start_exact = (0.0, 0.0)
    rounded = start_rounded = (0, 0)
    i, command = 0, ""
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
            if command.lower() == "z":
                out.append("z")
                exact, rounded = start_exact, start_rounded
                continue
        if command.lower() not in _ARITY:
            return d
        arity = _ARITY[command.lower()]
        values = [float(token) for token in tokens[i:i + arity]]
        if len(values) < arity or any(token.isalpha() for token in tokens[i:i + arity]):
            return d
        i += arity
        relative = command.islower()
        kind = command.lower()
        if kind == "h":
            values, kind = [values[0], 0.0 if relative else exact[1]], "l"
        elif kind == "v":
            values, kind = [0.0 if relative else exact[0], values[0]], "l"
        points = []
        for x, y in zip(values[::2], values[1::2], strict=True):
            points.append((exact[0] + x, exact[1] + y) if relative else (x, y))
        moves = [(round(x) - rounded[0], round(y) - rounded[1]) for x, y in points]
        if kind != "m" and not any(dx or dy for dx, dy in moves):
            exact = points[-1]  # nothing to draw at this size: the point stays where it was
            continue
        out.append(("m" if kind == "m" else kind) + " ".join(f"{dx},{dy}" for dx, dy in moves).replace(" -", "-"))
        exact = points[-1]
        rounded = (round(exact[0]), round(exact[1]))
        if kind == "m":
            start_exact, start_rounded = exact, rounded
            command = "l" if relative else "L"  # further pairs after a move are lines
    return "".join(out)


@cache
def _light_map() -> str:
    return re.sub(r'(\sd=")([^"]*)(")', lambda m: m.group(1) + compact_path(m.group(2)) + m.group(3), DPT_MAP)


class LightDepartments(Departments):
    @property
    def svg_map(self) -> str:
        return _light_map()


def _without_inline_code(title: str):
    def xml_filter(root):
        for node in list(root.iter()):
            tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
            if tag in ("script", "style") or "tooltip" in (node.get("class") or "").split():
                node.getparent().remove(node) if hasattr(node, "getparent") else None
                continue
            style = node.attrib.pop("style", None)
            # The map shades each département with a style attribute: keep it as the
            # equivalent presentation attribute, which the CSP allows.
            if style and style.strip().startswith("fill-opacity:"):
                node.set("fill-opacity", style.split(":", 1)[1].strip())
            if tag == "title" and node.getparent() is root:
                node.text = title
        root.attrib.pop("id", None)
        root.set("role", "img")
        root.set("aria-label", title)
        root.set("class", "report-chart")
        return root

    return xml_filter


def _config(title: str, **extra) -> dict:
    return {"style": STYLE, "disable_xml_declaration": True, "js": [], "no_prefix": True,
            "width": WIDTH, "print_values": False,
            "truncate_label": 30, "show_legend": False, "margin": 8, **extra}


def chart_svg(chart: Chart, title: str) -> SafeString:
    many = len(chart.series) > 1
    if chart.kind == "map":
        graph = LightDepartments(**_config(title, height=560))
        graph.add(chart.series[0][0], dict(zip(chart.labels, chart.series[0][1], strict=True)))
    elif chart.kind == "hbar":
        height = 90 + 46 * len(chart.labels) * (len(chart.series) if many else 1)
        graph = pygal.HorizontalBar(**_config(title, height=min(max(height, 180), 1400), show_legend=many,
                                              legend_at_bottom=True, print_values=True))
        graph.x_labels = chart.labels
        for legend, values in chart.series:
            graph.add(legend, values)
    else:
        graph = pygal.Bar(**_config(title, height=380, x_label_rotation=-45, show_minor_x_labels=len(
            chart.labels) <= 13, x_labels_major_every=3 if len(chart.labels) > 13 else None))
        graph.x_labels = chart.labels
        for legend, values in chart.series:
            graph.add(legend, values)
    graph.add_xml_filter(_without_inline_code(title))
    # pygal writes the SVG of our own numbers and labels, escaped by its XML serialiser.
    return mark_safe(graph.render(is_unicode=True))  # noqa: S308

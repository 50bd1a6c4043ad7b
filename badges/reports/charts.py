"""Charts drawn on the server as SVG by pygal (maps: pygal_maps_fr).

The page forbids inline scripts and styles (Content-Security-Policy): each chart is
stripped of pygal's <script> (tooltips), <style> and style attributes through pygal's
own ``add_xml_filter`` hook, and is styled by static/css/reports.css instead."""

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.maps.fr import Departments
from pygal.style import Style

from badges.reports.sections import Chart

STYLE = Style(
    background="transparent", plot_background="transparent", font_family="system-ui, sans-serif",
    label_font_size=18, major_label_font_size=18, legend_font_size=18, value_font_size=16, tooltip_font_size=16,
    colors=("#1d4ed8", "#f59e0b", "#059669", "#db2777"),
)
WIDTH = 640


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
        graph = Departments(**_config(title, height=560))
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

"""Reports kept once computed, per filter set, until something they count changes.

A report's figures take a few hundred milliseconds of aggregate SQL over a network's
badges; its charts, a few more of pygal. Both are kept in the shared cache as pieces of
badges/document_cache.py, depending on each issuer's ``report:<pk>`` scope (replaced when
a badge is issued, claimed, made public or private, revoked, shared, when an application
or an enrolment changes) and ``issuer:<pk>`` scope (its names, badge classes and
endorsements). Writes that bypass them (raw SQL, rows bulk-created outside the services,
a mediator renaming themselves) show after REPORT_TTL_S at most. The IAE time-based steps
depend on the clock and are counted at every request."""

import hashlib
from dataclasses import fields

from django.utils.translation import get_language

from badges import document_cache
from badges.reports.access import Scope
from badges.reports.charts import chart_svg
from badges.reports.figures import Report, report_build, time_steps_build
from badges.reports.filters import Filters
from badges.reports.sections import Section

REPORT_TTL_S = 600
_NOT_KEPT = {"scope", "filters", "time_steps"}


def _key(kind: str, scope: Scope, filters: Filters) -> str:
    def pk(obj) -> str:
        return str(obj.pk) if obj is not None else ""

    parts = [scope.kind, ",".join(map(str, scope.issuer_ids)), pk(scope.mediator), filters.start, filters.end,
             pk(filters.badge), pk(filters.pathway), filters.via, pk(filters.mediator), pk(filters.issuer),
             filters.departement, filters.commune, get_language()]
    return f"report-{kind}:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]


def _scopes(scope: Scope) -> tuple[str, ...]:
    return tuple(document_cache.report_scope(pk) for pk in scope.issuer_ids) + tuple(
        document_cache.issuer_scope(pk) for pk in scope.issuer_ids)


def report_kept(*, scope: Scope, filters: Filters) -> Report:
    """The report of ``scope`` for ``filters``: kept figures while current, else computed and kept."""
    key, scopes = _key("figures", scope, filters), _scopes(scope)
    kept, _, generations = document_cache.piece_lookup(key, scopes, local=False)
    if kept is not None:
        report = Report(scope=scope, filters=filters, **{name: _copy(value) for name, value in kept.items()})
        if scope.mediator is None:
            report.time_steps = time_steps_build(scope=scope, filters=filters)
        return report
    report = report_build(scope=scope, filters=filters)
    figures = {f.name: getattr(report, f.name) for f in fields(Report) if f.name not in _NOT_KEPT}
    document_cache.piece_keep(key, figures, scopes=scopes, read=generations, expected=scopes, ttl=REPORT_TTL_S)
    return report


def charts_kept(*, report: Report, sections: list[Section]) -> dict[str, str]:
    """The SVG charts of the report's sections, drawn once per kept report."""
    key, scopes = _key("charts", report.scope, report.filters), _scopes(report.scope)
    kept, _, generations = document_cache.piece_lookup(key, scopes, local=False)
    if kept is not None:
        return kept
    charts = {section.key: chart_svg(section.chart, section.title) for section in sections
              if section.chart is not None and section.rows}
    document_cache.piece_keep(key, charts, scopes=scopes, read=generations, expected=scopes, ttl=REPORT_TTL_S)
    return charts


def _copy(value):
    # Each report gets its own lists, whatever the cache backend hands back.
    if isinstance(value, list):
        return [dict(row) if isinstance(row, dict) else row for row in value]
    if isinstance(value, dict):
        return dict(value)
    return value

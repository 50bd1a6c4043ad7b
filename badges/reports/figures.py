"""Every figure of an activity report, from aggregate SQL: the number of queries does
not grow with the number of badges (a dozen queries, whatever the period).

A period is a range on the indexed ``issued_on`` column (local midnight to local
midnight), never a cast of each row to a local date."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from badges.coop import Autonomie, Thematique
from badges.models import Application, Assertion, BadgeClass, ShareOpen
from badges.reports import dialect
from badges.reports.access import Scope
from badges.reports.filters import Filters
from endorsements.models import Endorsement
from issuers.models import Issuer
from pathways.models import Enrolment, Pathway, PathwayStep

# Statistical secrecy of the Coop export, a file meant to leave the network: a line about
# fewer people than this gives no figure ("< 5" people, badges left empty), so that nobody
# can be recognised from a commune, a month and a thématique.
COOP_SMALL_COUNT = 5
# A time-based step whose delay passed this long ago without confirmation is late.
LATE_AFTER_DAYS = 30


@dataclass
class Report:
    scope: Scope
    filters: Filters
    totals: dict
    months: list[dict]
    by_badge: list[dict]
    by_way: list[dict]
    by_mediator: list[dict]
    by_issuer: list[dict]
    by_departement: list[dict]
    applications: dict
    endorsements: dict
    pathways: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    time_steps: list[dict] = field(default_factory=list)
    by_thematique: list[dict] = field(default_factory=list)
    by_autonomie: list[dict] = field(default_factory=list)
    shares: dict = field(default_factory=dict)

    @property
    def own_activity_only(self) -> bool:
        return self.scope.mediator is not None


def period_bounds(filters: Filters) -> tuple[datetime, datetime]:
    """[local midnight of the first day, local midnight after the last day)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(filters.start, time.min), tz)
    end = timezone.make_aware(datetime.combine(filters.end + timedelta(days=1), time.min), tz)
    return start, end


def _issuer_ids(scope: Scope, filters: Filters) -> list[int]:
    issuers = [filters.issuer] if filters.issuer else scope.issuers
    return [
        issuer.pk for issuer in issuers
        if (not filters.departement or issuer.departement == filters.departement)
        and (not filters.commune or issuer.commune_insee == filters.commune)
    ]


def _pathway_badge_ids(pathway: Pathway) -> list[int]:
    ids = list(PathwayStep.objects.filter(pathway=pathway).values_list("badge_class_id", flat=True))
    return ids + ([pathway.key_badge_id] if pathway.key_badge_id else [])


def assertions_in_scope(scope: Scope, filters: Filters, pathway_badges: list[int] | None) -> QuerySet:
    """The badges the report counts, every filter applied but the period. The scope's badge
    classes are given as a list, not through a join on their issuer: the planner then reads
    from its statistics how many badges each class holds (a join makes it assume the average,
    10× too few for a big structure, and choose a plan for that)."""
    badge_ids = list(BadgeClass.objects.filter(issuer__in=_issuer_ids(scope, filters)).values_list("pk", flat=True))
    qs = Assertion.objects.filter(badge_class_id__in=badge_ids)
    if filters.badge:
        qs = qs.filter(badge_class=filters.badge)
    if pathway_badges is not None:
        qs = qs.filter(badge_class__in=pathway_badges)
    if filters.via:
        qs = qs.filter(issued_via=filters.via)
    if filters.mediator:
        qs = qs.filter(issued_by=filters.mediator)
    return qs


def _people(prefix: str = "") -> dict:
    return {"count": Count("pk"), "beneficiaries": Count(f"{prefix}recipient_email", distinct=True)}


def _months(filters: Filters, rows: list[dict]) -> list[dict]:
    counted = {row["month"]: row for row in rows}
    months, month = [], filters.start.replace(day=1)
    while month <= filters.end:
        row = counted.get(month, {})
        months.append({"month": month, "count": row.get("count", 0), "beneficiaries": row.get("beneficiaries", 0)})
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def report_build(*, scope: Scope, filters: Filters) -> Report:
    with _tuned():
        return _report_build(scope, filters)


def _report_build(scope: Scope, filters: Filters) -> Report:
    start, end = period_bounds(filters)
    pathway_badges = _pathway_badge_ids(filters.pathway) if filters.pathway else None
    base = assertions_in_scope(scope, filters, pathway_badges)
    period = base.filter(issued_on__gte=start, issued_on__lt=end)

    breakdowns, hashed = _breakdowns(period, scope)
    totals = breakdowns["totals"][0] if breakdowns["totals"] else {
        "count": 0, "beneficiaries": 0, "claimed": 0, "public": 0, "revoked": 0}
    totals = {"issued": totals["count"], "beneficiaries": totals["beneficiaries"], "claimed": totals["claimed"],
              "public": totals["public"], "revoked": totals["revoked"]}
    # Returning: people who already held a badge of the same scope before the period.
    earlier = base.filter(recipient_email=OuterRef("recipient_email"), issued_on__lt=start)
    totals["returning"] = period.filter(Exists(earlier)).aggregate(
        n=Count(dialect.bytewise("recipient_email"), distinct=True))["n"]
    totals["new"] = totals["beneficiaries"] - totals["returning"]
    totals["claim_rate"] = _rate(totals["claimed"], totals["issued"])
    totals["public_rate"] = _rate(totals["public"], totals["issued"])

    months = _months(filters, breakdowns["months"])
    by_badge = sorted(breakdowns["badges"], key=lambda row: (-row["count"], row["badge_class__name"]))
    labels = dict(Assertion.Via.choices)
    by_way = sorted(({"way": str(labels.get(row["issued_via"], row["issued_via"])), **row}
                     for row in breakdowns["ways"]), key=lambda row: (-row["count"], row["issued_via"]))
    by_mediator = sorted((
        {**row, "name": " ".join(filter(None, [row["issued_by__first_name"], row["issued_by__last_name"]]))
         or row["issued_by__username"] or ""} for row in breakdowns["mediators"]),
        key=lambda row: (-row["count"], row["issued_by__username"] or ""))
    by_issuer = sorted(breakdowns["issuers"], key=lambda row: row["badge_class__issuer__name"])
    by_departement = sorted((row for row in breakdowns["departements"] if row["badge_class__issuer__departement"]),
                            key=lambda row: row["badge_class__issuer__departement"])

    report = Report(
        scope=scope, filters=filters, totals=totals, months=months, by_badge=by_badge, by_way=by_way,
        by_mediator=by_mediator, by_issuer=by_issuer, by_departement=by_departement,
        applications=_applications(scope, filters, pathway_badges, start, end),
        endorsements=_endorsements(scope, filters, pathway_badges, start, end),
    )
    report.shares = _shares(base, filters)
    report.by_thematique = _thematiques(period, scope, filters, hashed=hashed)
    report.by_autonomie = _autonomie(breakdowns["autonomie"])
    if scope.mediator is None:
        report.pathways, report.steps = _pathways(scope, filters, start, end)
        report.time_steps = _time_steps(scope, filters, start, end)
    return report


def _applications(scope, filters, pathway_badges, start, end) -> dict:
    qs = Application.objects.filter(badge_class__issuer__in=_issuer_ids(scope, filters),
                                    submitted_at__gte=start, submitted_at__lt=end)
    if filters.badge:
        qs = qs.filter(badge_class=filters.badge)
    if pathway_badges is not None:
        qs = qs.filter(badge_class__in=pathway_badges)
    if filters.via and filters.via != Assertion.Via.APPLICATION:
        qs = qs.none()
    if filters.mediator:
        qs = qs.filter(reviewer=filters.mediator)
    status = Application.Status
    result = qs.aggregate(
        submitted=Count("pk"),
        accepted=Count("pk", filter=Q(status=status.ACCEPTED)),
        refused=Count("pk", filter=Q(status=status.REFUSED)),
        more_evidence=Count("pk", filter=Q(status=status.MORE_EVIDENCE)),
        pending=Count("pk", filter=Q(status=status.SUBMITTED)),
    )
    result["median_days"] = dialect.median_days(qs.filter(decided_at__isnull=False), "decided_at",
                                                "submitted_at").get(None)
    return result


def _endorsements(scope, filters, pathway_badges, start, end) -> dict:
    ids = _issuer_ids(scope, filters)
    qs = Endorsement.objects.published().filter(created_at__gte=start, created_at__lt=end)
    badge_targets = Q(badge_class__issuer__in=ids) | Q(assertion__badge_class__issuer__in=ids)
    if filters.badge or pathway_badges is not None:
        badges = [filters.badge.pk] if filters.badge else pathway_badges
        qs = qs.filter(Q(badge_class__in=badges) | Q(assertion__badge_class__in=badges))
    else:
        qs = qs.filter(badge_targets | Q(issuer__in=ids))
    if filters.mediator:
        qs = qs.filter(assertion__issued_by=filters.mediator)
    return qs.aggregate(
        total=Count("pk"),
        badges=Count("pk", filter=Q(badge_class__isnull=False)),
        issuers=Count("pk", filter=Q(issuer__isnull=False)),
        assertions=Count("pk", filter=Q(assertion__isnull=False)),
        endorsers=Count("endorser", distinct=True),
    )


def _shares(base: QuerySet, filters: Filters) -> dict:
    """Opens of the public page from a shared link during the period, for the badges in scope
    (issued whenever): per source, and how many badges were opened at least once."""
    qs = ShareOpen.objects.filter(day__gte=filters.start, day__lte=filters.end, assertion__in=base.values("pk"))
    sources = ShareOpen.Source.values
    result = qs.aggregate(
        all_opens=Sum("opens", default=0), all_badges=Count("assertion", distinct=True),
        **{f"opens_{source}": Sum("opens", filter=Q(source=source), default=0) for source in sources},
        **{f"badges_{source}": Count("assertion", distinct=True, filter=Q(source=source)) for source in sources},
    )
    labels = dict(ShareOpen.Source.choices)
    return {"opens": result["all_opens"], "badges": result["all_badges"],
            "by_source": [{"source": source, "label": str(labels[source]), "opens": result[f"opens_{source}"],
                           "badges": result[f"badges_{source}"]} for source in sources]}


# The columns the breakdowns read, from one scan of the period's badges: ids and short
# codes only (names are looked up afterwards), so that the sorts stay narrow.
COLUMNS = {
    "badge": "badge_class_id", "issuer": "badge_class__issuer_id", "departement": "badge_class__issuer__departement",
    "autonomie": "badge_class__coop_autonomie", "by": "issued_by_id", "via": "issued_via",
    "email": "recipient_email", "claimed": "claimed_at", "visibility": "visibility", "revoked": "revoked",
}
# ... and the local month of issue (c_month), as the ORM writes it for the database in use.
SQL_NAMES = {alias: f"c_{alias}" for alias in [*COLUMNS, "month"]}
# Each breakdown is one grouping set of a single query (GROUPING SETS: one scan for all; on SQLite
# one GROUP BY per set, see dialect.grouped).
GROUPINGS = {
    "totals": [],
    "months": ["month"],
    "badges": ["badge"],
    "ways": ["via"],
    "mediators": ["by", "issuer"],
    "issuers": ["issuer"],
    "departements": ["departement"],
    "autonomie": ["autonomie"],
}
KEYS = ["month", "badge", "via", "by", "issuer", "departement", "autonomie"]


def _period_sql(period: QuerySet) -> tuple[str, list] | None:
    """The period's badges with the columns above (as c_badge, c_issuer…), as SQL to select
    from; None when the filters leave nothing to select (no issuer matches them)."""
    qs = period.order_by().annotate(
        **{SQL_NAMES[alias]: F(path) for alias, path in COLUMNS.items()},
        c_month=TruncMonth("issued_on", tzinfo=timezone.get_current_timezone()))
    try:
        sql, params = qs.values(*SQL_NAMES.values()).query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, list(params)


def _breakdowns(period: QuerySet, scope: Scope) -> tuple[dict[str, list[dict]], bool]:
    """The breakdowns, and whether distinct people could be counted on hashes of the
    addresses (exactly: see _exactly_hashed) for the other figures of the same period."""
    result: dict[str, list[dict]] = {name: [] for name in GROUPINGS}
    selected = _period_sql(period)
    if selected is None:
        return result, False
    sql, params = selected
    columns = [SQL_NAMES[key] for key in KEYS]

    def grouped(hashed: bool) -> list[tuple]:
        return _aggregate(dialect.grouped(
            sql, [[SQL_NAMES[key] for key in keys] for keys in GROUPINGS.values()],
            f"COUNT(*), {dialect.people('c_email', hashed=hashed)}, COUNT(*) FILTER (WHERE c_claimed IS NOT NULL), "
            f"COUNT(*) FILTER (WHERE c_visibility = 'public'), COUNT(*) FILTER (WHERE c_revoked)", columns), params)

    hashed = dialect.postgresql()
    rows = grouped(hashed)
    if hashed and not _exactly_hashed(sql, params, rows):
        hashed, rows = False, grouped(False)
    masks = {dialect.mask(KEYS, keys): name for name, keys in GROUPINGS.items()}
    for mask, *values in rows:
        row = dict(zip(KEYS, values[:len(KEYS)], strict=True))
        count, people, claimed, public, revoked = (int(value) for value in values[len(KEYS):])
        name = masks[mask]
        out = {key: row[key] for key in GROUPINGS[name]}
        if name == "months":
            out["month"] = _month(out["month"])
        result[name].append({**out, "count": count, "beneficiaries": people, "claimed": claimed,
                             "public": public, "revoked": revoked})
    # Names, from two small lookups (the issuers are already in the scope).
    issuers = {issuer.pk: issuer for issuer in scope.issuers}
    badges = BadgeClass.objects.in_bulk({row["badge"] for row in result["badges"]})
    users = get_user_model().objects.in_bulk({row["by"] for row in result["mediators"] if row["by"]})
    for row in result["badges"]:
        badge = badges[row["badge"]]
        row.update(badge_class__name=badge.name, badge_class__issuer__name=issuers[badge.issuer_id].name)
    for row in result["mediators"] + result["issuers"]:
        issuer = issuers[row["issuer"]]
        row.update(badge_class__issuer__name=issuer.name, badge_class__issuer__commune_insee=issuer.commune_insee,
                   badge_class__issuer__departement=issuer.departement)
    for row in result["mediators"]:
        user = users.get(row["by"])
        row.update(issued_by=row["by"], issued_by__first_name=user.first_name if user else "",
                   issued_by__last_name=user.last_name if user else "",
                   issued_by__username=user.username if user else "")
    for row in result["ways"]:
        row["issued_via"] = row["via"]
    for row in result["departements"]:
        row["badge_class__issuer__departement"] = row["departement"]
    for row in result["autonomie"]:
        row["badge_class__coop_autonomie"] = row["autonomie"]
    return result, hashed


def _exactly_hashed(sql: str, params: list, rows: list[tuple]) -> bool:
    """Whether the people counted on hashes are the people: true when the period's
    addresses have as many distinct hashes as distinct values (no two share a hash), then
    every group's count is exact too. Checked by one count of the addresses themselves,
    cheaper than the eight of the breakdowns; a collision (odds ~1e-10 for 100,000 people)
    has them counted again on the text."""
    everyone = dialect.mask(KEYS, [])
    hashes = next((values[len(KEYS) + 1] for mask, *values in rows if mask == everyone), 0)
    people = _aggregate(f"SELECT {dialect.people('p.c_email')} FROM ({sql}) AS p", params)[0][0]
    return people == hashes


def _month(value) -> date:
    """The first day of a truncated month as the database hands it back (a timestamp, or
    text from SQLite's raw rows)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.date() if isinstance(value, datetime) else value


def _aggregate(query: str, params: list | dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@contextmanager
def _tuned():
    """One transaction for a report's queries, tuned for them: the sorts of the period's
    rows (distinct people per group) stay in memory, and no JIT compilation, which costs
    more than these sub-second aggregates save (PostgreSQL spent ~0.9 s compiling the
    thématiques query before its row estimate was fixed)."""
    with transaction.atomic():
        if dialect.postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)")
        yield


def _thematique_pairs(scope: Scope, filters: Filters) -> tuple[list[int], list[str]]:
    """(badge class id, thématique code) of the badge classes in scope, as two parallel
    lists, joined to the period's rows as a table (dialect.pairs)."""
    badges, codes = [], []
    for pk, thematiques in BadgeClass.objects.filter(issuer__in=_issuer_ids(scope, filters)).exclude(
            coop_thematiques=[]).values_list("pk", "coop_thematiques"):
        for code in thematiques or []:
            badges.append(pk)
            codes.append(code)
    return badges, codes


def _thematiques(period: QuerySet, scope: Scope, filters: Filters, *, hashed: bool = False) -> list[dict]:
    """Badges and people by Coop thématique (a badge may carry several); people on hashes of
    their addresses when the breakdowns found that exact for the same period."""
    badges, codes = _thematique_pairs(scope, filters)
    if not badges:
        return []
    table, table_params = dialect.pairs(badges, codes)
    rows = _over_period(period, lambda sql: (
        f"SELECT t.code, COUNT(*), {dialect.people('p.c_email', hashed=hashed)} FROM ({sql}) AS p "
        f"JOIN {table} ON t.badge = p.c_badge GROUP BY t.code"), trailing=table_params)
    labels = dict(Thematique.choices)
    return [{"code": code, "label": str(labels.get(code, code)), "count": count, "beneficiaries": people}
            for code, count, people in sorted(rows, key=lambda row: (-row[1], row[0]))]


def _over_period(period: QuerySet, query, *leading_params, trailing=()) -> list[tuple]:
    """Rows of ``query(period_sql)``: an aggregate over the period's assertions as a subquery
    (``leading_params`` come before the subquery's own, ``trailing`` after). No rows when the
    period selects nothing."""
    selected = _period_sql(period)
    if selected is None:
        return []
    sql, params = selected
    return _aggregate(query(sql), [*leading_params, *params, *trailing])


def _autonomie(rows: list[dict]) -> list[dict]:
    labels = dict(Autonomie.choices)
    order = list(labels)
    return sorted(({"code": row["badge_class__coop_autonomie"], "count": row["count"],
                    "beneficiaries": row["beneficiaries"], "label": str(labels[row["badge_class__coop_autonomie"]])}
                   for row in rows if row["badge_class__coop_autonomie"] in labels),
                  key=lambda row: order.index(row["code"]))


def _pathways(scope, filters, start, end) -> tuple[list[dict], list[dict]]:
    pathways = Pathway.objects.filter(issuer__in=_issuer_ids(scope, filters))
    if filters.pathway:
        pathways = pathways.filter(pk=filters.pathway.pk)
    started = Q(enrolments__started_on__gte=start, enrolments__started_on__lt=end)
    completed = Q(enrolments__completed_at__gte=start, enrolments__completed_at__lt=end)
    rows = list(pathways.values("pk", "name", "issuer__name", "key_badge__name").annotate(
        enrolled=Count("enrolments", filter=started),
        completed=Count("enrolments", filter=completed),
    ).order_by("issuer__name", "position", "name"))
    medians = dialect.median_days(
        Enrolment.objects.filter(pathway__in=[row["pk"] for row in rows], completed_at__gte=start,
                                 completed_at__lt=end), "completed_at", "started_on", group="pathway_id")
    for row in rows:
        row["median_days"] = medians.get(row["pk"])
    held = Q(badge_class__assertions__issued_on__gte=start, badge_class__assertions__issued_on__lt=end,
             badge_class__assertions__revoked=False)
    steps = list(PathwayStep.objects.filter(pathway__in=[row["pk"] for row in rows])
                 .values("pathway__name", "order", "badge_class__name", "min_delay_days")
                 .annotate(reached=Count(dialect.bytewise("badge_class__assertions__recipient_email"), distinct=True,
                                         filter=held))
                 .order_by("pathway__issuer__name", "pathway__position", "pathway__name", "order"))
    return rows, steps


def time_steps_build(*, scope: Scope, filters: Filters) -> list[dict]:
    with _tuned():
        return _time_steps(scope, filters, *period_bounds(filters))


def _time_steps(scope, filters, start, end) -> list[dict]:
    """Time-based steps (IAE): for each, the people whose delay fell due in the period
    (and has passed), those confirmed (step badge held) and those late (due for more
    than LATE_AFTER_DAYS days, not confirmed). One query."""
    pathways = Pathway.objects.filter(issuer__in=_issuer_ids(scope, filters))
    if filters.pathway:
        pathways = pathways.filter(pk=filters.pathway.pk)
    ids = list(pathways.values_list("pk", flat=True))
    if not ids:
        return []
    now = timezone.now()
    s, p, e = PathwayStep._meta.db_table, Pathway._meta.db_table, Enrolment._meta.db_table
    b, a = BadgeClass._meta.db_table, Assertion._meta.db_table
    due = dialect.after_days("e.started_on", "s.min_delay_days")
    (late_before, late_params), (since, since_params), (until, until_params) = (
        dialect.moment(moment) for moment in (now - timedelta(days=LATE_AFTER_DAYS), start, min(end, now)))
    in_pathways, pathway_params = dialect.any_of("pathway_id", ids)
    in_pathways_s, _ = dialect.any_of("s.pathway_id", ids)
    sql = f"""
        SELECT p.name, b.name, s.min_delay_days, COUNT(*),
               COUNT(held.badge_class_id),
               COUNT(*) FILTER (WHERE held.badge_class_id IS NULL AND {due} < {late_before})
        FROM {s} s
        JOIN {p} p ON p.id = s.pathway_id
        JOIN {b} b ON b.id = s.badge_class_id
        JOIN {e} e ON e.pathway_id = s.pathway_id
        -- Who holds a time-based step's badge: read for those badge classes only (their index),
        -- not hashed over the whole table.
        LEFT JOIN (
            SELECT DISTINCT a.badge_class_id, a.recipient_email FROM {a} a
            WHERE NOT a.revoked AND a.badge_class_id IN (
                SELECT badge_class_id FROM {s} WHERE min_delay_days > 0 AND {in_pathways})
        ) held ON held.badge_class_id = s.badge_class_id AND held.recipient_email = e.recipient_email
        WHERE s.min_delay_days > 0 AND {in_pathways_s}
          AND {due} >= {since} AND {due} < {until}
        GROUP BY p.name, p.position, s."order", b.name, s.min_delay_days
        ORDER BY p.position, p.name, s."order"
    """
    rows = _aggregate(sql, [*late_params, *pathway_params, *pathway_params, *since_params, *until_params])
    return [{"pathway": pathway, "badge": badge, "delay": delay, "due": due_count, "confirmed": confirmed,
             "late": late} for pathway, badge, delay, due_count, confirmed, late in rows]


def coop_rows(*, scope: Scope, filters: Filters) -> list[dict]:
    """The anonymised figures for the Coop: badges and distinct people per month,
    commune, département, thématique and autonomy level. No name, no e-mail."""
    with _tuned():
        return _coop_rows(scope, filters)


def _coop_rows(scope: Scope, filters: Filters) -> list[dict]:
    start, end = period_bounds(filters)
    pathway_badges = _pathway_badge_ids(filters.pathway) if filters.pathway else None
    period = assertions_in_scope(scope, filters, pathway_badges).filter(issued_on__gte=start, issued_on__lt=end)
    table, table_params = dialect.pairs(*_thematique_pairs(scope, filters))
    rows = _over_period(period, lambda sql: (
        f"SELECT p.c_month, i.commune_insee, p.c_departement, COALESCE(t.code, ''), p.c_autonomie, COUNT(*), "
        f"{dialect.people('p.c_email')} "
        f"FROM ({sql}) AS p JOIN {Issuer._meta.db_table} i ON i.id = p.c_issuer "
        f"LEFT JOIN {table} ON t.badge = p.c_badge "
        f"GROUP BY p.c_month, i.commune_insee, p.c_departement, COALESCE(t.code, ''), p.c_autonomie"),
        trailing=table_params)
    rows = sorted(((_month(month), *rest) for month, *rest in rows),
                  key=lambda row: (row[0], *(value or "" for value in (row[1], row[3], row[4], row[2]))))
    return [{"date": month, "lieu_code_insee": commune, "structure_code_departement": departement,
             "thematique": thematique, "autonomie": autonomie, "badges_delivres": count, "beneficiaires": people,
             "secret": people < COOP_SMALL_COUNT}
            for month, commune, departement, thematique, autonomie, count, people in rows]


def month_label(month: date) -> str:
    return f"{month:%m/%Y}"

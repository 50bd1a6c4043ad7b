"""The SQL the report writes itself, for PostgreSQL (production) and SQLite (the embedded
default the demo runs on). Both give the same figures; PostgreSQL gets its faster forms
(one GROUPING SETS scan, unnest() with known row counts, byte-wise sorts of addresses)."""

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet
from django.db.models.functions import Collate


def postgresql() -> bool:
    return connection.vendor == "postgresql"


def bytewise(expression):
    """``expression`` compared byte by byte: on PostgreSQL the same equality as the
    database's collation for e-mail addresses, and a much cheaper sort; SQLite's default
    collation (BINARY) already is."""
    return Collate(expression, "C") if postgresql() else expression


def people(column: str, *, hashed: bool = False) -> str:
    """Distinct people of a group, from the column holding their address; ``hashed``
    (PostgreSQL only) counts 64-bit hashes of the addresses instead, a third cheaper than
    sorting the text: exact only where no two addresses share a hash, which the caller
    checks (figures._exactly_hashed)."""
    if hashed:
        return f"COUNT(DISTINCT hashtextextended({column}, 0))"
    return f'COUNT(DISTINCT {column} COLLATE "C")' if postgresql() else f"COUNT(DISTINCT {column})"


def pairs(badges: list[int], codes: list[str]) -> tuple[str, list]:
    """(badge class id, code) pairs as a table ``t(badge, code)`` to join, with its parameters.
    PostgreSQL reads two arrays through unnest(), whose row count the planner knows (a
    per-row jsonb_array_elements would be estimated at 100 rows each); elsewhere a VALUES list."""
    if postgresql():
        return "unnest(%s::bigint[], %s::text[]) AS t(badge, code)", [badges, codes]
    if not badges:
        return "(SELECT NULL AS badge, NULL AS code WHERE 1 = 0) AS t", []
    values = ", ".join(["(%s, %s)"] * len(badges))
    params = [value for pair in zip(badges, codes, strict=True) for value in pair]
    return f"(SELECT column1 AS badge, column2 AS code FROM (VALUES {values})) AS t", params


def grouped(select: str, sets: list[list[str]], aggregates: str, keys: list[str]) -> str:
    """One row per group of each grouping set over the rows of ``select`` (aliased r), as
    (mask, *keys, *aggregates); the mask says which keys a row is not grouped by, as
    GROUPING() writes it. PostgreSQL counts every set in one scan (GROUPING SETS); SQLite,
    which has none, in one GROUP BY per set over the same rows."""
    if postgresql():
        listed = ", ".join(keys)
        grouping = ", ".join("(" + ", ".join(keys_) + ")" for keys_ in sets)
        return (f"SELECT GROUPING({listed}), {listed}, {aggregates} FROM ({select}) AS r "
                f"GROUP BY GROUPING SETS ({grouping})")
    branches = []
    for keys_ in sets:
        columns = ", ".join(key if key in keys_ else f"NULL AS {key}" for key in keys)
        group_by = f" GROUP BY {', '.join(keys_)}" if keys_ else ""
        branches.append(f"SELECT {mask(keys, keys_)}, {columns}, {aggregates} FROM r{group_by}")
    return f"WITH r AS ({select}) " + " UNION ALL ".join(branches)


def mask(keys: list[str], grouped_by: list[str]) -> int:
    return sum(1 << (len(keys) - 1 - i) for i, key in enumerate(keys) if key not in grouped_by)


def any_of(column: str, values: list) -> tuple[str, list]:
    """``column`` is one of ``values`` (an array parameter on PostgreSQL, a list elsewhere)."""
    if postgresql():
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values)) or 'NULL'})", list(values)


def after_days(timestamp: str, days: str) -> str:
    """The moment ``days`` days after ``timestamp`` (SQL expressions), comparable with
    :func:`moment` on the same database."""
    if postgresql():
        return f"({timestamp} + {days} * INTERVAL '1 day')"
    return f"(julianday({timestamp}) + {days})"


def moment(value) -> tuple[str, list]:
    """A datetime parameter, comparable with :func:`after_days`."""
    if postgresql():
        return "%s", [value]
    return "julianday(%s)", [connection.ops.adapt_datetimefield_value(value)]


class Days(Func):
    """An interval in days (a float), from two timestamps."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0"
    arg_joiner = " - "
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))",
                           arg_joiner=") - julianday(", **extra)


def median_days(queryset: QuerySet, end: str, start: str, group: str | None = None) -> dict:
    """The median of ``end - start`` in days over ``queryset``'s rows, per value of ``group``
    (the key None without one), rounded to a tenth: the mean of the middle one or two values,
    as percentile_cont(0.5), from window functions both databases have."""
    rows = queryset.order_by().annotate(m_days=Days(F(end), F(start)))
    columns = ["m_days"] + ([group] if group else [])
    try:
        sql, params = rows.values(*columns).query.sql_with_params()
    except EmptyResultSet:  # the filters select nothing
        return {}
    key = f"q.{connection.ops.quote_name(group)}" if group else "NULL"
    partition = f"PARTITION BY {key} " if group else ""
    query = (f"SELECT g, AVG(d) FROM (SELECT {key} AS g, q.m_days AS d, "
             f"ROW_NUMBER() OVER ({partition}ORDER BY q.m_days) AS n, "
             f"COUNT(*) OVER ({partition.strip()}) AS total FROM ({sql}) AS q WHERE q.m_days IS NOT NULL) AS m "
             f"WHERE 2 * n - total BETWEEN 0 AND 2 GROUP BY g")
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {(g if group else None): round(float(value), 1) for g, value in cursor.fetchall()}

"""Every figure comes from aggregate SQL: the number of queries does not grow with the
number of badges, and the period is a range on the indexed column."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from badges import document_cache
from badges.models import Assertion
from tests.reports.conftest import PERIOD, at, network_url

pytestmark = pytest.mark.django_db


def queries_for(client, url, **params) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, {**PERIOD, **params}).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_more_badges_cost_no_more_queries(client, activity):
    client.force_login(activity.people["network_admin"])
    url = network_url(activity.network)
    issuers = [activity.vesoul.pk, activity.besancon.pk]

    def counted_afresh(fmt: str) -> int:
        document_cache.issuers_reports_changed(issuers)  # no kept report: every figure is counted
        return len(queries_for(client, url, format=fmt))

    before = {fmt: counted_afresh(fmt) for fmt in ("", "xlsx")}
    Assertion.objects.bulk_create(
        Assertion(badge_class=activity.computer, recipient_email=f"p{n}@example.org", issued_on=at("2026-03-02"),
                  claim_token=f"bulk-{n}", issued_by=activity.people["mediator"])
        for n in range(300)
    )
    after = {fmt: counted_afresh(fmt) for fmt in ("", "xlsx")}
    assert after == before
    assert before[""] <= 30


def test_the_period_is_a_range_on_issued_on_not_a_cast_of_each_row(client, activity):
    client.force_login(activity.people["network_admin"])
    for query in queries_for(client, network_url(activity.network)):
        where = query.split(" WHERE ", 1)[1] if " WHERE " in query else ""
        where = re.sub(r"'\d{4}-\d{2}-\d{2}'::date", "", where)  # a day compared with a date column is no cast
        assert "AT TIME ZONE" not in where and "::date" not in where, query

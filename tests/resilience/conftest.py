import pytest
from django.conf import settings
from django.db import connection

from tests.resilience.stack import RedisServer, Stack


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def stack(transactional_db, own_redis, tmp_path, request):
    """gunicorn and a worker on the test database and on a Redis of our own."""
    stack = Stack(database_url=_test_database_url(), redis_url=own_redis.url, media_root=settings.MEDIA_ROOT,
                  work=tmp_path)
    yield stack
    stack.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.logs())  # shown with the failure


def _test_database_url() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{params['NAME']}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report

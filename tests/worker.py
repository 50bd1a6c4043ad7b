"""A real Celery worker, consuming the real Redis broker, for integration tests."""

import contextlib

import pytest
from celery.contrib.testing.worker import start_worker

from badgehub.celery import app


@contextlib.contextmanager
def running_worker():
    # Unit tests queue tasks too (on commit) and no worker takes them; their rows are
    # gone with their test. A worker must not start on that backlog.
    app.control.purge()
    # Threads pool: the worker shares this process's test database settings.
    with start_worker(app, pool="threads", concurrency=2, perform_ping_check=False, shutdown_timeout=30):
        yield


@pytest.fixture
def celery_worker(transactional_db):
    with running_worker():
        yield

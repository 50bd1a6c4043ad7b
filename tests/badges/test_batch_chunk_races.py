"""A chunk of a CSV batch is issued and counted once even when two workers hold it at the
same time (the broker delivered it twice, or the sweeper queued it again while a slow worker
still had it). Each worker runs in a thread of its own, on its own database connection."""

import threading

import pytest
from django.db import connection

from badges.models import Assertion, IssueBatch
from badges.services import batch_chunk_run, batch_create, batch_run, batch_start
from badges.services import batches as batches_service

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def chunk(mediator, badge_class, monkeypatch):
    """A running batch of three rows in chunks of two; its first chunk, as (batch, offset, rows)."""
    monkeypatch.setattr(batches_service, "CHUNK_SIZE", 2)
    rows = "".join(f"P{i},p{i}@example.org\n" for i in range(3))
    batch = batch_create(badge_class=badge_class, created_by=mediator, data=f"name,email\n{rows}".encode())
    batch_start(batch=batch, started_by=mediator)
    offset, chunk_rows = batch_run(batch_id=batch.pk)[0]
    return batch, offset, chunk_rows


def _worker(name: str, results: dict, batch_id: int, offset: int, rows: list[dict]) -> threading.Thread:
    def run():
        try:
            results[name] = batch_chunk_run(batch_id=batch_id, offset=offset, rows=rows)
        except Exception as exc:  # noqa: BLE001 - a worker's failure is what the test reports
            results[name] = exc
        finally:
            connection.close()

    return threading.Thread(target=run, name=name)


def _join(*threads: threading.Thread) -> None:
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a worker is stuck"


def test_two_workers_holding_one_chunk_at_once_issue_and_count_it_once(chunk, monkeypatch):
    batch, offset, rows = chunk
    # Both have read the batch (the chunk is not done yet) before either takes the chunk.
    barrier = threading.Barrier(2, timeout=30)
    real_lock = batches_service._chunk_lock

    def lock_once_both_looked(batch_id, offset):
        barrier.wait()
        return real_lock(batch_id, offset)

    monkeypatch.setattr(batches_service, "_chunk_lock", lock_once_both_looked)
    results: dict = {}
    workers = [_worker(name, results, batch.pk, offset, rows) for name in ("A", "B")]
    for worker in workers:
        worker.start()
    _join(*workers)
    assert sorted(results.values(), key=repr) == [False, True]
    batch.refresh_from_db()
    assert (batch.done, batch.skipped, batch.chunks_done) == (2, 0, [offset])
    assert Assertion.objects.filter(recipient_email__in=["p0@example.org", "p1@example.org"]).count() == 2


def test_a_worker_that_read_the_batch_before_another_committed_the_chunk_counts_nothing(chunk, monkeypatch):
    batch, offset, rows = chunk
    # B reads the batch (the chunk not done yet), then A issues and commits the whole chunk,
    # then B goes on: the chunk is free to take again, and only B's second look, under the
    # batch's row lock, can see that it is done.
    b_has_looked, a_has_committed = threading.Event(), threading.Event()
    real_lock = batches_service._chunk_lock

    def lock_after_a_when_b(batch_id, offset):
        if threading.current_thread().name == "B":
            b_has_looked.set()
            assert a_has_committed.wait(timeout=30)
        return real_lock(batch_id, offset)

    monkeypatch.setattr(batches_service, "_chunk_lock", lock_after_a_when_b)
    results: dict = {}
    b = _worker("B", results, batch.pk, offset, rows)
    b.start()
    assert b_has_looked.wait(timeout=30)
    a = _worker("A", results, batch.pk, offset, rows)
    a.start()
    _join(a)
    a_has_committed.set()
    _join(b)
    assert results == {"A": True, "B": False}
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.skipped, batch.chunks_done) == (IssueBatch.Status.RUNNING, 2, 0, [offset])
    assert Assertion.objects.filter(recipient_email__in=["p0@example.org", "p1@example.org"]).count() == 2

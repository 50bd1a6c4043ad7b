"""A Celery worker child collects the cyclic garbage a task leaves, right after the task:
left to Python's rare full collections it made children grow with every chunk issued."""

import gc
import weakref

from badgehub import celery


class _Node:
    pass


def test_a_worker_child_frees_a_task_s_cycles_after_the_task(monkeypatch):
    monkeypatch.setattr(celery, "_IN_CHILD", True)
    gc.disable()
    try:
        node = _Node()
        node.self = node  # a cycle, as a model instance and its FieldFile make
        alive = weakref.ref(node)
        del node
        assert alive() is not None  # refcounting alone does not free it
        celery._collect_task_garbage()
        assert alive() is None
    finally:
        gc.enable()


def test_outside_a_worker_child_the_host_process_is_left_alone(monkeypatch):
    monkeypatch.setattr(celery, "_IN_CHILD", False)
    gc.disable()
    try:
        node = _Node()
        node.self = node
        alive = weakref.ref(node)
        del node
        celery._collect_task_garbage()
        assert alive() is not None
    finally:
        gc.enable()
        gc.collect()

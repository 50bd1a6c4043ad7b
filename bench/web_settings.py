"""The production settings plus the benchmark's yardstick view (bench/web_urls.py).

Only bench/bench_web.py starts gunicorn with DJANGO_SETTINGS_MODULE=bench.web_settings:
the trivial view is not reachable with badgehub.settings."""

from badgehub.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web_urls"

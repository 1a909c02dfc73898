"""Baseline 2 settings: the app's settings with no middleware and a URLconf of plain views.

Used only by the benchmark's second server: DJANGO_SETTINGS_MODULE=bench.bare_settings
(with the repository root on PYTHONPATH). Database, time zone and apps are the app's own.
"""

from wenming.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bare_urls"
MIDDLEWARE: list[str] = []

"""After a migration on SQLite the planner statistics are rebuilt (core.apps.analyze_after_migrate)."""

import pytest
from django.db import connection

from wenming.core.apps import analyze_after_migrate

pytestmark = pytest.mark.django_db


def _stat_tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {row[0] for row in cursor.fetchall()}


def test_a_migrate_that_applied_something_reanalyzes(world):
    if connection.vendor != "sqlite":
        analyze_after_migrate(plan=[("migration", False)])  # PostgreSQL keeps its statistics: nothing to do
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1")  # what a table rebuild leaves behind
    assert "regions_node" not in _stat_tables()
    analyze_after_migrate(plan=[])  # nothing applied: nothing to do
    assert "regions_node" not in _stat_tables()
    analyze_after_migrate(plan=[("migration", False)])
    assert "regions_node" in _stat_tables()

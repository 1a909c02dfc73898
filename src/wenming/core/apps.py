from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "wenming.core"
    label = "core"
    verbose_name = "基础设置"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(analyze_after_migrate, sender=self, dispatch_uid="wenming-core-analyze-after-migrate")
        post_migrate.connect(cache_table_after_migrate, sender=self, dispatch_uid="wenming-core-cache-table")


def cache_table_after_migrate(sender=None, using="default", **kwargs):
    """The database cache's table (settings.CACHES without Redis) exists once `migrate` has run;
    `createcachetable` leaves an existing one alone."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


def analyze_after_migrate(sender=None, using="default", plan=None, **kwargs):
    """SQLite forgets a table's planner statistics when a migration rebuilds the table, and then
    reads a district's demands through the wrong index: the dashboard went from 60 ms to over a
    second after one added column. So every migrate that applied something re-analyzes (about
    2 s at five years of Bazhou's data). PostgreSQL keeps its statistics (and has autovacuum)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite" or not plan:
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

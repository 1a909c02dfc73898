from django.core.management.base import BaseCommand, CommandError

from wenming.core.jobs import registered_jobs


class Command(BaseCommand):
    help = "Run periodic jobs once, now (all when none are named). Each is idempotent."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*")

    def handle(self, *names, **options):
        jobs = registered_jobs()
        unknown = [n for n in names if n not in jobs]
        if unknown:
            raise CommandError(f"unknown job(s): {', '.join(unknown)}; known: {', '.join(sorted(jobs))}")
        for name in names or sorted(jobs):
            changed = jobs[name]()
            self.stdout.write(f"{name}: {changed} changed")

from django.core.management.base import BaseCommand, CommandError

from wenming.volunteers.tasks import pending_reviews, remind_days, remind_pending_reviews


class Command(BaseCommand):
    help = (
        "Remind reviewers of volunteer registrations, join requests and organisation registrations "
        "waiting at least N days (an in-app notice each; running it twice sends nothing new)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="remind of what has waited at least this many days (default: settings, 3)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="count what is waiting; write nothing"
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        from django.utils import timezone

        days = days if days is not None else remind_days()
        if days < 1:
            raise CommandError("--days must be at least 1")
        now = timezone.now()
        waiting = {kind: qs.count() for kind, qs in pending_reviews(now=now, days=days).items()}
        summary = "，".join(
            f"{label} {waiting[kind]}"
            for kind, label in (
                ("volunteer", "志愿者注册"),
                ("join", "入队/入会申请"),
                ("org", "组织入驻"),
            )
        )
        if dry_run:
            self.stdout.write(f"等待 ≥{days} 天：{summary}（未发送）")
            return
        sent = remind_pending_reviews(now=now, days=days)
        self.stdout.write(f"等待 ≥{days} 天：{summary}；新发提醒 {sent} 条")

"""`wenming demo`: build the Bazhou-shaped demo district (DESIGN §6)."""

import time
from dataclasses import replace

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from wenming.demo import builder, summary
from wenming.demo.models import DemoBuild

SIZES = {"small": builder.SMALL, "default": builder.DEFAULT, "full": builder.FULL}


class Command(BaseCommand):
    help = "生成巴州区演示数据：1 个实践中心、22 个实践所、296 个实践站、队伍、志愿者、服务菜单和各种状态的订单。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SIZES), default="default",
                            help="default：22 个乡镇、296 个村社区、约 3,000 名志愿者；"
                                 "full：129,000 名志愿者（用于性能测试）；small：3 个乡镇、10 个村社区（用于测试）")
        parser.add_argument("--volunteers", type=int, help="志愿者人数（覆盖 --scale）")
        parser.add_argument("--orders", type=int, help="服务订单数量（默认 200，small 为 30）")
        parser.add_argument("--seed", type=int, default=builder.SEED, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--reset", action="store_true", help="先清空整个数据库再生成")
        parser.add_argument("--years", type=int, default=0,
                            help="再追加 N 年往年数据（订单、诉求、服务记录、活动，按巴州区年规模），用于大屏性能测试")

    def handle(self, *args, scale, volunteers, orders, seed, reset, years, **options):
        size = SIZES[scale]
        if not 0 <= years <= 10:
            raise CommandError("--years 须在 0 到 10 之间")
        if volunteers is not None:
            if volunteers < 1:
                raise CommandError("--volunteers 至少为 1")
            size = replace(size, volunteers=volunteers)
        if orders is not None:
            if orders < 0:
                raise CommandError("--orders 不能为负数")
            size = replace(size, orders=orders)
        if reset:
            self.stdout.write("正在清空数据库……")
            call_command("flush", interactive=False, verbosity=0)
        state = builder.demo_state()
        if state == builder.State.COMPLETE:
            district = DemoBuild.objects.select_related("district").first().district
            self.stdout.write(f"演示数据已存在（{district.name}），未重复生成。如需重建，请运行 wenming demo --reset。")
            self._add_years(years, seed)
            return
        if state == builder.State.INCOMPLETE:
            raise CommandError("上次生成演示数据未完成（可能被中断）。请运行 wenming demo --reset 清空数据库后重建。")
        if state == builder.State.OTHER:
            raise CommandError("数据库中已有其他数据，未生成演示数据。"
                               "如确认清空整个数据库并重建，请运行 wenming demo --reset。")

        started = time.monotonic()
        report = builder.Builder(size, seed=seed, log=self.stdout.write).build()
        total = time.monotonic() - started
        self.stdout.write("")
        for line in summary.lines(report.district):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write("用时：" + "，".join(f"{label.removeprefix('生成')} {s:.1f} 秒" for label, s in report.seconds.items()))
        self.stdout.write(self.style.SUCCESS(f"演示数据生成完成，共用时 {total:.1f} 秒。"))
        self._deliver_outbox()
        self._add_years(years, seed)

    def _deliver_outbox(self):
        """The story's notices go out as a worker would send them: without provider credentials
        they are logged (发送记录), so the demo shows its SMS and WeChat messages offline."""
        from wenming.core.outbox import deliver_due

        counts = deliver_due(limit=1_000_000)
        if counts:
            self.stdout.write("短信、微信消息：" + "，".join(f"{k} {v}" for k, v in sorted(counts.items())))

    def _add_years(self, years, seed):
        if not years:
            return
        from wenming.dashboard import summary as dashboard_summary
        from wenming.demo import years as history

        if history.has_history():
            self.stdout.write("往年数据已追加过，未重复追加。")
            return
        started = time.monotonic()
        self.stdout.write(f"正在追加 {years} 年往年数据……")
        history.add_years(years, seed=seed, log=self.stdout.write)
        history.analyze()
        rows = dashboard_summary.refresh(full=True)
        history.analyze()  # again, for the summary tables just written
        self.stdout.write(self.style.SUCCESS(
            f"往年数据追加完成，大屏汇总 {rows:,} 行，用时 {time.monotonic() - started:.1f} 秒。"))

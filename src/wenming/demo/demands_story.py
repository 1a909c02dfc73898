"""Citizen demands (群众诉求): households and their liaison cadres, and a few hundred demands over
the last four months in every state, each walked through the demand services by the people who
would act on it, at the times it happened — so the rankings, the inbox and the overdue board
all show something. Departments differ in how quickly and how well they work."""

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from wenming.core.errors import DomainError
from wenming.demands import services
from wenming.demands.defaults import ensure_defaults
from wenming.demands.models import Assignment, Category, DemandConfig, Household, RoutingExample
from wenming.demands.tasks import urge_overdue_demands
from wenming.regions.choices import Role
from wenming.regions.models import User

LABEL = "生成群众诉求（包联户、吹哨报到、回访、排名）"
PASSWORD = "Wenming@2026"

ROUTES = {  # category → the department short name that usually handles it
    "市容环境": "城管", "垃圾清运": "环卫", "交通出行": "交警", "道路破损": "交通", "住房物业": "住建",
    "民生服务": "民政", "供水供电": "水务", "就业社保": "民政",
}
TEXTS = {
    "占道经营": "小区门口早上有人占道摆摊，行人只能走机动车道", "乱堆乱放": "楼道里堆满了杂物，存在消防隐患",
    "垃圾清运": "垃圾桶满了两天没人清运，味道很大", "违规广告": "单元门口贴满小广告",
    "乱停乱放": "路口车辆乱停，堵住了消防通道", "道路破损": "路面坑洼，下雨天积水严重", "交通信号": "路口红绿灯不亮",
    "物业服务": "物业不作为，电梯坏了一周没人修", "房屋安全": "老房子外墙开裂掉渣", "加装电梯": "想咨询老旧小区加装电梯政策",
    "供水供电": "最近经常停水，没有提前通知", "养老服务": "独居老人希望有人定期上门看看", "就业社保": "想了解灵活就业社保怎么交",
    "噪音扰民": "夜里广场舞音响太吵", "邻里矛盾": "楼上漏水到我家，协商不成",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
# (final state, weight)
MIX = (("closed", 52), ("reopened_closed", 5), ("returned_closed", 4), ("replied", 7), ("handling", 9),
       ("assigned", 7), ("accepted", 4), ("received", 6), ("rejected", 3), ("merged", 3))


class Story:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.stream("demands")
        self.users = ctx.users
        self.region = ctx.region
        self.now = timezone.now()
        self.hash = make_password(PASSWORD)
        self.handlers = {}
        self.skill = {}

    def user(self, username, role, node, name, department=None):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(username=username, password=self.hash, role=role, node=node, full_name=name,
                                       department=department)
        return user

    def setup(self):
        ensure_defaults()
        deps = self.region.departments
        for cat in Category.objects.select_related("parent"):
            short = ROUTES.get(cat.name) or (ROUTES.get(cat.parent.name) if cat.parent_id and cat.name not in
                                             ("邻里矛盾", "噪音扰民") else None)
            if short and short in deps and cat.department_id is None:
                cat.department = deps[short]
                cat.save(update_fields=["department"])
        for short, dep in deps.items():
            handler = self.users["dept_handler"] if dep.pk == self.users["dept_handler"].department_id else \
                self.user(f"dept_{dep.pk}", Role.DEPT_HANDLER, self.region.district, f"{short}经办人", dep)
            self.handlers[dep.pk] = handler
            # how often this department signs late, replies late, leaves people dissatisfied
            self.skill[dep.pk] = self.rng.choice([(0.1, 0.05, 0.08), (0.2, 0.15, 0.15), (0.35, 0.25, 0.25),
                                                  (0.15, 0.3, 0.2), (0.5, 0.4, 0.35), (0.25, 0.1, 0.3)])
        self.leaves = [c for c in Category.objects.filter(parent__isnull=False, is_active=True)]

    def households(self):
        cadre = self.users["cadre"]
        villages = self.region.villages
        home = self.region.home
        cadres = [cadre] + [self.user(f"cadre_{i}", Role.CADRE, v.node, f"{self.rng.choice(SURNAMES)}干部")
                            for i, v in enumerate(villages[1:7], start=1)]
        rows = []
        for i in range(24):
            rows.append(Household(district=self.region.district, node=home.node, path=home.node.path,
                                  address=f"{self.rng.choice(['滨江花园', '江北丽苑', '书香苑'])}{i // 6 + 1}栋{i % 6 + 1}0{i % 3 + 1}",
                                  head_name=f"{self.rng.choice(SURNAMES)}{self.rng.choice('秀桂建国明华英芳')}{'大爷' if i % 2 else '阿姨'}",
                                  members=self.rng.randint(1, 6), phone=f"138{self.rng.randint(10000000, 99999999)}",
                                  cadre=cadre))
        for c in cadres[1:]:
            for i in range(8):
                rows.append(Household(district=self.region.district, node=c.node, path=c.node.path,
                                      address=f"{c.node.name}{i + 1}组{self.rng.randint(1, 60)}号",
                                      head_name=f"{self.rng.choice(SURNAMES)}某{i}", members=self.rng.randint(1, 5),
                                      cadre=c))
        Household.objects.bulk_create(rows, ignore_conflicts=True)
        return cadres

    def dispatcher_for(self, village):
        if village is self.region.home:
            return self.users["station_admin"]
        if village.town.pk == self.region.home.town.pk:
            return self.users["institute_admin"]
        return self.users["center_admin"]

    def when(self, days_ago_max, days_ago_min=0):
        seconds = self.rng.randint(int(days_ago_min * 86400), int(days_ago_max * 86400))
        t = self.now - dt.timedelta(seconds=seconds)
        local = timezone.localtime(t)
        return t if 8 <= local.hour < 21 else t - dt.timedelta(hours=12)

    def one(self, final, *, cadres, recent=False):
        rng, s = self.rng, services
        # the home community (station_admin's board) gets a good share, so its pages show something
        village = self.region.home if rng.random() < 0.3 else rng.choice(self.region.villages)
        category = self.rng.choice(self.leaves)
        t = self.when(10 if recent else 120, 0.3 if recent else 8)
        by, household, channel = self.users["citizen"], None, "citizen"
        roll = rng.random()
        if roll < 0.4:
            cadre = rng.choice(cadres)
            mine = list(Household.objects.filter(cadre=cadre).order_by("id").values_list("pk", flat=True))
            household = Household.objects.get(pk=rng.choice(mine)) if mine else None
            if household:
                by, channel, village = cadre, "visit", next((v for v in self.region.villages
                                                            if v.node.pk == household.node_id), village)
        elif roll < 0.55:
            by, channel = self.dispatcher_for(village), "grid"
        data = s.RecordInput(category=category.pk, description=TEXTS.get(category.name, category.name),
                             address=f"{village.node.name}{rng.randint(1, 30)}号附近", channel=channel,
                             node=None if channel in ("citizen",) and by.node_id == village.node.pk else village.node.pk,
                             household=household.pk if household else None)
        if by.role == Role.CITIZEN and village.node.pk != by.node_id:
            data.node = village.node.pk
        if household is not None and channel == "visit":
            data.visit = s.visit_record(actor=by, household_id=household.pk, note="入户走访，了解近况", now=t).pk
        d = s.demand_record(actor=by, data=data, now=t)
        adm = self.dispatcher_for(village) if by.role != Role.CITIZEN or village is self.region.home else \
            self.users["center_admin"]
        if final == "received":
            return
        t += dt.timedelta(minutes=rng.randint(20, 300))
        if final == "rejected":
            s.demand_reject(demand_id=d.pk, actor=adm, reason="不属于诉求受理范围，已告知咨询渠道", now=t)
            return
        if final == "merged":
            target = d.__class__.objects.filter(category=category, status__in=["accepted", "assigned", "handling",
                                                                               "closed"]).exclude(pk=d.pk).first()
            if target is not None:
                try:
                    s.demand_merge(demand_id=d.pk, actor=self.users["center_admin"], into_id=target.pk, now=t)
                    return
                except DomainError:
                    pass
        s.demand_accept(demand_id=d.pk, actor=adm, now=t)
        if final in ("accepted", "merged"):
            return
        suggested = d.suggested_department_id or rng.choice(list(self.handlers))
        deps = [suggested]
        if rng.random() < 0.25:
            deps += rng.sample([k for k in self.handlers if k != suggested], k=rng.randint(1, 2))
        t += dt.timedelta(minutes=rng.randint(10, 120))
        if final == "returned_closed":
            wrong = rng.choice([k for k in self.handlers if k != suggested])
            s.demand_assign(demand_id=d.pk, actor=adm, departments=[wrong], now=t)
            t += dt.timedelta(minutes=40)
            s.return_request(demand_id=d.pk, actor=self.handlers[wrong], reason="不属本部门职责", mis_dispatch=True,
                             now=t)
            t += dt.timedelta(hours=2)
            s.return_decide(demand_id=d.pk, actor=adm, approve=True, note="同意改派", now=t)
            t += dt.timedelta(minutes=30)
        s.demand_assign(demand_id=d.pk, actor=adm, departments=deps, now=t)
        if final == "assigned":
            return
        lead = deps[0]
        late_sign, late_reply, unhappy = self.skill[lead]
        for dep in deps:
            a = Assignment.objects.get(demand=d, department_id=dep, status="pending")
            when = a.sign_due_at + dt.timedelta(hours=rng.randint(1, 20)) if rng.random() < late_sign else \
                max(t + dt.timedelta(minutes=5), a.sign_due_at - dt.timedelta(minutes=rng.randint(10, 100)))
            if when < self.now:
                s.demand_sign(demand_id=d.pk, actor=self.handlers[dep], now=when)
        t = max(a.signed_at or t for a in Assignment.objects.filter(demand=d)) if Assignment.objects.filter(
            demand=d, signed_at__isnull=False).exists() else t
        if final == "handling" or Assignment.objects.get(demand=d, department_id=lead, status__in=[
                "pending", "signed"]).status == "pending":
            if final == "handling" and rng.random() < 0.3:
                try:
                    s.extension_request(demand_id=d.pk, actor=self.handlers[lead], days=3, reason="需协调多个部门",
                                        now=t + dt.timedelta(hours=3))
                except DomainError:
                    pass
            return
        rounds = 2 if final == "reopened_closed" else 1
        for r in range(rounds):
            a = Assignment.objects.get(demand=d, department_id=lead, is_lead=True, status="signed")
            if rng.random() < late_reply:
                when = a.reply_due_at + dt.timedelta(days=rng.randint(1, 4))
            else:
                when = max(t + dt.timedelta(hours=2), a.reply_due_at - dt.timedelta(days=rng.randint(1, 4)))
            if when >= self.now:
                return
            s.demand_reply(demand_id=d.pk, actor=self.handlers[lead], reply="已现场处置，问题已解决，附照片", now=when)
            if final == "replied":
                return
            t = when + dt.timedelta(hours=rng.randint(4, 60))
            if t >= self.now:
                return
            if r == 0 and rounds == 2:
                level = "dissatisfied"
            else:
                x = rng.random()
                level = "dissatisfied" if x < unhappy else "basic" if x < unhappy + 0.2 else "satisfied"
            d = s.demand_callback(demand_id=d.pk, actor=adm, level=level, note="电话回访", now=t)
            if d.status == "closed":
                return

    def build(self):
        self.setup()
        if not DemandConfig.objects.exists():
            # a department with one or two demands should not top the table
            DemandConfig.objects.create(min_demands=3)
        cadres = self.households()
        count = max(40, self.ctx.size.orders)
        weights = [w for _, w in MIX]
        finals = self.rng.choices([m for m, _ in MIX], weights=weights, k=count)
        for final in finals:
            try:
                self.one(final, cadres=cadres, recent=final in ("received", "accepted", "assigned", "handling"))
            except DomainError as exc:  # a scenario the random draw made impossible: skip it, keep going
                self.ctx.log(f"跳过一条诉求：{exc.message}")
        # the showcase accounts' own views
        home = self.region.home
        for final in ("replied", "handling", "received"):
            self.one(final, cadres=[self.users["cadre"]], recent=True)
        self.learned_routing_and_merge()
        self.ctx.log(f"诉求：{count + 3} 件；包联户 {Household.objects.count()} 户；超时督办 "
                     f"{urge_overdue_demands(now=self.now)} 条")
        return home


    def learned_routing_and_merge(self):
        """Two things the pages explain: a suggestion learned from overrides (in the home community,
        乱停乱放 on the pavement went to 城管 more often than, to the configured 交警), and a citizen
        who finds their problem already reported and merges into it."""
        s, home_path = services, self.region.home.node.path
        category = Category.objects.filter(name="乱停乱放", parent__isnull=False).first()
        urban = self.region.departments.get("城管")
        if category is None or urban is None:
            return
        adm, citizen = self.users["station_admin"], self.users["citizen"]
        # enough overrides to outweigh whatever the random demands sent to 交警 here
        others = RoutingExample.objects.filter(category=category, demand__path__startswith=home_path).count()
        n = others + 3
        for i in range(n):
            t = self.now - dt.timedelta(days=150 - i * 140 / n)
            d = s.demand_record(actor=citizen, now=t, data=s.RecordInput(
                category=category.pk, description="人行道上停满了车，推婴儿车只能走马路", address="滨江路人行道"))
            s.demand_accept(demand_id=d.pk, actor=adm, now=t + dt.timedelta(minutes=30))
            s.demand_assign(demand_id=d.pk, actor=adm, departments=[urban.pk], now=t + dt.timedelta(hours=1),
                            note="人行道停车由城管查处")
            handler = self.handlers[urban.pk]
            s.demand_sign(demand_id=d.pk, actor=handler, now=t + dt.timedelta(hours=2))
            s.demand_reply(demand_id=d.pk, actor=handler, reply="已贴单告知并劝离车辆", now=t + dt.timedelta(days=1))
            s.demand_callback(demand_id=d.pk, actor=adm, level="satisfied", note="电话回访",
                              now=t + dt.timedelta(days=2))
        t = self.now - dt.timedelta(hours=5)
        # a grid worker's fresh report on the board (its suggestion is the learned one) ...
        first = s.demand_record(actor=adm, now=t, data=s.RecordInput(
            category=category.pk, description="滨江路人行道又停满了车", address="滨江路人行道", channel="grid"))
        # ... and the citizen who reports the same thing two hours later and merges into it
        try:
            s.demand_record_merged(actor=citizen, into_id=first.pk, now=t + dt.timedelta(hours=2),
                                   data=s.RecordInput(category=category.pk, description="滨江路人行道停车太多",
                                                      address="滨江路"))
        except DomainError as exc:
            self.ctx.log(f"跳过合并示例：{exc.message}")


def build(ctx) -> None:
    Story(ctx).build()

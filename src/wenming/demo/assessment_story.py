"""Civilized City creation management: the indicator system from the offices' CSV (with points),
the responsibility matrix, three closed months and the current one of materials in every state,
the cards the month-end job issues, weekly inspections with problems, accountability records and
the last month's bulletin. Everything goes through the same services and jobs the pages use."""

import csv
import datetime as dt
import io
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from wenming.assessment import services
from wenming.assessment.bulletins import bulletin_issue
from wenming.assessment.cards import cards_issue_for_month
from wenming.assessment.choices import CardColor, CardRuleCode, CardStatus
from wenming.assessment.imports import indicators_import, responsibilities_import
from wenming.assessment.models import Card, MaterialTask, Unit
from wenming.assessment.periods import month_bounds, period_of, previous_period
from wenming.core.errors import DomainError
from wenming.demo.identity import FEMALE_GIVEN, MALE_GIVEN, MOBILE_PREFIXES, SURNAMES
from wenming.regions.choices import Role
from wenming.regions.models import User

LABEL = "生成创建管理（测评体系、网报资料、红黄牌、督查、通报）"
# a copy of the offices' sheet (../shared/data), shipped with the package
CSV_PATH = Path(__file__).resolve().parents[1] / "assessment" / "fixtures" / "civilized_city_indicators_2015.csv"
SITES = (
    ("江北农贸市场", "market"), ("回风农贸市场", "market"), ("老城区红星街", "back_street"), ("南池街背街小巷", "back_street"),
    ("江北大道公厕", "toilet"), ("巴州广场公厕", "toilet"), ("江北大道与滨河路口", "intersection"),
    ("回风大道十字路口", "intersection"), ("龙舌坝小区", "compound"), ("滨河花园小区", "compound"),
)
PROBLEMS = ("垃圾桶满溢未及时清运", "占道经营，摊点外溢", "公厕保洁不到位，有异味", "非机动车乱停乱放", "墙面“牛皮癣”小广告",
            "公益广告破损褪色", "绿化带内有积存垃圾", "行人闯红灯，无文明劝导员", "小区楼道堆放杂物", "井盖缺失存在安全隐患")
NOTES = ("已按要求完成，附工作台账和现场照片。", "本月开展专题活动 2 场，附方案、签到表和照片。",
         "已更新制度文件并在政务公开栏公示。", "已组织学习，附会议记录。")
RETURNS = ("缺少活动签到表", "照片与指标要求不符", "佐证材料未加盖公章", "缺少工作方案")


def _indicators_csv(rng) -> bytes:
    """The shared CSV plus the columns offices add: points, evidence, frequency."""
    with open(CSV_PATH, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0] + ["分值", "测评要求", "申报频次"])
    for row in rows[1:]:
        monthly = rng.random() < 0.35
        writer.writerow(row + [rng.choice(("1", "1.5", "2", "2", "3")), f"{row[5]}相关工作台账、照片等佐证材料",
                               "每月" if monthly else "每季度"])
    return out.getvalue().encode("utf-8")


def _png(rng) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), tuple(rng.randrange(256) for _ in range(3))).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def _person(rng) -> str:
    return rng.choice(SURNAMES)[0] + rng.choice(MALE_GIVEN + FEMALE_GIVEN)


def _mobile(rng) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _contacts(rng, units: list[Unit], users: dict) -> None:
    """For each unit a contact (联络员: the demo accounts where they fit, one shared-hash account
    otherwise) and a responsible person (责任人), set by the office on the 责任单位 page's service."""
    password = make_password("Wenming@2026")
    dept_handler, institute_admin = users["dept_handler"], users["institute_admin"]
    for n, unit in enumerate(units, start=1):
        role = Role.DEPT_HANDLER if unit.department_id else Role.INSTITUTE_ADMIN
        where = {"department": unit.department, "node": unit.node or unit.district}
        if unit.department_id and unit.department_id == dept_handler.department_id:
            contact = dept_handler
        elif unit.node_id and unit.node_id == institute_admin.node_id:
            contact = institute_admin
        else:
            contact = User.objects.create(username=f"unit{n}", password=password, full_name=f"{unit.name}联络员",
                                          role=role, phone=_mobile(rng), **where)
        head = User.objects.create(username=f"unit{n}head", password=password, full_name=_person(rng), role=role,
                                   phone=_mobile(rng), **where)
        # a few units have not named their contact yet: the 责任单位 page shows them first
        contacts = [] if n % 9 == 5 and contact not in (dept_handler, institute_admin) else [contact.pk]
        services.unit_set_people(actor=users["office_admin"], unit_id=unit.pk, responsible_id=head.pk,
                                 contact_ids=contacts)
        CONTACT[unit.pk] = contact


CONTACT: dict[int, User] = {}  # unit id → the contact who files for it in the story


def _matrix_csv(rng, system, units: list[Unit], must: list[Unit]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["三级指标编号", "牵头单位", "配合单位", "责任人", "申报月份"])
    leaves = list(system.indicators.filter(level=3).order_by("sort"))
    for i, ind in enumerate(leaves):
        lead = must[i % len(must)] if i < 2 * len(must) else rng.choice(units)
        coop = rng.sample([u for u in units if u != lead], k=rng.choice((0, 1, 2)))
        # the demo accounts' units file every month, so their queues are never empty
        months = "全年" if ind.frequency == "monthly" or i < 2 * len(must) else "3,6,9,12"
        writer.writerow([ind.code, lead.name, "、".join(u.name for u in coop), rng.choice("张王李赵刘陈杨") + "主任", months])
    return out.getvalue().encode("utf-8")


def _work_month(rng, period: str, office, closed: bool, must: list[Unit]) -> None:
    """Units file, the office reviews: on time, late, returned once or twice, or nothing."""
    start, end = month_bounds(period)
    span = (end - start).total_seconds()
    now = timezone.now()
    seen: dict[int, int] = {}
    for task in MaterialTask.objects.filter(period=period).select_related("unit", "indicator").order_by("id"):
        unit_user = CONTACT[task.unit_id]
        roll = rng.random()
        if not closed and task.unit in must:
            # the demo accounts see one task to file and one returned to them this month
            seen[task.unit_id] = seen.get(task.unit_id, 0) + 1
            if seen[task.unit_id] == 1:
                continue
            if seen[task.unit_id] == 2:
                day = max(start, now - dt.timedelta(days=2))
                services.task_submit(actor=unit_user, task_id=task.pk, text=rng.choice(NOTES), now=day)
                services.task_return(actor=office, task_id=task.pk, reason=rng.choice(RETURNS),
                                     now=day + dt.timedelta(hours=3))
                continue
        if roll < 0.08 and closed:
            continue  # nothing filed
        day = start + dt.timedelta(seconds=span * rng.uniform(0.3, 0.95))
        if closed and roll < 0.16:
            day = end + dt.timedelta(days=rng.randrange(1, 4))  # filed late
        if day > now:
            continue  # the current month: not yet
        try:
            services.task_submit(actor=unit_user, task_id=task.pk, text=rng.choice(NOTES), now=day,
                                 photos=[_png(rng)] if rng.random() < 0.5 else [])
            returns = 2 if rng.random() < 0.06 else 1 if rng.random() < 0.2 else 0
            for _ in range(returns):
                day += dt.timedelta(days=1)
                if day > now:
                    break
                services.task_return(actor=office, task_id=task.pk, reason=rng.choice(RETURNS), now=day)
                day += dt.timedelta(days=1)
                if day > now or (not closed and rng.random() < 0.5):
                    break
                services.task_submit(actor=unit_user, task_id=task.pk, text="已补充材料。", now=day)
            day += dt.timedelta(days=2)
            task.refresh_from_db()
            if task.status == "submitted" and day < now and (closed or rng.random() < 0.6):
                points = task.indicator.points
                score = points if rng.random() < 0.7 else (points * rng.choice((6, 7, 8, 9)) / 10)
                services.task_approve(actor=office, task_id=task.pk, score=score, now=day)
        except DomainError:
            continue


def _appeals(rng, district, office, now) -> None:
    """Appeals: one granted on a yellow a red rested on (the red is withdrawn), one refused, one waiting."""
    reds = list(Card.objects.filter(district=district, rule=CardRuleCode.RED_YELLOWS).order_by("id"))
    yellows = list(Card.objects.filter(district=district, color=CardColor.YELLOW, status=CardStatus.ISSUED)
                   .order_by("id"))
    plan = []
    if reds:
        plan.append((Card.objects.get(pk=reds[0].evidence["cards"][0]), True))
    others = [c for c in yellows if not plan or c.pk != plan[0][0].pk]
    plan += [(card, None if n else False) for n, card in enumerate(rng.sample(others, k=min(2, len(others))))]
    for card, revoke in plan:
        services.card_appeal(actor=CONTACT[card.unit_id], card_id=card.pk, now=now - dt.timedelta(days=3),
                             reason="当月资料已按时报送，因系统上传失败未能留痕，附截图。")
        if revoke is not None:
            services.card_decide(actor=office, card_id=card.pk, revoke=revoke, now=now - dt.timedelta(days=1),
                                 note="经核实情况属实，予以撤销。" if revoke else "经核实资料确未按时报送，维持原处理。")


def build(ctx) -> None:
    rng = ctx.stream("assessment")
    users = ctx.users
    office, inspector = users["office_admin"], users["inspector"]
    district = ctx.region.district
    services.unit_sync(district=district)
    units = list(Unit.objects.filter(district=district).select_related("department", "node"))
    _contacts(rng, units, users)
    must = [u for u in units if CONTACT[u.pk].pk in (users["dept_handler"].pk, users["institute_admin"].pk)]

    now = timezone.now()
    current = period_of(now)
    periods = [previous_period(previous_period(previous_period(current))), previous_period(previous_period(current)),
               previous_period(current), current]
    data = _indicators_csv(rng)
    for year in sorted({int(p[:4]) for p in periods}):
        system = indicators_import(actor=office, year=year, name=f"全国文明城市测评体系（{year}年版）",
                                   upload=SimpleUploadedFile("civilized_city_indicators.csv", data))
        responsibilities_import(actor=office, system=system,
                                upload=SimpleUploadedFile("matrix.csv", _matrix_csv(rng, system, units, must)))
    ctx.log(f"测评体系：{system.indicators.filter(level=3).count()} 项三级指标，{len(units)} 个责任单位")

    for period in periods:
        start, end = month_bounds(period)
        services.tasks_create_for_month(district=district, period=period, now=start + dt.timedelta(minutes=5))
        _work_month(rng, period, office, closed=period != current, must=must)
        if period != current:
            cards_issue_for_month(district_id=district.pk, period=period, now=end + dt.timedelta(minutes=30))
    ctx.log(f"网报资料：{MaterialTask.objects.filter(district=district).count()} 项")
    _appeals(rng, district, office, now=timezone.now())

    # weekly inspections of the last six weeks
    sites = []
    towns = [u for u in units if u.node_id]
    for name, kind in SITES:
        unit = rng.choice(towns[:4] + must)
        sites.append(services.site_create(actor=office, name=name, kind=kind, unit_id=unit.pk,
                                          latitude=f"{31.85 + rng.uniform(-0.03, 0.03):.6f}",
                                          longitude=f"{106.76 + rng.uniform(-0.03, 0.03):.6f}"))
    for week in range(6, 0, -1):
        day = now - dt.timedelta(days=7 * week)
        planned = rng.sample(sites, k=min(len(sites), 5))
        rnd = services.round_create(actor=office, title=f"第{timezone.localtime(day).isocalendar()[1]}周城区督查",
                                    date=timezone.localtime(day).date(), inspector_ids=[inspector.pk],
                                    site_ids=[s.pk for s in planned])
        for i in range(rng.randint(2, 4)):
            site = planned[i]
            found = day + dt.timedelta(hours=rng.randint(1, 6))
            problem = services.problem_record(actor=inspector, description=rng.choice(PROBLEMS), site_id=site.pk,
                                              photos=[_png(rng)], deadline_days=rng.choice((3, 5)), now=found,
                                              round_id=rnd.pk)
            fate = rng.random()
            unit_user = CONTACT[site.unit_id]
            if week == 1 or fate < 0.15:
                continue  # still open (some overdue)
            services.problem_report_fix(actor=unit_user, problem_id=problem.pk, report="已整改到位，附整改后照片。",
                                        photos=[_png(rng)], now=found + dt.timedelta(days=2))
            if fate < 0.3:
                continue  # waiting for the re-check
            passed = fate > 0.4
            services.problem_recheck(actor=inspector, problem_id=problem.pk, passed=passed,
                                     note="" if passed else "整改不彻底，仍有垃圾", now=found + dt.timedelta(days=3))
        # the other planned sites were visited and found in order (last week's round is not finished)
        for site in planned[i + 1:len(planned) - (1 if week == 1 else 0)]:
            services.round_site_check(actor=inspector, round_id=rnd.pk, site_id=site.pk,
                                      now=day + dt.timedelta(hours=rng.randint(1, 6)))
    # this week's round, planned for today: the inspector's phone opens it from 今日督查
    today = timezone.localdate()
    services.round_create(actor=office, title=f"第{today.isocalendar()[1]}周城区督查", date=today,
                          inspector_ids=[inspector.pk], site_ids=[s.pk for s in rng.sample(sites, k=min(len(sites), 6))],
                          note="重点：农贸市场周边环境卫生、背街小巷乱堆乱放")
    from wenming.assessment.tasks import escalate_rectifications

    escalate_rectifications(now=now)

    last = previous_period(current)
    lagging = sorted(units, key=lambda u: -u.cards.count())[:2]
    for unit, kind, reason in zip(lagging, ("talk", "notice"), ("网报资料连续逾期，创建工作推进滞后",
                                                               "督查发现问题整改不及时"), strict=False):
        services.measure_record(actor=office, unit_id=unit.pk, kind=kind, reason=reason, person=f"{unit.name}分管负责人",
                                date=month_bounds(last)[0].date() + dt.timedelta(days=20))
    bulletin = bulletin_issue(actor=office, period=last, now=month_bounds(current)[0] + dt.timedelta(days=3, hours=9)
                              if month_bounds(current)[0] + dt.timedelta(days=3) < now else now)
    ctx.log(f"月通报：{bulletin.number}")
    _outreach(rng, users, units, now)


ADS = (("江北大道公交站台", "lightbox", "1.2m×1.8m"), ("巴州广场东侧", "billboard", "3m×6m"),
       ("回风大道工地", "fence", "2m×20m"), ("老城区红星街墙面", "wall", "4m×8m"), ("巴州大桥桥头", "screen", "5m×3m"),
       ("南池街口", "lightbox", "1.2m×1.8m"), ("江北滨河路", "billboard", "3m×6m"), ("东城街道社区广场", "wall", "3m×5m"))
NOMINEES = (("王德明", "good_person", "退休教师，义务为社区留守儿童辅导功课十二年。"),
            ("李秀兰", "good_person", "照顾瘫痪邻居八年，从不间断。"),
            ("陈小雨", "good_youth", "小学五年级学生，勇救落水同伴。"),
            ("刘建军", "moral_model", "个体户，拾得八万元现金原物奉还。"))


def _outreach(rng, users, units, now) -> None:
    from wenming.assessment import outreach

    office, inspector = users["office_admin"], users["inspector"]
    for place, kind, size in ADS:
        condition = rng.choice(("good", "good", "good", "faded", "damaged"))
        outreach.ad_record(actor=inspector, place=place, kind=kind, size=size, unit_id=rng.choice(units).pk,
                           condition=condition, photo=_png(rng),
                           checked_on=timezone.localdate() - dt.timedelta(days=rng.randrange(30)))
    today = timezone.localdate()
    campaign = outreach.campaign_create(actor=office, title=f"{today.year}年第{(today.month - 1) // 3 + 1}季度“巴州好人”",
                                        starts_on=today - dt.timedelta(days=7), ends_on=today + dt.timedelta(days=14))
    for name, category, story in NOMINEES:
        nominee = outreach.nominee_nominate(actor=users["citizen"], campaign_id=campaign.pk, name=name,
                                            category=category, story=story)
        if name != NOMINEES[-1][0]:  # the last one waits for the office's review
            outreach.nominee_review(actor=office, nominee_id=nominee.pk, approve=True)
            for n in range(rng.randint(5, 40)):
                outreach.nominee_vote(nominee_id=nominee.pk, voter=f"c:demo{nominee.pk}-{n}", ip=f"10.0.{n % 7}.1",
                                      now=now - dt.timedelta(days=rng.randrange(7)))

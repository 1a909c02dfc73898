"""Practice activities of the five kinds around the demo accounts: a calendar of coming
activities (with the theory-lecture brand and its speakers), one under way today that the
demo `volunteer` has checked in to, one held yesterday whose attendance the station confirmed
(hours credited through the services), a registration waiting for review, and a certificate
for the demo `volunteer`.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wenming.activities import honours
from wenming.activities.choices import ActivityKind, SignupStatus
from wenming.activities.models import Activity, Signup, Speaker
from wenming.activities.services import (
    PublishInput,
    activity_confirm,
    activity_publish,
    activity_scan,
    qr_token,
    signup_create,
)
from wenming.demo.crowd import past_activity_counts_update
from wenming.volunteers.certificates import certificate_issue
from wenming.volunteers.models import Volunteer
from wenming.volunteers.services import Registration, volunteer_register

LABEL = "生成文明实践活动、报名签到与服务证明……"

SPEAKERS = (
    ("罗文华", "区委党校副教授", "党的二十届三中全会精神、基层治理",
     "长期从事党的创新理论教学，用院坝会、板凳会的方式把大道理讲成身边事。"),
    ("苟春梅", "“巴山红”宣讲团成员", "川陕苏区红色故事、红军精神",
     "红军后代，走遍全区乡镇讲述川陕苏区的红色故事。"),
    ("刘明", "区人民法院法官", "民法典与百姓生活、婚姻家庭纠纷",
     "以真实案例讲解民法典，帮助群众学法、懂法、用法。"),
    ("陈晓燕", "区疾控中心主任医师", "健康素养与慢病防治",
     "深入社区开展慢病防治与健康生活方式宣讲。"),
    ("赵志刚", "退休教师、道德模范", "家风家训与移风易俗",
     "从教三十八年，退休后坚持宣讲好家风、倡导新风尚。"),
)

# (kind, title, days from today, start hour, hours, capacity, skills)
UPCOMING = (
    (ActivityKind.THEORY, "学习贯彻党的创新理论院坝会", 2, 9, 2, 40, ""),
    (ActivityKind.THEORY, "“新思想进万家”读书分享会", 9, 19, 2, 30, "朗读、主持"),
    (ActivityKind.POLICY, "惠民政策进村入户宣讲", 3, 14, 3, 20, "熟悉医保、社保政策"),
    (ActivityKind.POLICY, "防范电信网络诈骗宣传", 6, 9, 3, 15, ""),
    (ActivityKind.VALUES, "“学雷锋”关爱空巢老人上门服务", 4, 9, 3, 12, "陪护、理发、家电维修"),
    (ActivityKind.VALUES, "文明交通劝导", 5, 7, 2, 10, ""),
    (ActivityKind.CULTURE, "“我们的节日”文艺汇演", 12, 19, 3, 25, "舞蹈、器乐、摄影"),
    (ActivityKind.CULTURE, "全民健身广场舞展示", 8, 19, 2, 30, ""),
    (ActivityKind.CUSTOMS, "移风易俗·红白喜事简办倡议", 7, 14, 2, 20, ""),
    (ActivityKind.CUSTOMS, "“光盘行动”文明餐桌宣传", 10, 11, 2, 15, ""),
)
LECTURES = ((0, 1, 9), (1, 11, 14), (3, 15, 9))  # (speaker index, days from today, hour)
# lectures already given in the last weeks: (speaker index, days from today, hour, place)
PAST_LECTURES = ((0, -6, 9, "江北街道龙舌坝社区院坝"), (0, -20, 14, "巴州区新时代文明实践中心报告厅"),
                 (1, -9, 9, "曾口镇红军纪念广场"), (1, -27, 14, "巴州区新时代文明实践中心报告厅"),
                 (2, -13, 19, "江北街道滨河社区活动室"), (4, -16, 9, "巴州区新时代文明实践中心报告厅"),
                 (0, -34, 9, "巴州区新时代文明实践中心报告厅"))


def _at(day_offset: int, hour: int):
    day = timezone.localdate() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def _publish(actor, station, kind, title, start, hours, capacity, skills="", speaker=None, place=None):
    now = timezone.now()
    return activity_publish(actor=actor, data=PublishInput(
        title=title, kind=kind, station=station.pk, place=place or f"{station.name}活动室", starts_at=start,
        ends_at=start + timedelta(hours=hours), signup_opens_at=min(now, start) - timedelta(days=5),
        signup_closes_at=min(start + timedelta(minutes=30), start + timedelta(hours=hours)) if start > now
        else min(now + timedelta(minutes=30), start + timedelta(hours=hours)) if start + timedelta(hours=hours) > now
        else start - timedelta(hours=1),
        capacity=capacity, skills_wanted=skills, speaker=speaker.pk if speaker else None,
        latitude=station.latitude, longitude=station.longitude))


def _fill(activity: Activity, volunteer_ids: list[int], n: int) -> list[Signup]:
    """Other (account-less) volunteers' sign-ups, written directly, counted on the activity."""
    activity.refresh_from_db()
    taken = set(Signup.objects.filter(activity=activity).values_list("volunteer_id", flat=True))
    chosen = [v for v in volunteer_ids if v not in taken][:max(0, min(n, activity.capacity - activity.signed_count))]
    signups = Signup.objects.bulk_create([Signup(activity=activity, volunteer_id=v, signed_at=timezone.now()
                                                 - timedelta(days=1)) for v in chosen])
    Activity.objects.filter(pk=activity.pk).update(signed_count=F("signed_count") + len(chosen))
    return signups


@transaction.atomic
def build(ctx) -> None:
    region, users = ctx.region, ctx.users
    rng = ctx.stream("activities")
    past_activity_counts_update(region.district.pk)
    home = region.home
    town_station = next(s for t, s in region.towns if t.pk == home.town.pk)
    station_admin, institute_admin, center_admin = (users["station_admin"], users["institute_admin"],
                                                    users["center_admin"])
    volunteer_user = users["volunteer"]
    neighbours = list(Volunteer.objects.filter(node=home.node, user__isnull=True, status="approved")
                      .order_by("pk").values_list("pk", flat=True)[:60])
    rng.shuffle(neighbours)

    speakers = [Speaker.objects.create(name=n, title=t, topics=p, bio=b, district=region.district)
                for n, t, p, b in SPEAKERS]
    hosts = [(station_admin, home.station), (institute_admin, town_station), (center_admin, region.center)]
    made = []
    for i, (kind, title, days, hour, hours, capacity, skills) in enumerate(UPCOMING):
        actor, station = hosts[i % 3]
        made.append(_publish(actor, station, kind, title, _at(days, hour), hours, capacity, skills))
    for idx, days, hour in LECTURES:
        s = speakers[idx]
        made.append(_publish(center_admin, region.center, ActivityKind.LECTURE, f"名师宣讲：{s.topics}",
                             _at(days, hour), 2, 80, speaker=s, place="巴州区新时代文明实践中心报告厅"))
    for idx, days, hour, place in PAST_LECTURES:
        s = speakers[idx]
        topic = s.topics.split("、")[days % 2 if "、" in s.topics else 0]
        _publish(center_admin, region.center, ActivityKind.LECTURE, f"名师宣讲：{topic}", _at(days, hour), 2, 80,
                 speaker=s, place=place)
    for a in made:
        _fill(a, neighbours, rng.randint(1, max(1, a.capacity * 2 // 3)))
    for a in made[:3]:
        if not Signup.objects.filter(activity=a, volunteer__user=volunteer_user).exists():
            signup_create(actor=volunteer_user, activity_id=a.pk)
    # one activity whose last place the demo volunteer can race for
    _fill(made[4], neighbours, made[4].capacity)

    # under way now: the demo volunteer has checked in; the QR page of station_admin checks them out
    now = timezone.localtime()
    today = _publish(station_admin, home.station, ActivityKind.VALUES, "“清洁家园”环境整治志愿服务",
                     now.replace(minute=0, second=0, microsecond=0) - timedelta(minutes=30), 3, 20, "")
    signup_create(actor=volunteer_user, activity_id=today.pk)
    _fill(today, neighbours, 8)
    activity_scan(actor=volunteer_user, token=qr_token(today, "in"))

    # held yesterday and confirmed: hours credited through the services, once
    held = _publish(station_admin, home.station, ActivityKind.POLICY, "反诈知识进小区宣传",
                    _at(-1, 9), 3, 15, "")
    # its sign-up window closed before it was held: the sign-ups are written as they were then
    _fill(held, [Volunteer.objects.get(user=volunteer_user).pk] + neighbours, 7)
    for s in Signup.objects.filter(activity=held, status=SignupStatus.SIGNED):
        late = rng.choice((0, 0, 10, 40))
        Signup.objects.filter(pk=s.pk).update(checkin_at=held.starts_at + timedelta(minutes=late - 15),
                                              checkout_at=held.ends_at - timedelta(minutes=rng.choice((0, 5, 35))))
    activity_confirm(actor=station_admin, activity_id=held.pk)

    # a phone registration waiting for station_admin's review
    volunteer_register(actor=AnonymousUser(), data=Registration(
        name="何雨欣", phone="15828761234", id_number="511902200003057897", home_station_id=home.station.pk,
        skills="摄影、视频剪辑", availability=[[5, "morning"], [6, "morning"], [6, "afternoon"]],
        password="Wenming@2026"))

    from wenming.demo import volunteers_story

    volunteers_story.build(ctx)

    cert = certificate_issue(actor=volunteer_user, disclose=["org", "records"])
    _honours(users, timezone.localdate().year - 1)
    ctx.log(f"  活动 {Activity.objects.filter(district=region.district).count()} 场（含往期），"
            f"演示志愿者证明验证码 {cert.code}")


def _honours(users, year: int) -> None:
    """Last year's honours, from the candidate lists, nominated, reviewed and published."""
    center, office = users["center_admin"], users["office_admin"]
    for category, k in (("volunteer", 5), ("org", 2), ("project", 2)):
        for row in honours.candidates(user=center, year=year, category=category, limit=k):
            h = honours.honour_nominate(actor=center, year=year, category=category, target_id=row["id"],
                                        summary=_summary(category, row))
            honours.honour_review(actor=office, honour_id=h.pk, approve=True)
    honours.honours_publish(actor=office, year=year)


def _summary(category: str, row: dict) -> str:
    if category == "volunteer":
        return f"全年志愿服务{row['hours']:.1f}小时，参加实践活动{row['activities']}次"
    if category == "org":
        return f"组织会员全年服务{row['hours']:.1f}小时，开展实践活动{row['activities']}场"
    return f"全年完成群众点单{row['orders']}单，服务时长{row['hours']:.1f}小时"

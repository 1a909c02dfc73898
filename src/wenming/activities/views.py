"""Activity pages: calendar, detail and sign-up, the scan page the venue QR opens, the
venue QR display, the organizer's attendance sheet and the publish form."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from rest_framework.exceptions import ValidationError as DRFValidationError

from wenming.activities import exports, selectors, services
from wenming.activities.choices import ActivityKind, ActivityStatus, SignupStatus
from wenming.activities.models import Activity, Signup, Speaker
from wenming.activities.serializers import PublishIn
from wenming.core.errors import ActionForbidden, InvalidInput, NotFound
from wenming.core.excel import list_response, wants_xlsx
from wenming.core.inputs import bounded_int
from wenming.core.pages import form_errors, run_service
from wenming.core.qr import qr_svg
from wenming.regions.choices import DISPATCHER_ROLES
from wenming.regions.selectors import first_district
from wenming.volunteers.selectors import volunteer_of


@login_required
def calendar(request):
    kind = request.GET.get("kind", "")
    show = request.GET.get("show", "upcoming")
    qs = selectors.activity_list_for(user=request.user, kind=kind if kind in ActivityKind.values else None)
    now = timezone.now()
    qs = qs.filter(ends_at__gte=now) if show == "upcoming" else qs.filter(ends_at__lt=now).order_by("-starts_at")
    activities = list(qs[:100])
    volunteer = volunteer_of(request.user)
    mine = set()
    if volunteer:
        mine = set(Signup.objects.filter(volunteer=volunteer, status=SignupStatus.SIGNED,
                                         activity__in=activities).values_list("activity_id", flat=True))
    can_publish = selectors.can_publish(request.user)
    return render(request, "activities/calendar.html", {
        "activities": activities, "kinds": ActivityKind.choices, "kind": kind, "show": show, "mine": mine,
        "can_publish": can_publish,
    })


MONTH_DAYS_SHOWN = 4  # a desktop cell lists this many activities, then “另有N项”


def _month_param(value: str, today) -> tuple[int, int]:
    """"2026-11" → (2026, 11); anything else is this month."""
    year, _, month = (value or "").partition("-")
    if bounded_int(year, low=2000, high=2100) and bounded_int(month, low=1, high=12):
        return int(year), int(month)
    return today.year, today.month


@login_required
def month(request):
    """The month grid (月历): a week per row on a desktop; on a phone the grid marks the days
    that have activities and the month's list follows, day by day."""
    import calendar as cal

    kind = request.GET.get("kind", "")
    kind = kind if kind in ActivityKind.values else ""
    today = timezone.localdate()
    year, month_no = _month_param(request.GET.get("m", ""), today)
    activities = list(selectors.activity_month_for(user=request.user, year=year, month=month_no, kind=kind or None))
    volunteer = volunteer_of(request.user)
    mine = set()
    if volunteer and activities:
        mine = set(Signup.objects.filter(volunteer=volunteer, status=SignupStatus.SIGNED,
                                         activity__in=activities).values_list("activity_id", flat=True))
    by_day: dict = {}
    for a in activities:
        by_day.setdefault(timezone.localtime(a.starts_at).date(), []).append(a)
    weeks = [[{"date": d, "in_month": d.month == month_no, "today": d == today, "iso": d.isoformat(),
               "items": by_day.get(d, [])[:MONTH_DAYS_SHOWN],
               "more": max(len(by_day.get(d, [])) - MONTH_DAYS_SHOWN, 0), "count": len(by_day.get(d, []))}
              for d in week] for week in cal.Calendar(firstweekday=0).monthdatescalendar(year, month_no)]
    # the list under the grid shows one day: the one asked for, else today (in this month), else the
    # first day with activities; a district holds ~100 activities a month, too many for one list
    from datetime import date as date_cls

    picked = None
    raw_day = request.GET.get("d", "")
    try:
        picked = date_cls.fromisoformat(raw_day) if len(raw_day) == 10 else None
    except ValueError:
        picked = None
    if picked is None or (picked.year, picked.month) != (year, month_no):
        picked = today if (today.year, today.month) == (year, month_no) else min(by_day, default=None)
    prev_m = f"{year - (month_no == 1)}-{(month_no - 2) % 12 + 1:02d}"
    next_m = f"{year + (month_no == 12)}-{month_no % 12 + 1:02d}"
    return render(request, "activities/month.html", {
        "weeks": weeks, "picked": picked, "picked_items": by_day.get(picked, []), "year": year, "month": month_no, "total": len(activities),
        "m": f"{year}-{month_no:02d}", "prev_m": prev_m, "next_m": next_m, "this_m": f"{today.year}-{today.month:02d}",
        "kinds": ActivityKind.choices, "kind": kind, "mine": mine, "weekdays": "一二三四五六日",
        "can_publish": selectors.can_publish(request.user),
    })


@login_required
def mine(request):
    volunteer = volunteer_of(request.user)
    signups = (Signup.objects.filter(volunteer=volunteer).select_related("activity__station")
               .order_by("-activity__starts_at") if volunteer else [])
    return render(request, "activities/mine.html", {"signups": signups})


@login_required
def detail(request, pk):
    activity = selectors.activity_get_for(user=request.user, activity_id=pk)
    volunteer = volunteer_of(request.user)
    signup = Signup.objects.filter(activity=activity, volunteer=volunteer).first() if volunteer else None
    now = timezone.now()
    return render(request, "activities/detail.html", {
        "a": activity, "signup": signup, "volunteer": volunteer, "manage": selectors.can_manage(request.user, activity),
        "open": (activity.status == ActivityStatus.PUBLISHED and activity.signup_opens_at <= now
                 < activity.signup_closes_at),
        "left": activity.capacity - activity.signed_count, "started": now >= activity.starts_at,
    })


@login_required
@require_POST
def signup(request, pk):
    run_service(request, services.signup_create, actor=request.user, activity_id=pk, success="报名成功")
    return redirect("activities:detail", pk=pk)


@login_required
@require_POST
def signup_cancel(request, pk):
    run_service(request, services.signup_cancel, actor=request.user, activity_id=pk, success="已取消报名")
    return redirect("activities:detail", pk=pk)


@login_required
def scan(request):
    """The page the venue QR code opens on the volunteer's phone; the button posts the token."""
    token = request.GET.get("t") or request.POST.get("t", "")
    activity = None
    try:
        activity_id, phase, _ = services.parse_token(token)
        activity = Activity.objects.filter(pk=activity_id).first()
    except InvalidInput:
        phase = None
    result = None
    if request.method == "POST":
        result = run_service(request, services.activity_scan, actor=request.user, token=token,
                             latitude=request.POST.get("latitude") or None,
                             longitude=request.POST.get("longitude") or None,
                             success="签到成功" if phase == "in" else "签退成功")
    return render(request, "activities/scan.html", {"token": token, "activity": activity, "phase": phase,
                                                    "result": result})


def _managed(request, pk) -> Activity:
    activity = selectors.activity_get_for(user=request.user, activity_id=pk)
    if not selectors.can_manage(request.user, activity):
        raise NotFound()
    return activity


@login_required
def venue_qr(request, pk):
    activity = _managed(request, pk)
    phase = "out" if request.GET.get("phase") == "out" else "in"
    url = request.build_absolute_uri(reverse("activities:scan") + f"?t={services.qr_token(activity, phase)}")
    return render(request, "activities/venue_qr.html", {"a": activity, "phase": phase, "url": url,
                                                        "qr": mark_safe(qr_svg(url, scale=10))})  # noqa: S308


@login_required
def attendance(request, pk):
    activity = _managed(request, pk)
    signups = list(selectors.signups_of(activity).select_related("activity"))
    if request.method == "GET" and wants_xlsx(request):
        return list_response(f"attendance-{activity.pk}", exports.attendance_title(activity),
                             exports.ATTENDANCE_COLUMNS, signups)
    if request.method == "POST":
        lines = []
        for s in signups:
            hours = request.POST.get(f"hours_{s.pk}", "").strip()
            lines.append({"signup": s.pk, "attended": request.POST.get(f"attended_{s.pk}") == "on",
                          "hours": hours or None})
        if run_service(request, services.activity_confirm, actor=request.user, activity_id=pk, lines=lines,
                       success="考勤已确认，服务时长已计入志愿者记录"):
            return redirect("activities:attendance", pk=pk)
    rows = [(s, selectors.computed_hours(s)) for s in signups]
    return render(request, "activities/attendance.html", {"a": activity, "rows": rows,
                                                          "confirmed": activity.status == ActivityStatus.CONFIRMED})


@login_required
def publish(request):
    """The publish form, for staff and for the accounts of approved organisations. `?org=` (or the
    form's `org`) publishes for that organisation: its stations only, and it is recorded as organiser."""
    if not selectors.can_publish(request.user):
        raise ActionForbidden("只有实践站、所、中心管理员或志愿服务组织可以发布活动")
    orgs = list(selectors.publishing_orgs(request.user))
    staff = request.user.is_superuser or request.user.role in DISPATCHER_ROLES
    raw_org = (request.POST.get("org") if request.method == "POST" else request.GET.get("org")) or ""
    org = next((o for o in orgs if str(o.pk) == raw_org), None)
    if raw_org and org is None:
        raise NotFound()
    if org is None and not staff:
        org = orgs[0]   # an organisation's account publishes for an organisation; the select switches
    errors, data = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        raw = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken" and v != ""}
        raw["org"] = org.pk if org is not None else None
        parsed = PublishIn(data=raw)
        try:
            parsed.is_valid(raise_exception=True)
            activity = services.activity_publish(actor=request.user, data=services.PublishInput(**parsed.validated_data))
        except DRFValidationError as exc:
            errors = {k: "；".join(str(m) for m in v) for k, v in exc.detail.items()}
        except InvalidInput as exc:
            errors = form_errors(exc.errors)
        else:
            return redirect("activities:detail", pk=activity.pk)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    defaults = {"signup_opens_at": now, "signup_closes_at": now + timedelta(days=3),
                "starts_at": now + timedelta(days=3), "ends_at": now + timedelta(days=3, hours=2)}
    return render(request, "activities/publish.html", {
        "data": data, "errors": errors, "kinds": ActivityKind.choices, "defaults": defaults,
        "stations": selectors.publish_stations(user=request.user, org=org).order_by("node__path"),
        "speakers": Speaker.objects.all()[:200], "org": org, "orgs": orgs, "staff": staff,
    })


# --- honours ------------------------------------------------------------------------------------

@login_required
def honours(request):
    from wenming.activities import honours as h
    from wenming.activities.models import Honour

    staff = request.user.is_superuser or request.user.role in DISPATCHER_ROLES | h.REVIEWER_ROLES
    if not staff:
        raise NotFound()
    year = bounded_int(request.GET.get("year", ""), low=1000, high=9999) or timezone.localdate().year
    category = request.GET.get("category", Honour.Category.VOLUNTEER)
    if category not in Honour.Category.values:
        category = Honour.Category.VOLUNTEER
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "nominate":
            run_service(request, h.honour_nominate, actor=request.user, year=year, category=category,
                        target_id=request.POST.get("target"), summary=request.POST.get("summary", ""),
                        success="已推荐")
        elif action in ("approve", "reject"):
            run_service(request, h.honour_review, actor=request.user, honour_id=request.POST.get("honour"),
                        approve=action == "approve", note=request.POST.get("note", ""), success="已审核")
        elif action == "publish":
            n = run_service(request, h.honours_publish, actor=request.user, year=year)
            if n is not None:
                from django.contrib import messages

                messages.success(request, f"已公布 {n} 项")
        return redirect(f"{reverse('activities:honours')}?year={year}&category={category}")
    can_nominate = request.user.is_superuser or request.user.role in DISPATCHER_ROLES
    nominated = {(x.volunteer_id or x.org_id or x.team_id) for x in h.honour_list_for(user=request.user)
                 .filter(year=year, category=category)}
    return render(request, "activities/honours.html", {
        "year": year, "category": category, "categories": Honour.Category.choices,
        "rows": h.candidates(user=request.user, year=year, category=category) if can_nominate else [],
        "nominated": nominated, "can_nominate": can_nominate,
        "can_review": request.user.is_superuser or request.user.role in h.REVIEWER_ROLES,
        "nominations": h.honour_list_for(user=request.user).filter(year=year).order_by("category", "status", "id"),
        "min_hours": h.HONOUR_MIN_HOURS,
    })


def honour_roll(request):
    """The public honour roll of a year (no login)."""
    from wenming.activities import honours as h

    raw = request.GET.get("year", "")
    year = bounded_int(raw, low=1000, high=9999) or timezone.localdate().year
    district = None
    if request.user.is_authenticated and request.user.node_id:
        district = request.user.node.own_district
    district = district or first_district()
    roll = h.honour_roll(district_id=district.pk, year=year) if district else []
    return render(request, "activities/honour_roll.html", {"roll": roll, "year": year, "district": district})


def _public_district(request):
    """The district a public page shows: the visitor's own, else the first one (one per deployment)."""

    if request.user.is_authenticated and request.user.node_id:
        return request.user.node.own_district
    return first_district()


def _topics(speaker) -> list[str]:
    import re

    return [t for t in re.split(r"[、，,；;/\s]+", speaker.topics or "") if t][:8]


def speakers(request):
    """Public page of the theory-lecture brand's speakers (宣讲名嘴) with their lectures."""
    district = _public_district(request)
    people = list(selectors.speakers_public(district_id=district.pk)) if district else []
    now = timezone.now()
    cards = []
    for sp in people:
        lectures = list(selectors.speaker_lectures(sp)[:40])
        upcoming = sorted((a for a in lectures if a.ends_at >= now), key=lambda a: a.starts_at)
        past = [a for a in lectures if a.ends_at < now]
        cards.append({"s": sp, "topics": _topics(sp), "upcoming": upcoming[:3], "past": past[:3],
                      "more": sp.lecture_count - len(upcoming[:3]) - len(past[:3])})
    return render(request, "activities/speakers.html", {
        "district": district, "cards": cards, "total": sum(sp.lecture_count for sp in people),
    })


def speaker_detail(request, pk):
    """One speaker and every lecture they gave or will give (public)."""
    district = _public_district(request)
    if district is None:
        raise NotFound()
    sp = selectors.speaker_get_public(district_id=district.pk, speaker_id=pk)
    now = timezone.now()
    lectures = list(selectors.speaker_lectures(sp)[:500])
    return render(request, "activities/speaker.html", {
        "s": sp, "topics": _topics(sp), "district": district,
        "upcoming": sorted((a for a in lectures if a.ends_at >= now), key=lambda a: a.starts_at),
        "past": [a for a in lectures if a.ends_at < now],
    })

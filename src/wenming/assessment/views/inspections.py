"""Weekly inspection pages: rounds, sites and the monthly bulletins."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from wenming.assessment import permissions, selectors, services
from wenming.assessment.bulletins import bulletin_issue
from wenming.assessment.choices import SiteKind
from wenming.assessment.views.common import DOCX, _office_only
from wenming.core.errors import NotFound
from wenming.core.inputs import record_ids
from wenming.core.pages import run_service
from wenming.regions.choices import Role

# ---------------------------------------------------------------------------- rounds and sites


def _round_form(request):
    post = request.POST
    try:
        day = dt.date.fromisoformat(post.get("date", ""))
    except ValueError:
        messages.error(request, "请填写督查日期")
        return None
    return {"title": post.get("title", ""), "date": day, "note": post.get("note", ""),
            "inspector_ids": post.getlist("inspectors"), "site_ids": post.getlist("sites")}


def _round_choices(request):
    sites = list(selectors.site_list_for(user=request.user))
    kinds = dict(SiteKind.choices)
    groups = {}
    for site in sites:
        groups.setdefault(kinds.get(site.kind, site.kind), []).append(site)
    return {"inspectors": selectors.round_inspector_candidates(user=request.user), "site_groups": groups.items()}


def _posted_ids(request, name, *, default) -> set[int]:
    if request.method != "POST":
        return default
    return set(record_ids(request.POST.getlist(name)))


@login_required
def rounds(request):
    """周督查: plan a round; an inspector's rounds of today on top."""
    _office_only(request.user)
    can_plan = permissions.can_inspect(request.user)
    if request.method == "POST" and can_plan:
        form = _round_form(request)
        if form is not None:
            rnd = run_service(request, services.round_create, actor=request.user, success="督查已安排", **form)
            if rnd is not None:
                return redirect("assessment:round", pk=rnd.pk)
    today = timezone.localdate()
    all_rounds = selectors.round_list_for(user=request.user)
    return render(request, "assessment/rounds.html", {
        "today_rounds": selectors.rounds_today_for(user=request.user, today=today),
        "upcoming": all_rounds.filter(date__gt=today).order_by("date", "id")[:10],
        "past": all_rounds.filter(date__lt=today)[:12],
        "can_plan": can_plan, "today": today.isoformat(), "post": request.POST,
        # an inspector planning a round usually goes on it; an office admin usually sends others
        "post_inspectors": _posted_ids(request, "inspectors",
                                       default={request.user.pk} if request.user.role == Role.INSPECTOR else set()),
        "post_sites": _posted_ids(request, "sites", default=set()),
        **(_round_choices(request) if can_plan else {}),
    })


@login_required
def rounds_today(request):
    """The inspector's phone shortcut: straight into today's round when there is exactly one."""
    _office_only(request.user)
    mine = list(selectors.rounds_today_for(user=request.user, today=timezone.localdate())[:2])
    if len(mine) == 1:
        return redirect("assessment:round", pk=mine[0].pk)
    if not mine:
        messages.info(request, "今天没有安排给您的督查")
    return redirect("assessment:rounds")


@login_required
def round_detail(request, pk):
    rnd = selectors.round_get_for(user=request.user, round_id=pk)
    if request.method == "POST":
        run_service(request, services.round_site_check, actor=request.user, round_id=pk,
                    site_id=request.POST.get("site", ""), success="已记为检查无问题")
        return redirect(f"{request.path}#site-{request.POST.get('site', '')}")
    overview = selectors.round_overview(rnd=rnd, now=timezone.now())
    return render(request, "assessment/round.html", {
        "round": rnd, "can_inspect": permissions.can_inspect(request.user),
        "is_today": rnd.date == timezone.localdate(), "is_future": rnd.date > timezone.localdate(), **overview,
    })


@login_required
def round_edit(request, pk):
    if not permissions.can_inspect(request.user):
        raise NotFound()
    rnd = selectors.round_get_for(user=request.user, round_id=pk)
    if request.method == "POST":
        form = _round_form(request)
        if form is not None and run_service(request, services.round_update, actor=request.user, round_id=pk,
                                            success="督查安排已修改", **form) is not None:
            return redirect("assessment:round", pk=pk)
    return render(request, "assessment/round_edit.html", {
        "round": rnd, "chosen_inspectors": {u.pk for u in rnd.inspectors.all()},
        "chosen_sites": {st.site_id for st in rnd.stops.all()}, **_round_choices(request),
    })


@login_required
def sites(request):
    if request.method == "POST":
        post = request.POST
        if run_service(request, services.site_create, actor=request.user, name=post.get("name", ""),
                       kind=post.get("kind", ""), unit_id=post.get("unit"), address=post.get("address", ""),
                       latitude=post.get("latitude") or None, longitude=post.get("longitude") or None,
                       success="点位已添加") is not None:
            return redirect("assessment:sites")
    return render(request, "assessment/sites.html", {
        "sites": selectors.site_list_for(user=request.user), "units": selectors.unit_list_for(user=request.user),
        "kinds": SiteKind.choices, "can_edit": permissions.can_inspect(request.user),
    })


# ---------------------------------------------------------------------------- bulletins


@login_required
def bulletins(request):
    if request.method == "POST":
        bulletin = run_service(request, bulletin_issue, actor=request.user, period=request.POST.get("period", ""),
                               success="通报已生成并登记")
        if bulletin is not None:
            return redirect("assessment:bulletin", pk=bulletin.pk)
    last = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return render(request, "assessment/bulletins.html", {
        "bulletins": selectors.bulletin_list_for(user=request.user),
        "is_admin": permissions.is_office_admin(request.user), "default_period": f"{last.year}-{last.month:02d}",
    })


@login_required
def bulletin_detail(request, pk):
    return render(request, "assessment/bulletin.html",
                  {"bulletin": selectors.bulletin_get_for(user=request.user, bulletin_id=pk)})


@login_required
def bulletin_download(request, pk):
    bulletin = selectors.bulletin_get_for(user=request.user, bulletin_id=pk)
    with bulletin.file.open("rb") as fh:
        response = HttpResponse(fh.read(), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bulletin-{bulletin.period}.docx"'
    return response

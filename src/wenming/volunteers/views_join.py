"""Pages for joining teams and organisations, deciding requests, and an organisation's own account."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from wenming.core.errors import InvalidInput, NotFound
from wenming.core.inputs import record_id, record_ids
from wenming.core.pages import form_errors, run_service
from wenming.core.validators import mask_phone
from wenming.volunteers import joining, selectors
from wenming.volunteers.models import JoinRequest, ServiceCategory, VolunteerOrg


@login_required
def join(request):
    """The volunteer's page for asking to join teams and organisations of their district."""
    volunteer = selectors.volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers:register")
    tab = request.GET.get("tab", "teams")
    if request.method == "POST":
        kind = "team" if request.POST.get("team") else "org"
        run_service(request, joining.join_request_create, actor=request.user, team_id=request.POST.get("team"),
                    org_id=request.POST.get("org"), message=request.POST.get("message", ""),
                    success="申请已提交，等待队长或组织审核")
        return redirect(f"{reverse('volunteers:join')}?tab={'teams' if kind == 'team' else 'orgs'}")
    requests = list(joining.join_requests_of(volunteer)[:50])
    pending_teams = {r.team_id for r in requests if r.status == JoinRequest.Status.PENDING and r.team_id}
    pending_orgs = {r.org_id for r in requests if r.status == JoinRequest.Status.PENDING and r.org_id}
    my_teams = set(volunteer.teams.values_list("pk", flat=True))
    context = {"v": volunteer, "tab": tab, "requests": requests, "pending_teams": pending_teams,
               "pending_orgs": pending_orgs, "my_teams": my_teams,
               "pending_count": len(pending_teams) + len(pending_orgs)}
    if tab == "orgs":
        context["orgs"] = joining.joinable_orgs(volunteer)[:300]
    elif tab == "teams":
        teams = joining.joinable_teams(volunteer)
        category = request.GET.get("category", "")
        if record_id(category):
            teams = teams.filter(categories__id=record_id(category))
        q = request.GET.get("q", "").strip()[:40]
        if q:
            teams = teams.filter(name__contains=q)
        context.update(page=Paginator(teams, 30).get_page(request.GET.get("page")), q=q, category=category,
                       categories=ServiceCategory.objects.all())
    return render(request, "volunteers/join.html", context)


@login_required
@require_POST
def join_withdraw(request, pk):
    run_service(request, joining.join_request_withdraw, actor=request.user, request_id=pk, success="申请已撤回")
    return redirect(f"{reverse('volunteers:join')}?tab=mine")


@login_required
@require_POST
def org_leave(request):
    run_service(request, joining.org_leave, actor=request.user, success="已退出组织")
    return redirect("volunteers:me")


@login_required
def requests_inbox(request):
    """Pending requests the user may decide (team leader, organisation account, admins)."""
    if request.method == "POST":
        approve = request.POST.get("decision") == "approve"
        run_service(request, joining.join_request_decide, actor=request.user, request_id=request.POST.get("request"),
                    approve=approve, reason=request.POST.get("reason", ""),
                    success="已同意，志愿者已加入" if approve else "已拒绝")
        return redirect("volunteers:requests")
    pending = joining.join_requests_to_decide(user=request.user)
    return render(request, "volunteers/requests.html", {"pending": pending[:200], "count": pending.count()})


PROFILE_FIELDS = ("contact_name", "contact_phone", "description")


@login_required
def org_manage(request, pk):
    """An organisation's own page for its accounts (and admins over it): profile, activities,
    members, teams, requests."""
    org = joining.org_for_manager(user=request.user, org_id=pk)
    profile_errors, profile_data = {}, None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "remove":
            run_service(request, joining.org_member_remove, actor=request.user, org_id=org.pk,
                        volunteer_id=request.POST.get("volunteer"), note=request.POST.get("note", ""),
                        success="已移出组织")
        elif action == "team":
            run_service(request, joining.org_team_create, actor=request.user, org_id=org.pk,
                        name=request.POST.get("name", ""), station_id=request.POST.get("station"),
                        category_ids=record_ids(request.POST.getlist("categories")),
                        leader_volunteer_id=request.POST.get("leader") or None, success="队伍已建立")
        elif action == "profile":
            # field errors are shown beside the fields, with what was typed kept
            category_ids = request.POST.getlist("categories")
            try:
                joining.org_profile_update(actor=request.user, org_id=org.pk, category_ids=category_ids,
                                           **{f: request.POST.get(f, "") for f in PROFILE_FIELDS})
            except InvalidInput as exc:
                profile_errors = form_errors(exc.errors)
                profile_data = {f: request.POST.get(f, "") for f in PROFILE_FIELDS}
                profile_data["categories"] = set(record_ids(category_ids))
            else:
                messages.success(request, "组织资料已保存")
                return redirect(f"{reverse('volunteers:org-manage', args=[org.pk])}#profile")
        else:
            raise NotFound()
        if not profile_errors:
            return redirect("volunteers:org-manage", pk=org.pk)
        org.refresh_from_db()
    members = joining.org_members(org)
    page = Paginator(members, 50).get_page(request.GET.get("page"))
    rows = [(v, mask_phone(v.phone), selectors.star_level(v.total_hours)) for v in page]
    pending = joining.join_requests_to_decide(user=request.user).filter(
        org=org) | joining.join_requests_to_decide(user=request.user).filter(team__org=org)
    if profile_data is None:
        profile_data = {f: getattr(org, f) for f in PROFILE_FIELDS}
        profile_data["categories"] = set(org.categories.values_list("pk", flat=True))
    # the organisation's activities, read through the reverse relation (the volunteers app imports
    # nothing from activities); ordered latest first
    activities = org.activities.select_related("station").order_by("-starts_at", "-id")
    return render(request, "volunteers/org_manage.html", {
        "org": org, "page": page, "rows": rows, "member_count": members.count(),
        "teams": org.teams.select_related("station", "leader").prefetch_related("categories"),
        "pending": pending.order_by("created_at", "id")[:100],
        "stations": joining.org_team_stations(org)[:300], "categories": ServiceCategory.objects.all(),
        "leaders": members.filter(user__isnull=False)[:300],
        "profile": profile_data, "profile_errors": profile_errors, "profile_open": bool(profile_errors),
        "changes": joining.org_profile_changes(org)[:5],
        "activities": activities[:20], "activity_count": activities.count(),
        "can_publish": org.status == VolunteerOrg.Status.APPROVED and org.admins.filter(pk=request.user.pk).exists(),
    })

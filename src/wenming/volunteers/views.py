"""Volunteer pages: registration, the volunteer's own page, certificates, review, public verification."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from wenming.core.errors import InvalidInput, NotFound, TransitionRefused
from wenming.core.excel import list_response, wants_xlsx
from wenming.core.inputs import bounded_int, is_digits, record_ids
from wenming.core.pages import form_errors, run_service
from wenming.core.qr import qr_svg
from wenming.regions.models import Station
from wenming.volunteers import exports, permissions, selectors, services
from wenming.volunteers.certificates import (
    DISCLOSE_OPTIONS,
    Verdict,
    certificate_issue,
    certificate_revoke,
    certificate_verify,
)
from wenming.volunteers.models import (
    TIME_SLOTS,
    WEEKDAYS,
    Certificate,
    JoinRequest,
    ServiceCategory,
    Volunteer,
    VolunteerOrg,
)
from wenming.volunteers.selectors import STAR_THRESHOLDS, star_level


def register(request):
    if request.user.is_authenticated and selectors.volunteer_of(request.user):
        return redirect("volunteers:me")
    errors, data = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        availability = []
        for item in request.POST.getlist("availability"):
            day, _, slot = item.partition("-")
            availability.append([bounded_int(day, low=0, high=9) if is_digits(day) else day, slot])
        try:
            volunteer = services.volunteer_register(actor=request.user, data=services.Registration(
                name=data.get("name", ""), phone=data.get("phone", ""), id_number=data.get("id_number", ""),
                home_station_id=data.get("home_station") or None, skills=data.get("skills", ""),
                category_ids=record_ids(request.POST.getlist("categories")),
                availability=availability, password=data.get("password", "")))
        except (InvalidInput, TransitionRefused) as exc:
            errors = form_errors(exc.errors) or {"form": exc.message}
        else:
            if not request.user.is_authenticated:
                login(request, volunteer.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "注册成功，请等待所属实践站审核。")
            return redirect("volunteers:me")
    stations = Station.objects.select_related("node__parent").filter(kind="station").order_by("node__path")
    return render(request, "volunteers/register.html", {
        "data": data, "errors": errors, "stations": stations, "categories": ServiceCategory.objects.all(),
        "weekdays": list(enumerate(WEEKDAYS)), "slots": TIME_SLOTS.items(),
        "checked": set(request.POST.getlist("availability")), "checked_cats": set(request.POST.getlist("categories")),
    })


def _next_star(hours):
    for t in STAR_THRESHOLDS:
        if hours < t:
            return t, int(hours * 100 / t)
    return None, 100


@login_required
def me(request):
    from wenming.volunteers.joining import (
        administered_orgs,
        join_requests_of,
        join_requests_to_decide,
    )

    volunteer = selectors.volunteer_of(request.user)
    managed = list(request.user.administered_orgs.all()[:10])
    if volunteer is None:
        # an organisation's account without a volunteer profile starts on its organisation
        return redirect("volunteers:org-manage", pk=managed[0].pk) if managed and administered_orgs(
            request.user).exists() else redirect("volunteers:register")
    stars = star_level(volunteer.total_hours)
    next_at, pct = _next_star(volunteer.total_hours)
    # a phone screen shows the latest few; the whole list is one tap away
    shown = 200 if request.GET.get("records") == "all" else 10
    return render(request, "volunteers/me.html", {
        "v": volunteer, "stars": stars, "star_range": range(5), "next_at": next_at, "pct": pct,
        "records": volunteer.records.select_related("confirmed_by").order_by("-served_on", "-id")[:shown],
        "record_count": volunteer.records.count(), "records_shown": shown,
        "certificates": volunteer.certificates.all()[:20], "disclose_options": DISCLOSE_OPTIONS.items(),
        "teams": volunteer.teams.all(), "managed": managed,
        "requests": join_requests_of(volunteer).filter(status=JoinRequest.Status.PENDING).count(),
        "to_decide": join_requests_to_decide(user=request.user).count(),
    })


@login_required
@require_POST
def certificate_new(request):
    cert = run_service(request, certificate_issue, actor=request.user, disclose=request.POST.getlist("disclose"),
                       success="证明已出具")
    return redirect("volunteers:certificate", code=cert.code) if cert else redirect("volunteers:me")


def _own_certificate(request, code) -> Certificate:
    volunteer = selectors.volunteer_of(request.user)
    cert = Certificate.objects.filter(code=code, volunteer=volunteer).first() if volunteer else None
    if cert is None:
        raise NotFound("未找到该证明")
    return cert


@login_required
def certificate(request, code):
    cert = _own_certificate(request, code)
    verify_url = request.build_absolute_uri(f"/volunteers/verify/{cert.code}/")
    return render(request, "volunteers/certificate.html", {
        "cert": cert, "c": cert.content, "verify_url": verify_url, "qr": mark_safe(qr_svg(verify_url)),  # noqa: S308 — our own SVG
        "star_range": range(cert.content.get("stars", 0)),
    })


@login_required
@require_POST
def certificate_revoke_view(request, code):
    cert = _own_certificate(request, code)
    run_service(request, certificate_revoke, actor=request.user, certificate_id=cert.pk,
                reason=request.POST.get("reason", "本人撤销"), success="证明已撤销")
    return redirect("volunteers:me")


def verify(request, code=None):
    code = code or request.GET.get("code", "").strip()
    context = {"code": code}
    if code:
        try:
            verdict, cert = certificate_verify(code=code)
        except NotFound:
            context["verdict"] = "missing"
        else:
            context.update(verdict=verdict, cert=cert, c=cert.content if verdict == Verdict.VALID else None)
    return render(request, "volunteers/verify.html", context)


@login_required
def review(request):
    pending = selectors.pending_volunteers_for(user=request.user).prefetch_related("categories")
    if not (permissions.reviews_volunteers(request.user)):
        raise NotFound()
    return render(request, "volunteers/review.html", {"pending": pending[:100], "weekdays": WEEKDAYS,
                                                       "slots": TIME_SLOTS})


@login_required
@require_POST
def review_act(request, pk):
    approve = request.POST.get("decision") == "approve"
    run_service(request, services.volunteer_review, volunteer_id=pk, actor=request.user, approve=approve,
                note=request.POST.get("note", ""), success="已通过" if approve else "已退回")
    return redirect("volunteers:review")


def volunteer_status_label(v: Volunteer) -> str:
    return v.get_status_display()


@login_required
def import_volunteers(request):
    from django.http import HttpResponse

    from wenming.core.errors import DomainError
    from wenming.volunteers.imports import COLUMNS, template_bytes, volunteer_import

    if not (permissions.reviews_volunteers(request.user)):
        raise NotFound()
    if request.GET.get("template"):
        response = HttpResponse(template_bytes(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = "attachment; filename*=UTF-8''volunteers-template.xlsx"
        return response
    report, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = "请选择要导入的 Excel 文件"
        else:
            try:
                report = volunteer_import(actor=request.user, upload=upload,
                                          import_valid_rows=request.POST.get("import_valid") == "on")
            except DomainError as exc:
                error = "；".join(m for msgs in exc.errors.values() for m in msgs) or exc.message
    return render(request, "volunteers/import.html", {"report": report, "error": error, "columns": COLUMNS})


@login_required
def org_list(request):
    from wenming.volunteers.models import VolunteerOrg

    orgs = selectors.org_list_for(user=request.user).order_by("status", "name")
    staff = permissions.reviews_volunteers(request.user)
    reviewer = permissions.reviews_orgs(request.user)
    if wants_xlsx(request):
        # a staff ledger: the organisations this page lists (the waiting ones to reviewers), all of them
        if not staff:
            raise NotFound()
        shown = [VolunteerOrg.Status.APPROVED] + ([VolunteerOrg.Status.PENDING] if reviewer else [])
        return list_response("volunteer-orgs", "志愿服务组织", exports.ORG_COLUMNS,
                             exports.org_rows(orgs.filter(status__in=shown)))
    return render(request, "volunteers/org_list.html", {
        "pending": orgs.filter(status=VolunteerOrg.Status.PENDING) if reviewer else [],
        "mine": request.user.administered_orgs.all(), "reviewer": reviewer,
        "orgs": orgs.filter(status=VolunteerOrg.Status.APPROVED)[:300], "staff": staff,
    })


@login_required
def org_detail(request, pk):
    from wenming.core.validators import mask_phone
    from wenming.volunteers.joining import org_for_manager

    org = selectors.org_get_for(user=request.user, org_id=pk)
    staff = permissions.reviews_volunteers(request.user)
    try:
        manage = org.status == "approved" and bool(org_for_manager(user=request.user, org_id=org.pk))
    except NotFound:
        manage = False
    volunteer = selectors.volunteer_of(request.user)
    return render(request, "volunteers/org_detail.html", {
        "manage": manage, "volunteer": volunteer, "categories": org.categories.all(),
        "can_review": org.status == "pending" and services.can_review_org(request.user, org) and not
        org.admins.filter(pk=request.user.pk).exists(),
        "org": org, "stats": selectors.org_statistics(org), "teams": org.teams.filter(is_active=True)
        .select_related("station", "leader"), "areas": org.service_areas.all(),
        "phone": org.contact_phone if staff else mask_phone(org.contact_phone),
    })


def org_register(request):
    """An organisation applies (组织入驻); a visitor without an account gets one in the same step."""
    from wenming.regions.models import Node
    from wenming.regions.selectors import first_district

    errors, data = {}, request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            org = services.org_register(
                actor=request.user, name=data.get("name", ""), node_id=data.get("node"),
                contact_name=data.get("contact_name", ""), contact_phone=data.get("contact_phone", ""),
                description=data.get("description", ""), credit_code=data.get("credit_code", ""),
                service_area_ids=record_ids(request.POST.getlist("service_areas")),
                category_ids=record_ids(request.POST.getlist("categories")),
                password=data.get("password", ""))
        except InvalidInput as exc:
            errors = form_errors(exc.errors)
        else:
            if not request.user.is_authenticated:
                login(request, org.applicant, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"“{org.name}”已提交，等待实践所（中心）审核。")
            return redirect("volunteers:org", pk=org.pk)
    if request.user.is_authenticated and request.user.node_id:
        district_id = request.user.node.own_district_id
    else:
        district = first_district()
        district_id = district.pk if district else None
    nodes = Node.objects.filter(Q(district_id=district_id) | Q(pk=district_id), kind__in=["district", "town"]) \
        .order_by("path") if district_id else Node.objects.none()
    return render(request, "volunteers/org_register.html", {
        "data": data, "errors": errors, "nodes": nodes, "categories": ServiceCategory.objects.all(),
        "checked": set(request.POST.getlist("service_areas")), "checked_cats": set(request.POST.getlist("categories")),
    })


@login_required
@require_POST
def org_review_act(request, pk):
    approve = request.POST.get("decision") == "approve"
    run_service(request, services.org_review, org_id=pk, actor=request.user, approve=approve,
                note=request.POST.get("note", ""), success="已通过" if approve else "已退回")
    return redirect("volunteers:orgs")


def _staff_only(request):
    if not (permissions.reviews_volunteers(request.user)):
        raise NotFound()


@login_required
def people(request):
    """Staff: find volunteers in scope by name or phone."""
    from django.core.paginator import Paginator

    from wenming.core.crypto import digest
    from wenming.core.validators import mask_phone

    _staff_only(request)
    q = request.GET.get("q", "").strip()[:40]
    qs = selectors.volunteer_list_for(user=request.user).select_related("node", "org").order_by("-total_hours", "id")
    if q:
        qs = qs.filter(phone_digest=digest(q)) if is_digits(q) and len(q) == 11 else qs.filter(name__contains=q)
    if wants_xlsx(request):
        return list_response("volunteers", "志愿者", exports.PEOPLE_COLUMNS, exports.people_rows(qs))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(v, mask_phone(v.phone), star_level(v.total_hours)) for v in page]
    pending = selectors.pending_volunteers_for(user=request.user).count()
    return render(request, "volunteers/people.html", {"page": page, "rows": rows, "q": q, "pending": pending})


@login_required
def person(request, pk):
    """Staff: one volunteer's profile and records, with the correction form (冲正)."""
    from wenming.core.validators import mask_id_number, mask_phone

    _staff_only(request)
    try:
        v = selectors.volunteer_list_for(user=request.user).select_related("node", "org", "home_station").get(
            pk=int(pk))
    except (Volunteer.DoesNotExist, ValueError, OverflowError):
        raise NotFound() from None
    if request.method == "POST":
        run_service(request, services.service_record_reverse, record_id=request.POST.get("record"),
                    actor=request.user, reason=request.POST.get("reason", ""),
                    corrected_hours=request.POST.get("corrected_hours") or None, success="已冲正，累计时长已更新")
        return redirect("volunteers:person", pk=v.pk)
    records = v.records.select_related("confirmed_by", "reversed_by").order_by("-served_on", "-id")[:200]
    return render(request, "volunteers/person.html", {
        "v": v, "phone": mask_phone(v.phone), "id_number": mask_id_number(v.id_number),
        "stars": star_level(v.total_hours), "records": records,
        "orgs": selectors.org_list_for(user=request.user).filter(status=VolunteerOrg.Status.APPROVED).order_by("name")[:500],
        "memberships": v.memberships.select_related("org", "team").order_by("joined_at", "id"),
    })


@login_required
@require_POST
def transfer(request, pk):
    run_service(request, services.volunteer_transfer, actor=request.user, volunteer_id=pk,
                org_id=request.POST.get("org") or None, note=request.POST.get("note", ""), success="已办理转移")
    return redirect("volunteers:person", pk=pk)


@login_required
@require_POST
def team_leave_view(request, team_pk):
    volunteer = selectors.volunteer_of(request.user)
    run_service(request, services.team_member_remove, actor=request.user, team_id=team_pk,
                volunteer_id=volunteer.pk if volunteer else None, note="本人退出", success="已退出队伍")
    return redirect("volunteers:me")


@login_required
def certificate_pdf_view(request, code):
    from django.http import HttpResponse

    from wenming.volunteers.certificate_pdf import FontMissing, certificate_pdf

    cert = _own_certificate(request, code)
    verify_url = request.build_absolute_uri(f"/volunteers/verify/{cert.code}/")
    try:
        data = certificate_pdf(cert, verify_url=verify_url)
    except FontMissing:
        messages.error(request, "服务器未安装中文字体，暂不能生成PDF，请使用“打印 / 保存为PDF”。")
        return redirect("volunteers:certificate", code=cert.code)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename=certificate-{cert.code}.pdf"
    return response

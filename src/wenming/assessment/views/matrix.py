"""Evaluation matrix pages: indicators and the matrix, units and their people, the quarterly evaluation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from wenming.assessment import exports, permissions, selectors, services
from wenming.assessment.evaluation import (
    COMPONENT_LABEL,
    COMPONENTS,
    quarter_ranking,
    ranking_export,
)
from wenming.assessment.imports import (
    ImportErrors,
    indicators_import,
    responsibilities_import,
    system_export,
)
from wenming.assessment.periods import parse_quarter, period_of, quarter_of
from wenming.assessment.views.common import XLSX, _district_id, _office_only
from wenming.core.errors import DomainError, NotFound
from wenming.core.excel import list_response, wants_xlsx
from wenming.core.inputs import bounded_int, bounded_ints, record_ids
from wenming.core.pages import run_service
from wenming.core.validators import mask_phone

# ---------------------------------------------------------------------------- indicators and matrix


@login_required
def indicators(request):
    _office_only(request.user)
    report, form = None, {"year": request.POST.get("year", timezone.localtime().year)}
    if request.method == "POST":
        kind = request.POST.get("kind", "system")
        try:
            if kind == "system":
                year = request.POST.get("year", "")
                system = indicators_import(actor=request.user, upload=request.FILES.get("file"),
                                           year=bounded_int(year, low=0, high=9999), name=request.POST.get("name", ""))
                messages.success(request, f"已导入 {system.year} 年度测评体系，共 "
                                          f"{system.indicators.filter(level=3).count()} 项三级指标")
            else:
                system = selectors.system_get_for(user=request.user, system_id=request.POST.get("system"))
                count = responsibilities_import(actor=request.user, upload=request.FILES.get("file"), system=system)
                messages.success(request, f"已导入责任分解 {count} 行")
            return redirect("assessment:system", pk=system.pk)
        except ImportErrors as exc:
            report = exc.rows
            messages.error(request, exc.message)
        except DomainError as exc:
            detail = "；".join(m for ms in exc.errors.values() for m in ms)
            messages.error(request, f"{exc.message}{'：' + detail if detail else ''}")
    return render(request, "assessment/indicators.html", {
        "systems": selectors.system_list_for(user=request.user), "report": report, "form": form,
    })


@login_required
def system_detail(request, pk):
    system = selectors.system_get_for(user=request.user, system_id=pk)
    matrix = {r.indicator_id: r for r in selectors.responsibility_list_for(user=request.user, system_id=system.pk)}
    rows = [(ind, matrix.get(ind.pk)) for ind in selectors.indicator_tree(system=system)]
    return render(request, "assessment/system.html", {
        "system": system, "rows": rows, "can_edit": permissions.is_office_admin(request.user),
    })


@login_required
def system_export_view(request, pk):
    system = selectors.system_get_for(user=request.user, system_id=pk)
    response = HttpResponse(system_export(system=system), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="indicators-{system.year}.xlsx"'
    return response


@login_required
def responsibility_edit(request, pk):
    resp = selectors.responsibility_get_for(user=request.user, responsibility_id=pk)
    if request.method == "POST":
        done = run_service(
            request, services.responsibility_update, actor=request.user, responsibility_id=pk,
            lead_unit_id=request.POST.get("lead_unit") or None,
            cooperating_unit_ids=record_ids(request.POST.getlist("cooperating_units")),
            person=request.POST.get("person", ""), months=bounded_ints(request.POST.getlist("months"), low=0, high=99),
            success="责任分解已保存")
        if done is not None:
            return redirect("assessment:system", pk=resp.indicator.system_id)
    return render(request, "assessment/responsibility.html", {
        "resp": resp, "units": selectors.unit_list_for(user=request.user), "month_range": range(1, 13),
        "coop_ids": set(resp.cooperating_units.values_list("pk", flat=True)),
    })


# ---------------------------------------------------------------------------- units


@login_required
def unit_detail(request, pk):
    unit = selectors.unit_get_for(user=request.user, unit_id=pk)
    now = timezone.now()
    tasks = selectors.task_list_for(user=request.user, unit_id=unit.pk).order_by("-period", "indicator__sort")[:60]
    return render(request, "assessment/unit.html", {
        "unit": unit, "tasks": tasks, "now": now, "people": _people_rows(request.user, unit),
        "cards": selectors.card_list_for(user=request.user, unit_id=unit.pk),
        "problems": selectors.problem_list_for(user=request.user).filter(unit=unit)[:30],
        "measures": selectors.measure_list_for(user=request.user).filter(unit=unit),
        "my_units": set(selectors.units_of(request.user).values_list("pk", flat=True)),
        "is_admin": permissions.is_office_admin(request.user),
    })


def _people_rows(user, unit) -> list[dict]:
    """A unit's responsible person and contacts with their phones. The office calls units to chase
    filings and fixes: full numbers for office staff, masked for everyone else."""
    full = selectors.is_office(user)
    people = [("责任人", unit.responsible)] if unit.responsible_id else []
    people += [("联络员", c) for c in unit.contacts.all()]
    return [{"role": role, "name": u.display_name, "tel": full,
             "phone": (u.phone if full else mask_phone(u.phone)) if u.phone else ""} for role, u in people]


@login_required
def units(request):
    """单位联络人: every unit's responsible person and contacts; the office admin edits them."""
    rows = list(selectors.unit_list_for(user=request.user).select_related("district"))
    for unit in rows:
        unit.people = _people_rows(request.user, unit)
    missing = [u for u in rows if u.is_active and not u.contacts.all()]
    only_missing = request.GET.get("missing") == "1"
    if wants_xlsx(request):
        return list_response("assessment-units", "责任单位与联络人" + ("（未设置联络员）" if only_missing else ""),
                             exports.UNIT_COLUMNS, missing if only_missing else rows)
    return render(request, "assessment/units.html", {
        "units": missing if only_missing else rows, "is_admin": permissions.is_office_admin(request.user),
        "missing": len(missing), "total": len(rows), "only_missing": only_missing,
    })


@login_required
def unit_people(request, pk):
    if not permissions.is_office_admin(request.user):
        raise NotFound()
    unit = selectors.unit_get_for(user=request.user, unit_id=pk)
    if request.method == "POST":
        done = run_service(request, services.unit_set_people, actor=request.user, unit_id=pk,
                           responsible_id=request.POST.get("responsible") or None,
                           contact_ids=request.POST.getlist("contacts"), success=f"{unit.name}的联络人已保存")
        if done is not None:
            return redirect("assessment:units")
    return render(request, "assessment/unit_people.html", {
        "unit": unit, "candidates": selectors.unit_people_candidates(unit=unit),
        "contact_ids": {u.pk for u in unit.contacts.all()},
    })


# ---------------------------------------------------------------------------- evaluation


@login_required
def evaluation(request):
    _office_only(request.user)
    quarter = request.GET.get("quarter") or quarter_of(period_of(timezone.now()))
    try:
        parse_quarter(quarter)
    except DomainError:
        quarter = quarter_of(period_of(timezone.now()))
    rows = quarter_ranking(district_id=_district_id(request.user), quarter=quarter)
    if request.GET.get("export"):
        response = HttpResponse(ranking_export(rows=rows, title=f"{quarter} 季度考评排名"), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="evaluation-{quarter}.xlsx"'
        return response
    return render(request, "assessment/evaluation.html", {
        "quarter": quarter, "rows": rows, "components": [(c, COMPONENT_LABEL[c]) for c in COMPONENTS],
    })

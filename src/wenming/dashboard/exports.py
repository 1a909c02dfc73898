"""The dashboard's Excel exports: every figure, list and ranking of a view, with the figures'
definitions, as the page shows them (the same `dashboard_data` / `department_data`)."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from wenming.dashboard.figures import DEPT_FIGURES, FIGURES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(fig):
    value = fig["value"]
    return round(value * 100, 2) if fig["unit"] == "%" and value is not None else value


def _figures_sheet(wb, title: str, data: dict, definitions: dict) -> None:
    ws = wb.active
    ws.title = "核心指标"
    ws.append([title, f"{data['start']} 至 {data['end']}"])
    ws.append(["代码", "指标", "数值", "单位", "口径"])
    for fig in data["figures"]:
        ws.append([fig["code"], fig["name"], _percent(fig), fig["unit"], definitions[fig["code"]]])
    for cell in ws[2]:
        cell.font = Font(bold=True)


def _add_sheets(wb, sheets) -> bytes:
    for title, head, rows in sheets:
        sheet = wb.create_sheet(title)
        sheet.append(head)
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _trend_sheet(trends: dict):
    codes = list(trends["series"])
    return ("月度趋势", ["月份"] + [trends["names"][c] for c in codes],
            [[m] + [trends["series"][c][i] for c in codes] for i, m in enumerate(trends["months"])])


def area_workbook(node, data: dict) -> bytes:
    """A region's view: figures, ranking of its children, categories, trend, waiting lists."""
    wb = Workbook()
    _figures_sheet(wb, f"{node.name} 新时代文明实践数据", data, {f.code: f.definition for f in FIGURES})
    return _add_sheets(wb, [
        ("下级排行", ["排名", "名称", "解决订单", "收集诉求", "服务时长", "开展活动"],
         [[r["rank"], r["name"], r["orders_solved"], r["demands_collected"], r["service_hours"], r["activities_held"]]
          for r in data["ranking"]]),
        ("点单类别", ["服务类别", "点单数"], [[r["name"], r["count"]] for r in data["categories"]["orders"]]),
        ("诉求分类", ["诉求分类", "诉求数"], [[r["name"], r["count"]] for r in data["categories"]["demands"]]),
        _trend_sheet(data["trends"]),
        ("等待最久的订单", ["单号", "项目", "阵地", "状态", "等待天数"],
         [[o["number"], o["title"], o["place"], o["status"], o["days"]] for o in data["waiting"]["orders"]]),
        ("等待最久的诉求", ["编号", "分类", "所在地", "状态", "等待天数"],
         [[d["number"], d["title"], d["place"], d["status"], d["days"]] for d in data["waiting"]["demands"]]),
    ])


def department_workbook(data: dict) -> bytes:
    """A department's view: its figures and rates, its trend, its longest-waiting assignments."""
    wb = Workbook()
    _figures_sheet(wb, f"{data['department']['name']} 接诉即办数据", data,
                   {f.code: f.definition for f in DEPT_FIGURES})
    return _add_sheets(wb, [
        _trend_sheet(data["trends"]),
        ("等待最久的派单", ["编号", "分类", "所在地", "角色", "状态", "派单时间", "等待天数", "超时"],
         [[d["number"], d["title"], d["place"], "牵头" if d["lead"] else "配合", d["status"], d["since"][:16],
           d["days"], "是" if d["overdue"] else ""] for d in data["waiting"]["demands"]]),
    ])

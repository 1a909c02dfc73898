"""Excel columns of the order lists (导出 Excel): what a clerk keeps in the order ledger (台账).

Contact phones are never exported: the console does not show them either.
"""

from wenming.core.excel import Column


def _rating(order):
    if order.score is None:
        return ""
    return order.score


def _rating_note(order):
    if order.score is None:
        return ""
    return "超期默认好评" if order.rated_by_default else order.comment


CONSOLE_COLUMNS = [
    Column("单号", lambda o: o.number, 18),
    Column("点单时间", lambda o: o.submitted_at, 17),
    Column("服务类别", lambda o: o.service_item.category.name, 14),
    Column("服务项目", lambda o: o.service_item.name, 14),
    Column("需求描述", lambda o: o.description, 30),
    Column("服务地址", lambda o: o.address, 24),
    Column("阵地", lambda o: o.station.name, 26),
    Column("状态", lambda o: o.get_status_display(), 9),
    Column("派单方式", lambda o: o.get_dispatch_mode_display(), 9),
    Column("服务队伍", lambda o: o.team.name if o.team_id else "", 20),
    Column("派单时间", lambda o: o.dispatched_at, 17),
    Column("接单时间", lambda o: o.accepted_at, 17),
    Column("完成时间", lambda o: o.completed_at, 17),
    Column("本环节时限", lambda o: o.due_at, 17),
    Column("服务人数", lambda o: o.served_count, 9),
    Column("评价", _rating, 7),
    Column("评价内容", _rating_note, 24),
    Column("取消/驳回原因", lambda o: o.reason, 20),
    Column("超时", lambda o: "是" if o.is_overdue else "否", 7),
]


def console_rows(qs):
    """The console's orders for the sheet, in the page's order, one query: the contact phone
    (decrypted per row) and the citizen are not needed."""
    return (qs.select_related(None).select_related("service_item__category", "station", "team")
            .defer("contact_phone", "latitude", "longitude").iterator(chunk_size=2000))

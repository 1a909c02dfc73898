"""Excel columns of the staff lists of volunteers and organisations (导出 Excel).

Phones are masked exactly as the pages mask them; ID numbers are never read, let alone exported.
"""

from wenming.core.excel import Column
from wenming.core.validators import mask_phone
from wenming.volunteers.selectors import star_level

PEOPLE_COLUMNS = [
    Column("姓名", lambda v: v.name, 12),
    Column("手机", lambda v: mask_phone(v.phone), 14),
    Column("所属区域", lambda v: v.node.name, 16),
    Column("组织", lambda v: v.org.name if v.org_id else "", 24),
    Column("状态", lambda v: v.get_status_display(), 9),
    Column("星级", lambda v: star_level(v.total_hours) or "", 7),
    Column("累计时长", lambda v: float(v.total_hours), 10),
    Column("注册时间", lambda v: v.created_at, 17),
]


def people_rows(qs):
    """The volunteers of the page's list, one query; the encrypted ID number is never loaded."""
    return (qs.select_related("node", "org")
            .only("name", "phone", "node__name", "org__name", "status", "total_hours", "created_at")
            .iterator(chunk_size=2000))


ORG_COLUMNS = [
    Column("名称", lambda o: o.name, 28),
    Column("状态", lambda o: o.get_status_display(), 9),
    Column("所属区域", lambda o: o.node.name, 16),
    Column("统一社会信用代码", lambda o: o.credit_code, 20),
    Column("联系人", lambda o: o.contact_name, 10),
    Column("联系电话", lambda o: mask_phone(o.contact_phone), 14),
    Column("服务类别", lambda o: "、".join(c.name for c in o.categories.all()), 24),
    Column("申请时间", lambda o: o.created_at, 17),
    Column("审核时间", lambda o: o.reviewed_at, 17),
]


def org_rows(qs):
    """The organisations of the page's list with their categories, two queries in all."""
    return qs.select_related("node").prefetch_related("categories")

"""Default satisfaction levels and a starting category tree (both edited in the admin afterwards).

Used by the data migration, the demo and the tests (a transactional test empties every table,
migration data included, so fixtures put these back)."""

LEVELS = [
    ("satisfied", "满意", "1.00", True, False, 1),
    ("basic", "基本满意", "0.80", True, False, 2),
    ("dissatisfied", "不满意", "0.00", False, True, 3),
]

TREE = {
    "市容环境": ["占道经营", "乱堆乱放", "垃圾清运", "违规广告"],
    "交通出行": ["乱停乱放", "道路破损", "交通信号"],
    "住房物业": ["物业服务", "房屋安全", "加装电梯"],
    "民生服务": ["供水供电", "养老服务", "就业社保"],
    "邻里纠纷": ["噪音扰民", "邻里矛盾"],
}


def ensure_defaults(level_model=None, category_model=None) -> None:
    if level_model is None:
        from wenming.demands.models import Category as category_model  # noqa: N813
        from wenming.demands.models import SatisfactionLevel as level_model  # noqa: N813
    for code, name, weight, resolved, reopens, sort in LEVELS:
        level_model.objects.get_or_create(code=code, defaults={
            "name": name, "weight": weight, "counts_resolved": resolved, "reopens": reopens, "sort": sort})
    for i, (parent, children) in enumerate(TREE.items()):
        top, _ = category_model.objects.get_or_create(parent=None, name=parent, defaults={"sort": i})
        for j, child in enumerate(children):
            category_model.objects.get_or_create(parent=top, name=child, defaults={"sort": j})

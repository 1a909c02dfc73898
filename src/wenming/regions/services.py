from django.db import transaction

from wenming.core.errors import InvalidInput
from wenming.regions.choices import NODE_DEPTH, STATION_KIND_FOR_NODE, NodeKind, Role
from wenming.regions.models import Department, Node, Station, User

CHILD_KIND = {NodeKind.DISTRICT: NodeKind.TOWN, NodeKind.TOWN: NodeKind.VILLAGE, NodeKind.VILLAGE: NodeKind.GRID}


@transaction.atomic
def node_create(*, name: str, kind: str, parent: Node | None = None, code: str = "",
                latitude=None, longitude=None) -> Node:
    if parent is None and kind != NodeKind.DISTRICT:
        raise InvalidInput("只有区县可以没有上级", errors={"parent": ["必须选择上级区域"]})
    if parent is not None and CHILD_KIND.get(parent.kind) != kind:
        raise InvalidInput("层级不匹配", errors={"kind": [f"{parent.get_kind_display()}下只能建{NodeKind(CHILD_KIND.get(parent.kind, kind)).label}"]})
    node = Node.objects.create(name=name, kind=kind, parent=parent, code=code,
                               latitude=latitude, longitude=longitude)
    node.path = f"{parent.path if parent else '/'}{node.pk}/"
    node.district = parent.district if parent else node
    node.save(update_fields=["path", "district"])
    assert node.depth == NODE_DEPTH[kind]
    return node


@transaction.atomic
def station_create(*, node: Node, name: str, address: str = "", phone: str = "",
                   latitude=None, longitude=None) -> Station:
    kind = STATION_KIND_FOR_NODE.get(node.kind)
    if kind is None:
        raise InvalidInput("网格上不设实践阵地", errors={"node": ["请选择区县、乡镇或村社区"]})
    return Station.objects.create(node=node, kind=kind, name=name, address=address, phone=phone,
                                  latitude=latitude if latitude is not None else node.latitude,
                                  longitude=longitude if longitude is not None else node.longitude)


def department_create(*, district: Node, name: str, short_name: str = "") -> Department:
    return Department.objects.create(node=district, name=name, short_name=short_name)


@transaction.atomic
def user_create(*, username: str, password: str, role: str, node: Node | None, full_name: str = "",
                phone: str = "", department: Department | None = None, is_staff: bool | None = None) -> User:
    if role not in Role.values:
        raise InvalidInput("未知角色", errors={"role": [f"未知角色：{role}"]})
    if role == Role.DEPT_HANDLER and department is None:
        raise InvalidInput("部门经办人必须属于一个部门", errors={"department": ["必填"]})
    if is_staff is None:
        # Back-office roles may open the admin; what they see there is still scoped.
        is_staff = role in {Role.STATION_ADMIN, Role.INSTITUTE_ADMIN, Role.CENTER_ADMIN, Role.OFFICE_ADMIN}
    user = User(username=username, role=role, node=node, full_name=full_name, phone=phone,
                department=department, is_staff=is_staff)
    user.set_password(password)
    user.save()
    return user

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from wenming.core.errors import InvalidInput, NotFound
from wenming.regions import permissions
from wenming.regions.choices import NODE_DEPTH, STATION_KIND_FOR_NODE, NodeKind, Role
from wenming.regions.models import Department, Node, Station, User
from wenming.regions.selectors import in_scope

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
def node_update(*, actor, node_id: int, name: str, code: str = "", latitude=None, longitude=None) -> Node:
    """Rename a place, or correct its code or its coordinates; where it sits in the tree stays
    (its path and district are what every record under it is scoped by). Outside the actor's
    scope it does not exist (404)."""
    node = Node.objects.select_for_update().filter(pk=node_id).first()
    if node is None or not (actor.is_superuser or in_scope(actor, node)):
        raise NotFound()
    node.name, node.code, node.latitude, node.longitude = name, code, latitude, longitude
    node.save(update_fields=["name", "code", "latitude", "longitude"])
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
        is_staff = _staff(role)
    user = User(username=username, role=role, node=node, full_name=full_name, phone=phone,
                department=department, is_staff=is_staff)
    user.set_password(password)
    user.save()
    return user


def _staff(role: str) -> bool:
    # Back-office roles may open the admin; what they see there is still scoped.
    return role in {Role.STATION_ADMIN, Role.INSTITUTE_ADMIN, Role.CENTER_ADMIN, Role.OFFICE_ADMIN}


def _account_fields_check(actor, *, role: str, node: Node | None, department: Department | None) -> None:
    """What an account manager may set: a role below their own, a place in their subtree, a
    department of their district."""
    errors = {}
    if role not in permissions.grantable_roles(actor):
        errors["role"] = ["您不能授予该角色"]
    if not actor.is_superuser and not in_scope(actor, node):
        errors["node"] = ["不在您的管辖范围内"]
    if department is not None and not actor.is_superuser and not in_scope(actor, department.node):
        errors["department"] = ["不在您的管辖范围内"]
    if role == Role.DEPT_HANDLER and department is None:
        errors["department"] = ["部门经办人必须属于一个部门"]
    if errors:
        raise InvalidInput("输入有误", errors=errors)


@transaction.atomic
def account_create(*, actor, username: str, password: str, role: str, node: Node | None, full_name: str = "",
                   phone: str = "", department: Department | None = None) -> User:
    """An account manager (the admin's 用户 page) opens an account below their own rank."""
    _account_fields_check(actor, role=role, node=node, department=department)
    try:
        validate_password(password, User(username=username, full_name=full_name))
    except ValidationError as exc:
        raise InvalidInput("密码不符合要求", errors={"password": list(exc.messages)}) from None
    return user_create(username=username, password=password, role=role, node=node, full_name=full_name,
                       phone=phone, department=department)


@transaction.atomic
def account_update(*, actor, user_id: int, full_name: str, phone: str, role: str, node: Node | None,
                   department: Department | None, is_active: bool) -> User:
    """An account manager changes an account they may manage (regions.permissions); the row is
    locked, and whether the admin may open the admin follows the role."""
    target = User.objects.select_for_update().filter(pk=user_id).first()
    if target is None or not permissions.can_manage_user(actor, target):
        raise NotFound()
    _account_fields_check(actor, role=role, node=node, department=department)
    target.full_name, target.phone, target.role, target.node = full_name, phone, role, node
    target.department, target.is_active = department, is_active
    if not target.is_superuser:
        target.is_staff = _staff(role)
    target.save(update_fields=["full_name", "phone", "role", "node", "department", "is_active", "is_staff"])
    return target

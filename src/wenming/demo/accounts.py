"""Demo accounts (DESIGN §6): one per role, named after the role, plus the many team
leaders and residents a district has."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from wenming.demo.identity import People
from wenming.demo.region import Region
from wenming.regions.choices import Role
from wenming.regions.models import User
from wenming.regions.services import user_create

PASSWORD = "Wenming@2026"
SUPERUSER = "admin"


@dataclass(frozen=True)
class AccountSpec:
    username: str
    role: str
    home: str  # "village": the home station's village; "town": its town; "district"
    full_name: str
    phone: str
    department: str = ""  # a department's short name


DEMO_ACCOUNTS = (
    AccountSpec("citizen", Role.CITIZEN, "village", "张秀英", "13981620451"),
    AccountSpec("volunteer", Role.VOLUNTEER, "village", "李娜", "15882710326"),
    AccountSpec("team_leader", Role.TEAM_LEADER, "village", "王建国", "13708276615"),
    AccountSpec("station_admin", Role.STATION_ADMIN, "village", "陈丽华", "18982706218"),
    AccountSpec("institute_admin", Role.INSTITUTE_ADMIN, "town", "刘志强", "13684073392"),
    AccountSpec("center_admin", Role.CENTER_ADMIN, "district", "杨帆", "13908279012"),
    AccountSpec("dept_handler", Role.DEPT_HANDLER, "district", "赵军", "15196837705", department="城管"),
    AccountSpec("cadre", Role.CADRE, "village", "何德明", "18781655490"),
    AccountSpec("office_admin", Role.OFFICE_ADMIN, "district", "周敏", "13550979137"),
    AccountSpec("inspector", Role.INSPECTOR, "district", "吴刚", "18228730564"),
    AccountSpec("leader", Role.LEADER, "district", "郑国华", "13808272316"),
)
DEMO_USERNAMES = tuple(spec.username for spec in DEMO_ACCOUNTS)


def demo_accounts_create(region: Region) -> dict[str, User]:
    """The eleven role accounts, through the user service, and the superuser `admin`."""
    where = {"village": region.home.node, "town": region.home.town, "district": region.district}
    users = {}
    for spec in DEMO_ACCOUNTS:
        users[spec.username] = user_create(
            username=spec.username, password=PASSWORD, role=spec.role, node=where[spec.home],
            full_name=spec.full_name, phone=spec.phone,
            department=region.departments[spec.department] if spec.department else None)
    if not User.objects.filter(username=SUPERUSER).exists():
        # user_create cannot make a superuser; this is what `createsuperuser` would do
        User.objects.create_superuser(username=SUPERUSER, email="", password=PASSWORD, role=Role.CENTER_ADMIN,
                                      node=region.district, full_name="系统管理员")
    return users


class BulkUsers:
    """Team leaders and residents, hundreds of them: one password hash shared by all.

    Hashing is deliberately slow (about a quarter second each), so hashing per user would
    dominate the build; every one still logs in with the demo password.
    """

    def __init__(self, people: People):
        self.people = people
        self._hash = make_password(PASSWORD)
        self._next: dict[str, int] = {}

    def create(self, *, prefix: str, role: str, nodes: list) -> list[User]:
        """One user per node given, named prefix1, prefix2 … in order."""
        start = self._next.get(prefix, 1)
        self._next[prefix] = start + len(nodes)
        users = []
        for n, node in enumerate(nodes, start=start):
            person = self.people.person(is_male=self.people.rng.random() < 0.55)
            users.append(User(username=f"{prefix}{n}", password=self._hash, role=role, node=node,
                              full_name=person.name, phone=person.phone))
        return User.objects.bulk_create(users, batch_size=500)

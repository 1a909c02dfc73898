"""The task page refuses what its reader may not do, as a refusal and never as a 404.

The rule (docs/ARCHITECTURE.md, roles): a record outside the actor's scope answers 404; one the
actor can see but may not act on is refused as such (403 in the API; on the pages, the refusal
message and a redirect back, which is what `core.pages.run_service` makes of an ActionForbidden).
A cooperating unit (配合单位) reads the lead's task but cannot submit, approve or return it; the
lead unit and the office read it but cannot add a cooperating unit's material."""

import pytest

from wenming.assessment.models import MaterialContribution
from wenming.core.testing import signed_in

from .test_transitions import Walk, task_snapshot

pytestmark = pytest.mark.django_db


def _refused_on_the_page(resp, pk):
    """The pages' 403: back to the task with the reason as a message — never a 404."""
    assert resp.status_code == 302, resp.status_code
    assert resp["Location"].split("#")[0].endswith(f"/assessment/tasks/{pk}/")


@pytest.mark.parametrize("action, data", [
    ("submit", {"text": "配合单位代为申报"}), ("approve", {"score": "5"}), ("return", {"reason": "x"}),
])
def test_a_cooperating_unit_that_reads_the_task_is_refused_not_told_it_is_missing(aw, api, action, data):
    walk = Walk(aw, api)
    pk = walk.task("submitted" if action != "submit" else "pending")  # 江北's Ⅲ-3; 曾口镇 cooperates on it
    coop = signed_in(aw.town_b_admin)
    assert coop.get(f"/assessment/tasks/{pk}/").status_code == 200  # in scope: it reads the task
    before = task_snapshot(pk)
    # the office, also able to read but not to file, is refused on the page (the 403 of pages)
    if action == "submit":
        _refused_on_the_page(signed_in(aw.office_admin).post(f"/assessment/tasks/{pk}/submit/", data), pk)
    resp = coop.post(f"/assessment/tasks/{pk}/{action}/", data)
    assert task_snapshot(pk) == before
    _refused_on_the_page(resp, pk)


@pytest.mark.parametrize("role", ["institute_admin", "office_admin"])
def test_a_reader_of_the_task_who_does_not_cooperate_is_refused_a_contribution_not_told_it_is_missing(aw, api, role):
    walk = Walk(aw, api)
    pk = walk.task("pending")
    client = signed_in(getattr(aw, role))
    assert client.get(f"/assessment/tasks/{pk}/").status_code == 200  # the lead unit / the office read it
    resp = client.post(f"/assessment/tasks/{pk}/contribute/", {"text": "补充一点"})
    assert not MaterialContribution.objects.filter(task_id=pk).exists()
    _refused_on_the_page(resp, pk)

"""Every write of the assessment app. Keyword-only, an explicit actor, one transaction each;
workflow rows change by compare-and-set on (status, version) and leave an Event.

One module per workflow, re-exported here (`services.task_submit(...)`): `matrix` (units and
their people, the responsibility matrix), `materials` (month-start tasks, filing, contributions,
review), `inspections` (sites, rounds), `cards` (appeals, problems and rectification,
accountability) and `common` (what they share). The month-end card rules stay in
assessment/cards.py, outreach in assessment/outreach.py, the bulletin in assessment/bulletins.py."""

from wenming.assessment.services.cards import (
    card_appeal,
    card_decide,
    measure_record,
    problem_escalate,
    problem_recheck,
    problem_record,
    problem_report_fix,
)
from wenming.assessment.services.common import MAX_FILES
from wenming.assessment.services.inspections import (
    MAX_ROUND_SITES,
    round_create,
    round_site_check,
    round_update,
    site_create,
    suggest_unit,
)
from wenming.assessment.services.materials import (
    CONTRIBUTION_MAX,
    CONTRIBUTION_OPEN,
    contribution_add,
    contribution_withdraw,
    task_approve,
    task_return,
    task_submit,
    tasks_create_for_month,
)
from wenming.assessment.services.matrix import (
    MAX_CONTACTS,
    parse_months,
    responsibility_update,
    unit_set_people,
    unit_sync,
)

__all__ = [
    "card_appeal", "card_decide", "contribution_add", "CONTRIBUTION_MAX", "CONTRIBUTION_OPEN",
    "contribution_withdraw", "MAX_CONTACTS", "MAX_FILES", "MAX_ROUND_SITES", "measure_record", "parse_months",
    "problem_escalate", "problem_recheck", "problem_record", "problem_report_fix", "responsibility_update",
    "round_create", "round_site_check", "round_update", "site_create", "suggest_unit", "task_approve",
    "task_return", "task_submit", "tasks_create_for_month", "unit_set_people", "unit_sync",
]

"""Every write to a demand, split by who moves it: intake (登记), the office's dispatchers,
the departments, the clock (timers), and the rules they keep (households, deadline rules).
Each transition is one transaction: read in scope (404), check the role (403), compare-and-set
the state (409), write the event — the steps in `steps`."""

from wenming.demands.services.deadline_rules import deadline_rule_delete, deadline_rule_save
from wenming.demands.services.departments import (
    demand_reply,
    demand_sign,
    extension_request,
    return_request,
)
from wenming.demands.services.households import household_save, household_update
from wenming.demands.services.intake import (
    DuplicatesFound,
    RecordInput,
    demand_record,
    demand_record_merged,
    demands_claim,
    record_duplicates,
    visit_record,
)
from wenming.demands.services.office import (
    demand_accept,
    demand_assign,
    demand_callback,
    demand_merge,
    demand_reject,
    demand_urge,
    extension_decide,
    return_decide,
)
from wenming.demands.services.steps import FLOW, TEXT_MAX
from wenming.demands.services.timers import assignment_auto_urge

__all__ = [
    "FLOW", "TEXT_MAX", "DuplicatesFound", "RecordInput", "assignment_auto_urge", "deadline_rule_delete", "deadline_rule_save",
    "demand_accept", "demand_assign", "demand_callback", "demand_merge", "demand_record", "demand_record_merged",
    "demand_reject", "demands_claim", "demand_reply", "demand_sign", "demand_urge", "extension_decide", "extension_request",
    "household_save", "household_update", "record_duplicates", "return_decide", "return_request", "visit_record",
]

"""Creation-management pages. Each view parses the form, calls the same service the API calls,
and redirects; refusals become messages (core.pages.run_service).

One module per workflow (`matrix`, `materials`, `inspections`, `cards`, `outreach`, and `common`
for what they share); urls.py reaches the views through this package (`views.home`). Note that
`views.cards` is the card list view, not the `cards` submodule: the import below rebinds it."""

from wenming.assessment.views.cards import (
    CARD_TAB_LABEL,
    CARD_TABS,
    PROBLEM_TAB_LABEL,
    card_act,
    cards,
    measures,
    problem_act,
    problem_detail,
    problem_new,
    problems,
)
from wenming.assessment.views.common import DOCX, XLSX
from wenming.assessment.views.inspections import (
    bulletin_detail,
    bulletin_download,
    bulletins,
    round_detail,
    round_edit,
    rounds,
    rounds_today,
    sites,
)
from wenming.assessment.views.materials import (
    COOP_TAB,
    TASK_TABS,
    contribution_withdraw,
    home,
    task_act,
    task_detail,
    tasks,
)
from wenming.assessment.views.matrix import (
    evaluation,
    indicators,
    responsibility_edit,
    system_detail,
    system_export_view,
    unit_detail,
    unit_people,
    units,
)
from wenming.assessment.views.outreach import ads, campaigns, vote

__all__ = [
    "ads", "bulletin_detail", "bulletin_download", "bulletins", "campaigns", "card_act", "CARD_TAB_LABEL",
    "CARD_TABS", "cards", "contribution_withdraw", "COOP_TAB", "DOCX", "evaluation", "home", "indicators",
    "measures", "problem_act", "problem_detail", "problem_new", "PROBLEM_TAB_LABEL", "problems",
    "responsibility_edit", "round_detail", "round_edit", "rounds", "rounds_today", "sites", "system_detail",
    "system_export_view", "task_act", "task_detail", "TASK_TABS", "tasks", "unit_detail", "unit_people", "units",
    "vote", "XLSX",
]

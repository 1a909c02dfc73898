"""One thin endpoint per action under /api/v1/assessment/: parse, call the service, answer.

One module per workflow (`matrix`, `materials`, `inspections`, `cards`, `outreach`, and `common`
for what they share); api_urls.py reaches the endpoints through this package (`api.TaskSubmitApi`)."""

from wenming.assessment.api.cards import (
    CardAppealApi,
    CardDecideApi,
    CardListApi,
    MeasureListCreateApi,
    ProblemDetailApi,
    ProblemEventsApi,
    ProblemListCreateApi,
    ProblemRecheckApi,
    ProblemReportApi,
)
from wenming.assessment.api.common import DOCX, XLSX
from wenming.assessment.api.inspections import (
    BulletinDownloadApi,
    BulletinListCreateApi,
    RoundDetailApi,
    RoundListCreateApi,
    RoundSiteCheckApi,
    SiteListCreateApi,
)
from wenming.assessment.api.materials import (
    TaskApproveApi,
    TaskDetailApi,
    TaskEventsApi,
    TaskListApi,
    TaskReturnApi,
    TaskSubmitApi,
)
from wenming.assessment.api.matrix import (
    EvaluationApi,
    EvaluationExportApi,
    MatrixImportApi,
    ResponsibilityDetailApi,
    ResponsibilityListApi,
    SystemExportApi,
    SystemImportApi,
    SystemIndicatorsApi,
    SystemListApi,
    UnitListApi,
    UnitPeopleApi,
)
from wenming.assessment.api.outreach import (
    VOTER_COOKIE,
    AdCheckApi,
    AdListCreateApi,
    NomineeListCreateApi,
    NomineeVoteApi,
    cast_vote,
)

__all__ = [
    "AdCheckApi", "AdListCreateApi", "BulletinDownloadApi", "BulletinListCreateApi", "CardAppealApi",
    "CardDecideApi", "CardListApi", "cast_vote", "DOCX", "EvaluationApi", "EvaluationExportApi", "MatrixImportApi",
    "MeasureListCreateApi", "NomineeListCreateApi", "NomineeVoteApi", "ProblemDetailApi", "ProblemEventsApi",
    "ProblemListCreateApi", "ProblemRecheckApi", "ProblemReportApi", "ResponsibilityDetailApi",
    "ResponsibilityListApi", "RoundDetailApi", "RoundListCreateApi", "RoundSiteCheckApi", "SiteListCreateApi",
    "SystemExportApi", "SystemImportApi", "SystemIndicatorsApi", "SystemListApi", "TaskApproveApi",
    "TaskDetailApi", "TaskEventsApi", "TaskListApi", "TaskReturnApi", "TaskSubmitApi", "UnitListApi",
    "UnitPeopleApi", "VOTER_COOKIE", "XLSX",
]

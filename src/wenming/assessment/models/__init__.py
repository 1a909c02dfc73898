"""Civilized City creation management (issue 5): units, the indicator system, the
responsibility matrix, monthly materials, cards, inspections, accountability, bulletins.

The models live in one module per workflow and are all imported here, where Django finds them:
`matrix` (units, indicator systems, the responsibility matrix, evaluation weights), `materials`
(monthly tasks, their files, contributions), `inspections` (sites, rounds, bulletins), `cards`
(cards and their rules, problems, accountability measures), `outreach` (ads, campaigns, nominees,
votes) and `common` (the audit trail, Event)."""

from wenming.assessment.models.cards import Card, CardRule, Measure, Problem, ProblemPhoto
from wenming.assessment.models.common import USER, Event
from wenming.assessment.models.inspections import Bulletin, InspectionRound, RoundSite, Site
from wenming.assessment.models.materials import (
    ContributionFile,
    MaterialContribution,
    MaterialFile,
    MaterialTask,
)
from wenming.assessment.models.matrix import (
    EvaluationWeights,
    Indicator,
    IndicatorSystem,
    Responsibility,
    Unit,
)
from wenming.assessment.models.outreach import Campaign, Nominee, PublicAd, Vote

__all__ = [
    "Bulletin", "Campaign", "Card", "CardRule", "ContributionFile", "EvaluationWeights", "Event", "Indicator",
    "IndicatorSystem", "InspectionRound", "MaterialContribution", "MaterialFile", "MaterialTask", "Measure",
    "Nominee", "Problem", "ProblemPhoto", "PublicAd", "Responsibility", "RoundSite", "Site", "Unit", "USER", "Vote",
]

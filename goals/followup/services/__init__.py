"""Every write to indicators, targets and measurements. Each service is keyword-only, one
transaction, takes the acting user (``by``) and checks the rules (followup.rules) and the
rights (goals.permissions: administrators, and editors of the goal's unit) itself."""

from goals.followup.services.assessments import AssessmentConflict, assessment_save
from goals.followup.services.imports import IndicatorImportResult, indicators_import
from goals.followup.services.indicators import (
    indicator_delete,
    indicator_revert,
    indicator_save,
    target_delete,
    target_set,
)
from goals.followup.services.kolada import KoladaApplied, kolada_apply
from goals.followup.services.measurements import measurement_delete, measurement_record, measurement_revert
from goals.followup.services.rounds import (
    round_change_dates,
    round_lock,
    round_open,
    round_publish,
    round_reopen,
)

__all__ = [
    "AssessmentConflict",
    "assessment_save",
    "round_change_dates",
    "round_lock",
    "round_open",
    "round_publish",
    "round_reopen",
    "IndicatorImportResult",
    "KoladaApplied",
    "indicator_delete",
    "indicator_revert",
    "indicator_save",
    "indicators_import",
    "kolada_apply",
    "measurement_delete",
    "measurement_record",
    "measurement_revert",
    "target_delete",
    "target_set",
]

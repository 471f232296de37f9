"""The follow-up models, one module per subject; rounds and assessments get modules of their own."""

from goals.followup.choices import Direction, Gender, Source
from goals.followup.models.indicators import Indicator, Measurement, Target
from goals.followup.models.rounds import (
    Assessment,
    AssessmentStatus,
    FollowUpRound,
    ReminderLog,
    RoundKind,
    RoundState,
)

__all__ = [
    "Assessment",
    "AssessmentStatus",
    "Direction",
    "FollowUpRound",
    "Gender",
    "Indicator",
    "Measurement",
    "ReminderLog",
    "RoundKind",
    "RoundState",
    "Source",
    "Target",
]

"""The follow-up admin: importing the modules registers their model admins."""

from goals.followup.admin import (
    indicators,  # noqa: F401
    rounds,  # noqa: F401
)

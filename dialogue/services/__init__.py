"""Every write to dialogue material, lectures and workshops: one door, one transaction each.

Each service is keyword-only, takes the acting user as ``by=`` and checks the
rights (dialogue.permissions) itself before writing. Commands act as
vision.actors.system_actor().
"""

from dialogue.services.lectures import lecture_delete, lecture_revert, lecture_revert_check, lecture_save
from dialogue.services.materials import (
    material_delete,
    material_revert,
    material_revert_check,
    material_store_previews,
    material_update,
    material_upload,
)
from dialogue.services.workshops import (
    check_workshop_goals,
    workshop_delete,
    workshop_revert,
    workshop_revert_check,
    workshop_save,
)

__all__ = [
    "check_workshop_goals",
    "lecture_delete",
    "lecture_revert",
    "lecture_revert_check",
    "lecture_save",
    "material_delete",
    "material_revert",
    "material_revert_check",
    "material_store_previews",
    "material_update",
    "material_upload",
    "workshop_delete",
    "workshop_revert",
    "workshop_revert_check",
    "workshop_save",
]

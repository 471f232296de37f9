"""The workshop kit: a short deck a manager runs with their work group.

``kit_content`` reads what the deck shows in a bounded number of queries;
``build_kit`` lays it out on the project's own template (dialogue.kit.template).
"""

from dialogue.kit.content import KitContent, ThreadSlide, kit_content
from dialogue.kit.deck import AGENDA_LENGTHS, LANGUAGES, build_kit, kit_language, kit_minutes

__all__ = [
    "AGENDA_LENGTHS",
    "LANGUAGES",
    "KitContent",
    "ThreadSlide",
    "build_kit",
    "kit_content",
    "kit_language",
    "kit_minutes",
]

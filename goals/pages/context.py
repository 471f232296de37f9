"""Template context every page gets."""

from django.utils.safestring import mark_safe
from django.utils.translation import get_language

CONTENT_LANGUAGE = "sv"


def content_language(request) -> dict:
    """``sv_text``: the attribute marking goal titles and texts as Swedish on a page in another language.

    Goals are decided and written in Swedish; in the English interface a screen
    reader must still read them with a Swedish voice (WCAG 3.1.2).
    """
    language = (get_language() or CONTENT_LANGUAGE).split("-")[0]
    return {"sv_text": "" if language == CONTENT_LANGUAGE else mark_safe(f' lang="{CONTENT_LANGUAGE}"')}

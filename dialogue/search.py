"""Slide titles and speaker notes of the current dialogue deck, for the site's search."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from dialogue.models import Material
from vision.search_sources import SearchHit, SearchSource

MAX_HITS = 20
EXCERPT_CHARACTERS = 200


def _excerpt(text: str, word: str) -> str:
    """The part of ``text`` around the first ``word``, so the reader sees why the slide was found."""
    at = text.casefold().find(word.casefold())
    start = max(0, at - EXCERPT_CHARACTERS // 3) if at >= 0 else 0
    excerpt = Truncator(" ".join(text[start:].split())).chars(EXCERPT_CHARACTERS)
    return f"…{excerpt}" if start else excerpt


def find_slides(words: str) -> list[SearchHit]:
    """Slides of the current deck whose title or notes hold every one of ``words`` (one query)."""
    terms = [term.casefold() for term in words.split()]
    material = Material.objects.only("pk", "outline").newest_first().first()
    if material is None or not terms:
        return []
    home = reverse("dialogue-home")
    hits = []
    for slide in material.outline:
        title, notes = slide.get("title", ""), slide.get("notes", "")
        text = f"{title}\n{notes}".casefold()
        if all(term in text for term in terms):
            label = _("Slide %(number)s: %(title)s") % {
                "number": slide["number"],
                "title": title or _("(untitled slide)"),
            }
            in_notes = next((term for term in terms if term not in title.casefold()), None)
            hits.append(
                SearchHit(
                    title=label,
                    url=f"{home}#slide-{slide['number']}",
                    excerpt=_excerpt(notes, in_notes) if in_notes else "",
                )
            )
            if len(hits) == MAX_HITS:
                break
    return hits


SLIDES = SearchSource(key="dialogue-slides", heading=_("Slides of the dialogue material"), find=find_slides)

"""Finding goals and units by words.

On PostgreSQL: full-text search with the Swedish configuration, so inflected
forms meet ("skolor" finds "skola"), ranked with titles above descriptions,
the matching words highlighted. Elsewhere (SQLite in development) every word
must appear in the title or description, case-insensitively.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from goals.models import Goal
from vision.models import MandatePeriod, Unit

CONFIG = "swedish"
# Private-use characters mark the highlighted words, so titles are escaped
# whole before the marks become <mark> elements: no user text is trusted.
START, STOP = "\ue000", "\ue001"
MAX_WORDS = 12


@dataclass
class Hit:
    goal: Goal
    title: SafeString
    excerpt: SafeString


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def words_of(text: str) -> list[str]:
    return [word for word in re.split(r"\s+", text.strip()) if word][:MAX_WORDS]


def document():
    from django.contrib.postgres.search import SearchVector

    # The same expression as the GIN index of migration goals 0002, so the
    # match uses the index; weights would change it, so ranking weighs apart.
    return SearchVector("title", "description", config=CONFIG)


def search_query(text: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, config=CONFIG, search_type="websearch")


def goals_matching(text: str, *, period: MandatePeriod | None = None, level: str = "") -> QuerySet:
    """Goals matching ``text``, best first (rank on PostgreSQL, tree order elsewhere)."""
    queryset = Goal.objects.with_context()
    if period is not None:
        queryset = queryset.valid_in(period)
    if level:
        queryset = queryset.at_level(level)
    if not words_of(text):
        return queryset.none()
    if uses_full_text():
        from django.contrib.postgres.search import SearchRank, SearchVector

        query = search_query(text)
        weighted = SearchVector("title", weight="A", config=CONFIG) + SearchVector(
            "description", weight="B", config=CONFIG
        )
        return (
            queryset.annotate(document=document())
            .filter(document=query)
            .annotate(rank=SearchRank(weighted, query))
            .order_by("-rank", "path")
        )
    for word in words_of(text):
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset.order_by("depth", "path")


def with_headlines(queryset: QuerySet, text: str) -> QuerySet:
    """Add the highlighted title and excerpt (PostgreSQL; call on one page of results)."""
    if not uses_full_text():
        return queryset
    from django.contrib.postgres.search import SearchHeadline

    query = search_query(text)
    marks = {"config": CONFIG, "start_sel": START, "stop_sel": STOP}
    return queryset.annotate(
        title_headline=SearchHeadline("title", query, highlight_all=True, **marks),
        excerpt_headline=SearchHeadline("description", query, max_words=35, min_words=15, **marks),
    )


def hits(goals, text: str) -> list[Hit]:
    if uses_full_text():
        return [
            Hit(goal, marked(goal.title_headline), marked(excerpt_with_match(goal.excerpt_headline)))
            for goal in goals
        ]
    pattern = word_pattern(text)
    return [
        Hit(goal, highlight(goal.title, pattern), highlight(short(goal.description), pattern))
        for goal in goals
    ]


def excerpt_with_match(headline: str) -> str:
    # ts_headline returns the description's start even when only the title
    # matched; an excerpt is shown only when it carries a match.
    return headline if START in headline or "<mark>" in headline else ""


def marked(headline: str) -> SafeString:
    return mark_safe(escape(headline).replace(START, "<mark>").replace(STOP, "</mark>"))


def word_pattern(text: str) -> re.Pattern | None:
    words = words_of(text)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern | None) -> SafeString:
    if pattern is None or not text:
        return escape(text)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [escape(text[last : match.start()]), "<mark>", escape(match.group()), "</mark>"]
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


def short(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def units_matching(text: str) -> QuerySet:
    queryset = Unit.objects.select_related("parent")
    if not words_of(text):
        return queryset.none()
    if uses_full_text():
        from django.contrib.postgres.search import SearchVector

        return queryset.annotate(document=SearchVector("name", config=CONFIG)).filter(
            Q(document=search_query(text)) | Q(name__icontains=text.strip())
        )
    for word in words_of(text):
        queryset = queryset.filter(name__icontains=word)
    return queryset

"""Finding goals and units by words.

On PostgreSQL: full-text search with the Swedish configuration, so inflected
forms meet ("skolor" finds "skola"), ranked with titles above descriptions,
the matching words highlighted. On SQLite: the FTS5 index of migration goals
0003, without stemming: every word must begin a word of the title or
description, case-insensitively ("skol" finds "skola" and "skolor", "skola"
does not find "skolor"; å, ä and ö stay letters of their own). Titles rank
above descriptions; more than RANKED_AT_MOST goals found are listed in tree
order instead.

A page of results is cached under the versions of the periods searched
(goals/cache.py): it changes only when goals there, or units, change.
"""

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from goals import cache as goal_cache
from goals.models import Goal
from vision.models import MandatePeriod, Unit

CONFIG = "swedish"
# A goal's weighted search document, a column PostgreSQL keeps (migration goals 0004).
DOCUMENT = "search_document"
# Private-use characters mark the highlighted words, so titles are escaped
# whole before the marks become <mark> elements: no user text is trusted.
START, STOP = "\ue000", "\ue001"
MAX_WORDS = 12
# More goals found than this are listed in tree order, not ranked.
RANKED_AT_MOST = 1000
FTS_TABLE = "goals_goal_fts"
# bm25 weights of the FTS5 columns (title, description): a title match ranks first.
FTS_WEIGHTS = (10.0, 1.0)
# A character FTS5's unicode61 tokenizer keeps in a word (letters and digits).
WORD_CHARACTER = re.compile(r"[^\W_]")


@dataclass
class Hit:
    goal: Goal
    title: SafeString
    excerpt: SafeString


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def uses_fts5() -> bool:
    return connection.vendor == "sqlite"


def words_of(text: str) -> list[str]:
    return [word for word in re.split(r"\s+", text.strip()) if word][:MAX_WORDS]


def search_query(text: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(text, config=CONFIG, search_type="websearch")


def goals_matching(
    text: str, *, period: MandatePeriod | None = None, level: str = "", ranked: bool = True
) -> QuerySet:
    """Goals matching ``text``, best first (titles above descriptions), else (``ranked=False``) in tree order."""
    queryset = Goal.objects.with_context()
    if period is not None:
        queryset = queryset.valid_in(period)
    if level:
        queryset = queryset.at_level(level)
    if not words_of(text):
        return queryset.none()
    if uses_full_text():
        # The stored, weighted document of migration goals 0004 and its GIN index:
        # neither the match nor the rank parses a goal's text again.
        query = f"websearch_to_tsquery('{CONFIG}'::regconfig, %s)"
        found = queryset.filter(
            RawSQL(f"goals_goal.{DOCUMENT} @@ {query}", [text], output_field=BooleanField())
        )
        if not ranked:
            return found.order_by("depth", "path")
        return found.annotate(
            rank=RawSQL(f"ts_rank(goals_goal.{DOCUMENT}, {query})", [text], output_field=FloatField())
        ).order_by("-rank", "path")
    if uses_fts5():
        match = fts5_query(text)
        if not match:
            return queryset.none()
        if not ranked:
            # The unary + keeps SQLite from reading the goals by the matching ids: it
            # reads them in tree order by the (depth, path) index, up to the page shown.
            matching = RawSQL(
                f"+goals_goal.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
                [match],
                output_field=BooleanField(),
            )
            return queryset.filter(matching).order_by("depth", "path")
        # A join rather than "id IN (...)": bm25() needs the matching row of the index.
        return queryset.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = goals_goal.id", f"{FTS_TABLE} MATCH %s"],
            params=[match],
            select={"rank": f"bm25({FTS_TABLE}, %s, %s)"},
            select_params=FTS_WEIGHTS,
        ).order_by("rank", "path")
    for word in words_of(text):
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    return queryset.order_by("depth", "path")


def fts5_query(text: str) -> str:
    """An FTS5 query requiring each word as a prefix; "" when no word has a letter or digit.

    Each word is quoted as an FTS5 string, so the searcher's quotes, operators
    (AND, NEAR, -, ^, :) and parentheses are words or separators, never syntax.
    """
    # FTS5 ends a string at a NUL character, whatever the quoting.
    words = words_of(text.replace("\x00", ""))
    quoted = ['"' + word.replace('"', '""') + '"*' for word in words if WORD_CHARACTER.search(word)]
    return " AND ".join(quoted)


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


@dataclass
class Results:
    """One page of goals found, with the units found, as the search page shows them."""

    count: int
    number: int
    hits: list[Hit]
    units: list[Unit]

    def page(self, per_page: int) -> Page:
        """The page for the pager; the goals themselves are in ``hits``."""
        return Paginator(range(self.count), per_page).get_page(self.number)


def results(text: str, *, period: MandatePeriod | None, level: str, page_number, per_page: int) -> Results:
    """A page of search results, cached until goals in the periods searched (or units) change."""
    number = str(page_number) if re.fullmatch(r"[1-9][0-9]{0,5}", str(page_number or "")) else "1"

    def build() -> Results:
        goals = goals_matching(text, period=period, level=level)
        paginator = Paginator(goals, per_page)
        if paginator.count > RANKED_AT_MOST:
            # Ranking every one of that many goals costs more than the order tells
            # (measured: 0.2 s for 100,000 on SQLite); the tree order reads them in
            # index order up to the page shown.
            goals = goals_matching(text, period=period, level=level, ranked=False)
        # The headlines only for the page's rows; the count above leaves them out.
        headlined = Paginator(with_headlines(goals, text), per_page)
        headlined.count = paginator.count  # counted once, above
        page = headlined.get_page(number)
        return Results(
            count=page.paginator.count,
            number=page.number,
            hits=hits(page.object_list, text),
            units=list(units_matching(text)[:10]),
        )

    words = " ".join(text.split())
    parts = ("search", connection.vendor, versions_of(period), level, words, number, per_page)
    return goal_cache.cached(parts, build)


def versions_of(period: MandatePeriod | None) -> str:
    """The cache version of a period's goals; for every period (None), all of theirs."""
    if period is not None:
        return goal_cache.period_version(period.pk)
    return goal_cache.all_periods_version()


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

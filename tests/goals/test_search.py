"""Search: Swedish full text on PostgreSQL, an FTS5 index of word starts on SQLite."""

import re

import pytest
from django.db import connection

from goals import search, services
from goals.models import Goal
from tests.factories import GoalFactory, UnitFactory
from vision.actors import system_actor


def found_titles(reader, query: str) -> list[str]:
    html = reader.get("/search/", {"q": query} if isinstance(query, str) else query).content.decode()
    return [
        re.sub(r"<[^>]+>", "", title)
        for title in re.findall(r'class="goal-title" href="[^"]+"[^>]*>(.*?)</a>', html)
    ]


def test_search_finds_goals_by_a_word_and_highlights_it(reader, small_tree):
    response = reader.get("/search/", {"q": "skolor"})
    html = response.content.decode()
    assert found_titles(reader, "skolor") == ["Solpaneler på skolor"]
    assert "<mark>skolor</mark>" in html
    assert "1 goal found" in html


def test_search_finds_units(reader, small_tree):
    html = reader.get("/search/", {"q": "Utbildningskontoret"}).content.decode()
    assert 'href="/units/utbildningskontoret/"' in html


def test_search_without_words_shows_the_form_only(reader, small_tree):
    html = reader.get("/search/", {"q": "   "}).content.decode()
    assert "goal found" not in html and "goals found" not in html
    assert 'name="q"' in html


def test_search_finds_nothing_politely(reader, small_tree):
    html = reader.get("/search/", {"q": "rymdfärja"}).content.decode()
    assert "0 goals found" in html and "No goals match" in html


def test_search_narrows_by_period_and_level(reader, small_tree, next_period, council):
    area = GoalFactory(
        parent=small_tree["vision"],
        level="area",
        owner=council,
        period=next_period,
        title="Skolor i nästa period",
    )
    assert found_titles(reader, "skolor") == ["Solpaneler på skolor"], "the current period by default"
    assert set(found_titles(reader, {"q": "skolor", "period": "all"})) == {"Solpaneler på skolor", area.title}
    assert found_titles(reader, {"q": "skolor", "period": "2027-2030"}) == [area.title]
    assert found_titles(reader, {"q": "skolor", "level": "unit"}) == ["Solpaneler på skolor"]


def test_titles_are_escaped_around_the_highlight(reader, small_tree, period, council):
    GoalFactory(
        parent=small_tree["area"],
        level="council",
        owner=council,
        period=period,
        title="<b>Skolor</b> & förskolor",
    )
    html = reader.get("/search/", {"q": "skolor"}).content.decode()
    assert "<b>" not in html.split("<main", 1)[1]
    assert "&lt;b&gt;" in html and "&amp;" in html


def test_fallback_highlight_escapes_and_marks_every_word():
    pattern = search.word_pattern("skol  <x>")
    assert search.highlight("Skolor <x> & skolvägar", pattern) == (
        "<mark>Skol</mark>or <mark>&lt;x&gt;</mark> &amp; <mark>skol</mark>vägar"
    )
    assert search.highlight("<i>", None) == "&lt;i&gt;"


def test_search_results_are_paged(reader, small_tree, period, council):
    for n in range(25):
        GoalFactory(
            parent=small_tree["area"], level="council", owner=council, period=period, title=f"Skolor {n}"
        )
    first = reader.get("/search/", {"q": "skolor"}).content.decode()
    assert "26 goals found" in first and "Page 1 of 2" in first
    second = reader.get("/search/", {"q": "skolor", "page": 2}).content.decode()
    assert len(re.findall(r'class="goal-title"', second)) == 6


# Swedish stemming needs PostgreSQL's full-text search with the "swedish" configuration.


def test_inflected_forms_meet_on_postgres(postgres, reader, small_tree, period, council):
    """ "klimatsmarta" finds "klimatsmart", "skolor" finds "skola", and "skola" finds "skolor"."""
    GoalFactory(
        parent=small_tree["area"],
        level="council",
        owner=council,
        period=period,
        title="En trygg skola för alla",
    )
    assert found_titles(reader, "klimatsmarta") == ["En klimatsmart kommun"]
    assert set(found_titles(reader, "skolor")) == {"Solpaneler på skolor", "En trygg skola för alla"}
    assert set(found_titles(reader, "skola")) == {"Solpaneler på skolor", "En trygg skola för alla"}
    html = reader.get("/search/", {"q": "klimatsmarta"}).content.decode()
    assert "<mark>klimatsmart</mark>" in html


def test_search_uses_the_gin_index_on_postgres(postgres, small_tree):
    """The match expression is the indexed one, so a large tree is not scanned whole."""
    with postgres.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = search.goals_matching("skolor").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "goal_search_document" in plan


def test_units_are_found_by_inflected_words_on_postgres(postgres, reader, db):
    UnitFactory(slug="kultur-och-fritidsnamnden", name="Kultur- och fritidsnämnden", kind="committee")
    html = reader.get("/search/", {"q": "fritidsnämnder"}).content.decode()
    assert 'href="/units/kultur-och-fritidsnamnden/"' in html


# The FTS5 index on SQLite. The tests run on both databases; on PostgreSQL the
# assertions about SQLite's index and its word-start matching are left out.


def on_sqlite(reason: str) -> bool:
    """True on SQLite; elsewhere says which assertions are left out and why."""
    if search.uses_fts5():
        return True
    print(f"SQLite-only assertions left out on {connection.vendor}: {reason}")
    return False


def assert_index_matches_goals():
    """FTS5 compares its index with the goals table and raises when they differ."""
    if on_sqlite("the FTS5 index exists on SQLite only"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}, rank) VALUES ('integrity-check', 1)"
            )


def titles_matching(text: str) -> set[str]:
    return set(search.goals_matching(text).values_list("title", flat=True))


def test_word_starts_find_inflected_forms(reader, small_tree, period, council):
    GoalFactory(
        parent=small_tree["area"],
        level="council",
        owner=council,
        period=period,
        title="En trygg skola för alla",
    )
    found = set(found_titles(reader, "skol"))
    assert {"Solpaneler på skolor", "En trygg skola för alla"} <= found
    if on_sqlite("PostgreSQL stems words instead of matching word starts"):
        assert found == {"Solpaneler på skolor", "En trygg skola för alla", "Cykelbara skolvägar"}
        assert found_titles(reader, "skola") == ["En trygg skola för alla"], "a whole word is no stem"
        assert found_titles(reader, "SOLPANEL") == ["Solpaneler på skolor"]
        assert found_titles(reader, "kolor") == [], "only the start of a word matches"


def test_swedish_letters_are_letters_of_their_own(reader, small_tree, period, council):
    GoalFactory(
        parent=small_tree["area"], level="council", owner=council, period=period, title="Mål för året"
    )
    assert found_titles(reader, "MÅL") == ["Mål för året"]
    assert found_titles(reader, "året") == ["Mål för året"]
    assert found_titles(reader, "aret") == [], "å is not a"


def test_every_word_must_match(reader, small_tree):
    assert found_titles(reader, "skolor solpaneler") == ["Solpaneler på skolor"]
    assert found_titles(reader, "skolor rymdfärja") == []


def test_title_matches_rank_above_description_matches(reader, small_tree, period, council):
    GoalFactory(
        parent=small_tree["area"],
        level="council",
        owner=council,
        period=period,
        title="Bättre luft",
        description="Fler cyklar och mer kollektivtrafik.",
    )
    GoalFactory(
        parent=small_tree["area"], level="council", owner=council, period=period, title="Cyklar i stan"
    )
    assert found_titles(reader, "cyklar") == ["Cyklar i stan", "Bättre luft"]
    html = reader.get("/search/", {"q": "cyklar"}).content.decode()
    assert "Fler <mark>cyklar</mark> och mer kollektivtrafik" in html


def test_many_goals_found_are_listed_in_tree_order(reader, small_tree, period, council, monkeypatch):
    GoalFactory(
        parent=small_tree["area"],
        level="council",
        owner=council,
        period=period,
        title="Bättre luft",
        description="Fler cyklar och mer kollektivtrafik.",
    )
    GoalFactory(
        parent=small_tree["area"], level="council", owner=council, period=period, title="Cyklar i stan"
    )
    monkeypatch.setattr(search, "RANKED_AT_MOST", 1)
    assert found_titles(reader, "cyklar") == ["Bättre luft", "Cyklar i stan"]


def test_the_searchers_words_are_never_query_syntax():
    assert search.fts5_query('sk"ol -x (y NEAR') == '"sk""ol"* AND "-x"* AND "(y"* AND "NEAR"*'
    assert search.fts5_query(' " - ( ) * ') == "", "nothing but punctuation is no query"


HOSTILE = [
    '"',
    '"skolor',
    'skolor"',
    '""',
    "-skolor",
    "skolor -",
    "NOT skolor",
    "skolor OR",
    "AND",
    "NEAR(skolor solpaneler)",
    "(skolor",
    ")",
    "*",
    "skol*",
    "^skolor",
    "title:skolor",
    "{title description}: skolor",
    "'; DROP TABLE goals_goal; --",
    "%_\\",
    "skolor\x00",
    "x" * 5000,
    "skolor " * 500,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_finds_something_or_nothing_but_never_fails(reader, small_tree, text):
    response = reader.get("/search/", {"q": text})
    assert response.status_code == 200
    html = response.content.decode()
    assert "goal found" in html or "goals found" in html


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page(reader, small_tree):
    for page in ("abc", "-1", "0", "99999999999999"):
        assert found_titles(reader, {"q": "skolor", "page": page}) == ["Solpaneler på skolor"], page


def test_a_new_goal_is_found_at_once(reader, small_tree, period, council):
    assert found_titles(reader, "vindkraft") == []  # cached as found nowhere
    GoalFactory(
        parent=small_tree["area"], level="council", owner=council, period=period, title="Mer vindkraft"
    )
    assert found_titles(reader, "vindkraft") == ["Mer vindkraft"]
    assert_index_matches_goals()


def test_a_changed_title_is_found_by_its_new_words_only(reader, small_tree):
    assert found_titles(reader, "solpaneler") == ["Solpaneler på skolor"]
    services.goal_update(by=system_actor(), goal=small_tree["first"], title="Solceller på förskolor")
    assert found_titles(reader, "solpaneler") == []
    assert found_titles(reader, "solceller") == ["Solceller på förskolor"]
    services.goal_update(
        by=system_actor(), goal=Goal.objects.get(pk=small_tree["first"].pk), description="Tak"
    )
    assert found_titles(reader, "tak") == ["Solceller på förskolor"]
    assert_index_matches_goals()


def test_generated_goals_are_indexed(small_tree, period):
    services.generate_goals(by=system_actor(), goals_per_period=60, periods=1)
    assert "Klimat och miljö 2023-2026" in titles_matching("klimat miljö")
    assert (
        search.goals_matching("exempeltext").count()
        == Goal.objects.filter(description__contains="Exempeltext").count()
    )
    assert_index_matches_goals()


def test_queryset_updates_keep_the_index(small_tree):
    Goal.objects.filter(pk=small_tree["second"].pk).update(title="Gångvänliga gator")
    assert titles_matching("gångvänliga") == {"Gångvänliga gator"}
    assert titles_matching("cykelbara") == set()
    assert_index_matches_goals()


def test_a_moved_branch_is_still_found(small_tree, vision, period, council):
    other_area = GoalFactory(parent=vision, level="area", owner=council, period=period, title="Trygghet")
    services.goal_move(by=system_actor(), goal=small_tree["council"], target=other_area)
    moved = search.goals_matching("solpaneler").get()
    assert moved.path.startswith(Goal.objects.get(pk=other_area.pk).path)
    assert_index_matches_goals()


def test_a_deleted_goal_is_found_no_more(reader, small_tree):
    assert found_titles(reader, "cykelbara") == ["Cykelbara skolvägar"]
    services.goal_delete(by=system_actor(), goal=small_tree["second"])
    assert found_titles(reader, "cykelbara") == []
    assert_index_matches_goals()


def test_the_index_triggers_exist(db):
    """SQLite drops a table's triggers when Django rebuilds the table to alter it."""
    if on_sqlite("the triggers keep SQLite's FTS5 index"):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'goals_goal'"
            )
            names = {row[0] for row in cursor.fetchall()}
        assert {f"{search.FTS_TABLE}_{event}" for event in ("insert", "update", "delete")} <= names


def test_the_gin_index_takes_goals_in_at_once_on_postgres(postgres):
    """A pending list would be read whole by every search until a vacuum merged it."""
    with postgres.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'goal_search_document'")
        assert "fastupdate=off" in cursor.fetchone()[0]

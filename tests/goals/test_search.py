"""Search: Swedish full text on PostgreSQL, a simple fallback elsewhere."""

import re

from goals import search
from tests.factories import GoalFactory, UnitFactory


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


def test_title_matches_rank_above_description_matches_on_postgres(
    postgres, reader, small_tree, period, council
):
    GoalFactory(
        parent=small_tree["area"],
        level="council",
        owner=council,
        period=period,
        title="Bättre luft",
        description="Cyklar och kollektivtrafik i stället för bilar.",
    )
    GoalFactory(
        parent=small_tree["area"], level="council", owner=council, period=period, title="Fler cyklar i stan"
    )
    assert found_titles(reader, "cyklar") == ["Fler cyklar i stan", "Bättre luft"]
    html = reader.get("/search/", {"q": "cyklar"}).content.decode()
    assert "<mark>Cyklar</mark> och kollektivtrafik" in html


def test_search_uses_the_gin_index_on_postgres(postgres, small_tree):
    """The match expression is the indexed one, so a large tree is not scanned whole."""
    with postgres.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = search.goals_matching("skolor").explain()
        cursor.execute("SET enable_seqscan = on")
    assert "goal_search_swedish" in plan


def test_units_are_found_by_inflected_words_on_postgres(postgres, reader, db):
    UnitFactory(slug="kultur-och-fritidsnamnden", name="Kultur- och fritidsnämnden", kind="committee")
    html = reader.get("/search/", {"q": "fritidsnämnder"}).content.decode()
    assert 'href="/units/kultur-och-fritidsnamnden/"' in html

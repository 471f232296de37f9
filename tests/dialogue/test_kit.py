"""The workshop kit: title, vision, agenda, the red thread grouped by council goal, questions, notes, closing."""

import pytest
from pptx.enum.shapes import PP_PLACEHOLDER

from dialogue.kit.content import MAX_THREAD_SLIDES
from goals import services
from goals.demo import load_goals
from tests.dialogue.kit_support import open_kit, slide_bodies, slide_titles, unit_with_goals
from tests.factories import GoalFactory
from vision.actors import system_actor
from vision.models import Unit, UnitKind

# Title, vision, agenda, questions, notes, closing.
FIXED_SLIDES = 6
MOST_SLIDES = FIXED_SLIDES + MAX_THREAD_SLIDES + 1  # and one slide naming the other council goals


def assert_well_formed(deck, *, language="sv-SE"):
    """Every slide has a real title placeholder with text and speaker notes; the file says what it is."""
    assert FIXED_SLIDES <= len(deck.slides) <= MOST_SLIDES
    for number, slide in enumerate(deck.slides, start=1):
        title = slide.shapes.title
        assert title is not None, f"slide {number} has no title placeholder"
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert title.text_frame.text.strip(), f"slide {number} has an empty title"
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
    properties = deck.core_properties
    assert properties.title and properties.subject
    assert properties.language == language


# Every demo unit's kit is checked with assert_well_formed in test_previews, beside its conversion by LibreOffice.


@pytest.mark.django_db
def test_an_office_gets_one_slide_per_council_goal_with_committee_and_unit_goals_below(reader_client):
    load_goals()
    office = Unit.objects.get(slug="utbildningskontoret")
    _response, deck = open_kit(reader_client, office.slug, lang="en")
    titles, bodies = slide_titles(deck), slide_bodies(deck)
    thread = [(title, body) for title, body in zip(titles, bodies, strict=True) if "Committee goal" in body]
    assert thread, bodies
    for _title, body in thread:
        lines = body.split("\n")
        # A committee goal first, the unit's goals below it.
        assert lines[0].startswith("Committee goal: ") and lines[1].startswith("Unit goal: ")
    assert len({title for title, _body in thread}) == len(thread)  # never the same council goal twice


def test_a_unit_with_50_goals_gets_a_bounded_kit_in_a_bounded_number_of_queries(
    reader_client, vision, period, council, django_assert_max_num_queries
):
    ten = unit_with_goals(vision=vision, period=period, council=council, count=10, councils=4)
    with django_assert_max_num_queries(12) as small:
        _response, deck = open_kit(reader_client, ten.slug)
    assert len(deck.slides) == FIXED_SLIDES + 4

    fifty = unit_with_goals(vision=vision, period=period, council=council, count=50, councils=12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        _response, deck = open_kit(reader_client, fifty.slug)
    assert_well_formed(deck)
    assert len(deck.slides) == MOST_SLIDES
    titles, bodies = slide_titles(deck), slide_bodies(deck)
    assert titles[3:11] == [f"Council goal {n:02d}" for n in range(1, 9)]
    assert "Council goal 09" in bodies[11] and "Council goal 12" in bodies[11]
    # 50 goals over 12 council goals: 5 on the first slides at most, the rest counted.
    assert "Unit goal 01" in bodies[3] and "… and" not in bodies[3]


def test_the_manager_chooses_english_and_a_60_minute_agenda(reader_client, small_tree, office):
    _response, deck = open_kit(reader_client, office.slug, lang="en", minutes=60)
    assert_well_formed(deck, language="en-GB")
    titles, bodies = slide_titles(deck), slide_bodies(deck)
    assert titles[2] == "Agenda, 60 minutes"
    assert bodies[2].split("\n")[-1].startswith("0:55–1:00")
    assert titles[-1] == "Record the outcome on the intranet"
    assert f"/dialogue/units/{office.slug}/workshops/new/" in bodies[-1]


def test_swedish_is_the_default_whatever_the_sites_language(reader_client, small_tree, office):
    _response, deck = open_kit(reader_client, office.slug)
    assert deck.core_properties.language == "sv-SE"
    assert slide_titles(deck)[2] == "Agenda, 90 minuter"


def test_level_names_keep_their_casing(reader_client, small_tree, council):
    """The council's own kit names its goals' level as the domain does: "Övergripande mål (KF)"."""
    _response, deck = open_kit(reader_client, council.slug)
    thread_body = slide_bodies(deck)[3]
    assert "Övergripande mål (KF)" in thread_body and "(kf)" not in thread_body


def test_text_is_at_least_20_points_for_a_projector(reader_client, small_tree, office):
    _response, deck = open_kit(reader_client, office.slug)
    sizes = [
        run.font.size.pt
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
        if run.text
    ]
    assert sizes and min(sizes) >= 20


def test_a_unit_without_goals_gets_a_kit_that_says_so(reader_client, small_tree):
    empty = Unit.objects.create(slug="valnamnden", name="Valnämnden", kind=UnitKind.COMMITTEE)
    _response, deck = open_kit(reader_client, empty.slug, lang="en")
    assert_well_formed(deck, language="en-GB")
    assert len(deck.slides) == FIXED_SLIDES + 1
    assert "Valnämnden has no goals of its own" in slide_bodies(deck)[3]


def test_an_unknown_unit_or_period_is_404(reader_client, small_tree, office):
    assert reader_client.get("/dialogue/kit/no-such-unit/").status_code == 404
    assert reader_client.get(f"/dialogue/kit/{office.slug}/?period=1999-2002").status_code == 404
    assert reader_client.get(f"/dialogue/kit/{office.slug}/preview/?period=1999-2002").status_code == 404


def test_the_kit_picker_redirects_to_the_kit_or_its_preview(reader_client, small_tree, office):
    response = reader_client.get(f"/dialogue/kit/?unit={office.slug}&period=2023-2026&lang=en&minutes=60")
    assert response.status_code == 302
    assert response["Location"] == f"/dialogue/kit/{office.slug}/?period=2023-2026&lang=en&minutes=60"
    response = reader_client.get(f"/dialogue/kit/?unit={office.slug}&show=preview")
    assert response["Location"] == f"/dialogue/kit/{office.slug}/preview/"


def test_the_unit_list_opens_on_the_managers_own_unit(client, small_tree, office, other_office):
    from tests.dialogue.conftest import member
    from vision.models import UnitRole

    GoalFactory(
        parent=small_tree["council"], level="unit", owner=other_office, period=small_tree["first"].period
    )
    client.force_login(member(office, UnitRole.VIEWER))
    page = client.get("/dialogue/").content.decode()
    assert f'<option value="{office.slug}" selected>' in page
    assert f'<option value="{other_office.slug}">' in page  # listed first (alphabetically), not chosen


def test_a_kit_once_built_is_served_from_the_cache_until_the_goals_change(
    reader_client, small_tree, office, django_assert_max_num_queries
):
    response, _deck = open_kit(reader_client, office.slug, lang="en")
    with django_assert_max_num_queries(4):  # the session, the user, the unit; no goal read
        again, _deck = open_kit(reader_client, office.slug, lang="en")
    assert again.content == response.content
    services.goal_update(by=system_actor(), goal=small_tree["first"], title="Solceller på alla skolor")
    _response, deck = open_kit(reader_client, office.slug, lang="en")
    assert any("Solceller på alla skolor" in body for body in slide_bodies(deck))

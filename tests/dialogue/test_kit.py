"""The workshop kit: a pptx per unit that python-pptx opens, with one chain slide per unit goal."""

from io import BytesIO
from urllib.parse import unquote

import pytest
from pptx import Presentation

from goals.demo import VISION_TITLE, load_goals
from goals.models import Goal, GoalLevel
from tests.conftest import skip_or_fail
from vision.models import MandatePeriod, Unit, UnitKind

FIXED_SLIDES = 3  # title, questions, notes


def slide_texts(deck) -> list[str]:
    return [
        "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in deck.slides
    ]


def open_kit(client, slug, period=None):
    url = f"/dialogue/kit/{slug}/" + (f"?period={period}" if period else "")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].endswith("presentationml.presentation")
    return response, Presentation(BytesIO(response.content))


@pytest.mark.django_db
def test_kits_for_the_demo_offices_name_unit_and_vision_with_one_chain_slide_per_goal(reader_client):
    load_goals()
    period = MandatePeriod.objects.current()
    offices = Unit.objects.of_kind(UnitKind.OFFICE).filter(goals__isnull=False).distinct()
    assert offices.count() >= 4
    for office in offices:
        response, deck = open_kit(reader_client, office.slug)
        goals = list(Goal.objects.owned_by(office).valid_in(period).active().exclude(level=GoalLevel.VISION))
        assert goals
        texts = slide_texts(deck)
        assert len(deck.slides) == FIXED_SLIDES + len(goals)
        assert office.name in texts[0] and VISION_TITLE in texts[0]
        chain_slides = texts[1:-2]
        for goal, text in zip(sorted(goals, key=lambda g: g.path), chain_slides, strict=True):
            assert goal.title in text
            assert VISION_TITLE in text  # the chain starts at the vision
        for slide in deck.slides:
            assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()
        assert office.name in unquote(response["Content-Disposition"])


def test_a_chain_slide_lists_every_step_from_the_vision_in_order(reader_client, small_tree, office):
    _response, deck = open_kit(reader_client, office.slug)
    chain = slide_texts(deck)[1].split("\n", 1)[1]  # the body, below the slide title
    titles = ["NORRKÖPING tar plats", "Klimat och miljö", "En klimatsmart kommun", "Solpaneler på skolor"]
    positions = [chain.index(title) for title in titles]
    assert positions == sorted(positions)


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


def test_a_unit_without_goals_gets_a_kit_without_chain_slides(reader_client, small_tree):
    empty = Unit.objects.create(slug="valnamnden", name="Valnämnden", kind=UnitKind.COMMITTEE)
    _response, deck = open_kit(reader_client, empty.slug)
    assert len(deck.slides) == FIXED_SLIDES
    assert "NORRKÖPING tar plats" in slide_texts(deck)[0]


def test_an_unknown_unit_or_period_is_404(reader_client, small_tree, office):
    assert reader_client.get("/dialogue/kit/no-such-unit/").status_code == 404
    assert reader_client.get(f"/dialogue/kit/{office.slug}/?period=1999-2002").status_code == 404


def test_kit_queries_do_not_grow_with_the_number_of_goals(
    reader_client, small_tree, office, period, django_assert_max_num_queries
):
    from tests.factories import GoalFactory

    with django_assert_max_num_queries(6):
        open_kit(reader_client, office.slug)
    for n in range(10):
        GoalFactory(parent=small_tree["council"], level="unit", owner=office, period=period, title=f"Mål {n}")
    with django_assert_max_num_queries(6):
        _response, deck = open_kit(reader_client, office.slug)
    assert len(deck.slides) == FIXED_SLIDES + 12


def test_the_kit_picker_redirects_to_the_units_kit(reader_client, small_tree, office):
    response = reader_client.get(f"/dialogue/kit/?unit={office.slug}&period=2023-2026")
    assert response.status_code == 302
    assert response["Location"] == f"/dialogue/kit/{office.slug}/?period=2023-2026"


def test_the_kit_opens_in_libreoffice(reader_client, small_tree, office, tmp_path):
    """LibreOffice loads the kit (it refuses to convert a deck it cannot open)."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        skip_or_fail(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-impress-nogui",
            "REQUIRE_LIBREOFFICE",
        )
    response, deck = open_kit(reader_client, office.slug)
    kit = tmp_path / "kit.pptx"
    kit.write_bytes(response.content)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(kit),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "kit.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    from dialogue.validation import PDF_PAGE

    assert len(PDF_PAGE.findall(pdf.read_bytes())) == len(deck.slides)

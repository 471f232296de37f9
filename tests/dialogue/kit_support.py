"""What the kit tests share: open a kit through the page, read its slides, make a unit with many goals."""

from io import BytesIO

from pptx import Presentation

from tests.factories import GoalFactory, UnitFactory


def open_kit(client, slug, **query):
    url = f"/dialogue/kit/{slug}/"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].endswith("presentationml.presentation")
    return response, Presentation(BytesIO(response.content))


def slide_titles(deck) -> list[str]:
    return [
        slide.shapes.title.text_frame.text if slide.shapes.title is not None else "" for slide in deck.slides
    ]


def slide_bodies(deck) -> list[str]:
    return [
        "\n".join(
            shape.text_frame.text
            for shape in slide.placeholders
            if shape.has_text_frame and shape.placeholder_format.idx != 0
        )
        for slide in deck.slides
    ]


def unit_with_goals(*, vision, period, council, count: int, councils: int = 12, name="Generated office"):
    """An office with ``count`` unit goals under committee goals spread over ``councils`` council goals."""
    office = UnitFactory(slug=f"generated-{count}", name=name, kind="office")
    committee = UnitFactory(slug=f"generated-committee-{count}", name=f"Committee {count}", kind="committee")
    area = GoalFactory(parent=vision, level="area", owner=council, period=period, title="Generated area")
    committee_goals = []
    for number in range(councils):
        council_goal = GoalFactory(
            parent=area, level="council", owner=council, period=period, title=f"Council goal {number + 1:02d}"
        )
        committee_goals.append(
            GoalFactory(
                parent=council_goal,
                level="committee",
                owner=committee,
                period=period,
                title=f"Committee goal {number + 1:02d}",
            )
        )
    for number in range(count):
        GoalFactory(
            parent=committee_goals[number % councils],
            level="unit",
            owner=office,
            period=period,
            title=f"Unit goal {number + 1:02d}",
        )
    return office

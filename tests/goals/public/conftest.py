"""The demo with planted items that must never reach the public site, and every public URL over it."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from goals import services
from goals.models import Goal, GoalLevel
from goals.public import versions
from tests.factories import UserFactory, WorkshopFactory
from vision.models import Unit

# Strings that appear only in planted non-public items: none may be found on a public page or file.
PLANTED_GOAL = "Planterat utkast som inte får synas"
PLANTED_WORKSHOP = "Planterad workshopanteckning som inte får synas"
PLANTED_FACILITATOR = "Planterad Samtalsledare"
PLANTED_USER = "planterad.redaktor"
PLANTED_EMAIL = "planterad.person@example.org"
PLANTED_ASSESSMENT = "Planterad bedömning i en opublicerad omgång"
PUBLISHED_ASSESSMENT = "Publicerad analys: utbildningsnivån stiger"
# Undecided goals of the demo itself (unit goals and activities carry no decision there).
DEMO_UNDECIDED = "Alla skolor arbetar med tidiga insatser i läsning och matematik"


@dataclass
class Planted:
    undecided: Goal
    decided: Goal


@pytest.fixture
def public_on(settings):
    settings.PUBLIC_SITE = True
    return settings


def load_public_demo() -> Planted:
    """load_demo (goals, media, workshops, accounts) plus planted non-public items."""
    call_command("load_demo", password="planterat-losen-1", stdout=open("/dev/null", "w"))  # noqa: SIM115
    council_goal = Goal.objects.get(
        title="Norrköpingsbornas utbildningsnivå ska höjas", period__slug="2023-2026"
    )
    office = Unit.objects.get(slug="utbildningskontoret")
    author = UserFactory(username=PLANTED_USER, email=PLANTED_EMAIL, is_staff=True, is_superuser=True)
    undecided = services.goal_create(
        by=author,
        parent=Goal.objects.get(
            title="Fler elever ska nå behörighet till gymnasieskolan", period__slug="2023-2026"
        ),
        title=PLANTED_GOAL,
        level=GoalLevel.UNIT,
        owner=office,
        period=council_goal.period,
        description=PLANTED_GOAL,
        decided_by="Utbildningsnämnden",  # a body but no date: still a draft
    )
    # A decided goal whose history names the planted user: the author must not show.
    decided = services.goal_update(by=author, goal=council_goal, case_number="KS 2022/0999")
    WorkshopFactory(
        unit=office, facilitator=PLANTED_FACILITATOR, important=PLANTED_WORKSHOP, actions=PLANTED_WORKSHOP
    )
    plant_assessments(author, decided)
    return Planted(undecided=undecided, decided=decided)


def plant_assessments(author, goal: Goal) -> None:
    """A published round assessing ``goal``, and an open round whose assessment of it must not show."""
    from goals.followup.services.assessments import assessment_save
    from goals.followup.services.rounds import round_open, round_publish

    published = round_open(
        by=author,
        period=goal.period,
        year=2024,
        kind="helar",
        opens=datetime.date(2025, 1, 10),
        due=datetime.date(2025, 2, 15),
    )
    assessment_save(by=author, round=published, goal=goal, status="partly", analysis=PUBLISHED_ASSESSMENT)
    round_publish(by=author, round=published)
    unpublished = round_open(
        by=author,
        period=goal.period,
        year=2025,
        kind="delar",
        opens=datetime.date(2025, 8, 1),
        due=datetime.date(2025, 9, 15),
    )
    assessment_save(by=author, round=unpublished, goal=goal, status="met", analysis=PLANTED_ASSESSMENT)


@pytest.fixture
def planted(db, public_on):
    return load_public_demo()


PAGE_URLS = ["/public/", "/public/goals/", "/public/data/"]
FILE_URLS = [
    "/public/data/goals.csv",
    "/public/data/goals.json",
    "/public/data/indicators.csv",
    "/public/data/indicators.json",
    "/public/data/followup.json",
    "/public/data/catalog.jsonld",
]


def every_public_url() -> list[tuple[str, dict]]:
    """Every public page and file over the data now: each period's tree, search, each public goal and its
    expand fragment, each period's goal files; pages in both languages."""
    urls: list[tuple[str, dict]] = []
    pages = list(PAGE_URLS)
    for period in versions.periods():
        pages += [f"/public/goals/?period={period.slug}", f"/public/goals/?period={period.slug}&status=all"]
        urls += [
            (f"/public/data/goals.csv?period={period.slug}", {}),
            (f"/public/data/goals.json?period={period.slug}", {}),
        ]
        for goal in Goal.objects.public().valid_in(period).filter(numchild__gt=0):
            urls.append(
                (
                    f"/public/goals/{goal.pk}/children/?period={period.slug}&status=all",
                    {"HTTP_HX_REQUEST": "true"},
                )
            )
    pages += ["/public/goals/?q=elever", "/public/goals/?q=trygg&status=all", "/public/goals/?q=Planterat"]
    pages += [f"/public/goals/{pk}/" for pk in Goal.objects.public().values_list("pk", flat=True)]
    for page in pages:
        urls.append((page, {}))
        urls.append((page + ("&" if "?" in page else "?") + "lang=en", {}))
    urls += [(url, {}) for url in FILE_URLS]
    return urls

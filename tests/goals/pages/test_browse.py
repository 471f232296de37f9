"""goals.pages.browse: the start page, a goal, a unit."""

import datetime
import re

import pytest

from goals import services
from goals.models import Goal
from goals.services.generate import generate_goals
from tests.factories import GoalFactory, UnitFactory, UserFactory
from vision.actors import system_actor


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize("url", ["/", "/goals/", "/goals/1/", "/units/x/", "/search/?q=skola"])
def test_pages_require_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_start_page_shows_vision_areas_and_values(reader, small_tree):
    response = reader.get("/")
    text = text_of(response)
    assert "NORRKÖPING tar plats" in text
    assert "Klimat och miljö" in text and "En klimatsmart kommun" in text
    assert "In governance" in text and "In work groups" in text and "With external actors" in text
    assert "Respect" in text and "Participation" in text and "Trustworthiness" in text
    assert f'href="/goals/{small_tree["area"].pk}/"' in response.content.decode()


def test_start_page_without_data(reader):
    response = reader.get("/")
    assert response.status_code == 200
    assert "No vision has been entered yet." in text_of(response)


def test_goal_page_shows_red_thread_first_to_last(reader, small_tree):
    response = reader.get(f"/goals/{small_tree['first'].pk}/")
    html = response.content.decode()
    crumbs = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S).group(1)
    titles = re.findall(r">([^<>]+)</a>", crumbs)
    assert titles == [
        "NORRKÖPING tar plats",
        "Klimat och miljö",
        "En klimatsmart kommun",
        "Solpaneler på skolor",
    ]
    assert 'aria-current="page">Solpaneler på skolor' in crumbs


def test_goal_page_shows_every_field(reader, small_tree):
    goal = services.goal_update(
        by=system_actor(),
        goal=small_tree["council"],
        description="Kommunen minskar sina utsläpp.",
        decided_by="Kommunfullmäktige",
        decided_on=datetime.date(2022, 12, 19),
        case_number="KS 2022/0001",
    )
    text = text_of(reader.get(f"/goals/{goal.pk}/"))
    for expected in (
        "Kommunen minskar sina utsläpp.",
        "Council goal",
        "Kommunfullmäktige",
        "Dec. 19, 2022",  # Django's localized DATE_FORMAT, like every date on the pages
        "KS 2022/0001",
        "2023–2026",
        "Active",
        "Solpaneler på skolor",  # a child
        "Cykelbara skolvägar",
    ):
        assert expected in text, expected


def test_goal_page_shows_contributions_both_ways(reader, small_tree, council):
    other_area = GoalFactory(
        parent=small_tree["vision"],
        level="area",
        owner=council,
        period=small_tree["area"].period,
        title="Trygghet",
    )
    other = GoalFactory(
        parent=other_area, level="council", owner=council, period=other_area.period, title="Tryggt och säkert"
    )
    services.goal_link_add(by=system_actor(), source=small_tree["first"], target=other)
    first = reader.get(f"/goals/{small_tree['first'].pk}/").content.decode()
    assert (
        first.index("Also contributes to")
        < first.index("Tryggt och säkert")
        < first.index("Goals that contribute to it")
    )
    target = reader.get(f"/goals/{other.pk}/").content.decode()
    assert target.index("Goals that contribute to it") < target.index("Solpaneler på skolor")


def test_goal_page_shows_predecessor_and_successor(reader, small_tree, next_period):
    services.period_carry_over(by=system_actor(), source=small_tree["area"].period, target=next_period)
    successor = Goal.objects.get(predecessor=small_tree["council"])
    old = text_of(reader.get(f"/goals/{small_tree['council'].pk}/"))
    assert "Successor En klimatsmart kommun 2027–2030" in old
    new = text_of(reader.get(f"/goals/{successor.pk}/"))
    assert "Predecessor En klimatsmart kommun 2023–2026" in new


def test_goal_page_shows_who_changed_what_and_when(reader, small_tree, office, admin_user):
    goal = small_tree["first"]
    new_owner = UnitFactory(slug="nodra", name="Nodra AB", kind="company")
    goal = services.goal_update(by=admin_user, goal=goal, title="Solceller på alla skolor", owner=new_owner)
    text = text_of(reader.get(f"/goals/{goal.pk}/"))
    assert "admin · changed" in text
    assert "title: “Solpaneler på skolor” → “Solceller på alla skolor”" in text
    assert "owner unit: “Utbildningskontoret” → “Nodra AB”" in text
    assert "created" in text


def test_goal_page_404_for_unknown_goal(reader):
    assert reader.get("/goals/999999/").status_code == 404


def test_unit_page_lists_goals_with_their_chain_and_the_organisation(reader, small_tree, council, office):
    office.parent = council
    office.save()
    UnitFactory(slug="skola-1", name="Skolenhet 1", parent=office)
    response = reader.get("/units/utbildningskontoret/")
    text = text_of(response)
    assert "2 goals in 2023–2026" in text
    assert "NORRKÖPING tar plats › Klimat och miljö › En klimatsmart kommun › Solpaneler på skolor" in text
    assert "Part of Kommunfullmäktige" in text
    assert "Skolenhet 1" in text
    assert reader.get("/units/okand/").status_code == 404


def test_unit_page_of_another_period(reader, small_tree, next_period):
    text = text_of(reader.get("/units/utbildningskontoret/?period=2027-2030"))
    assert "0 goals in 2027–2030" in text
    assert "The unit owns no goals in this period." in text


def test_language_switch_and_swedish_default(client, small_tree):
    reader = client
    reader.force_login(UserFactory(username="lasare"))
    swedish = reader.get("/goals/").content.decode()
    assert '<html lang="sv">' in swedish
    assert 'action="/i18n/setlang/"' in swedish and 'value="en"' in swedish
    response = reader.post("/i18n/setlang/", {"language": "en", "next": "/goals/"})
    assert response.status_code == 302 and response["Location"] == "/goals/"
    english = reader.get("/goals/").content.decode()
    assert '<html lang="en">' in english
    assert 'value="sv" lang="sv">Svenska' in english


def test_no_page_carries_inline_script_or_style(reader, small_tree):
    for url in (
        "/",
        "/goals/",
        f"/goals/{small_tree['first'].pk}/",
        "/units/utbildningskontoret/",
        "/search/?q=skolor",
        "/accessibility/",
    ):
        html = reader.get(url).content.decode()
        assert "style=" not in html, url
        assert not re.search(r"<[^>]*\son[a-z]+=", html), url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"<style", html), url


def test_pages_speak_swedish_by_default(client, small_tree):
    """Swedish is the default language; the catalogue translates the page chrome and the labels."""
    client.force_login(UserFactory(username="lasare"))
    tree = text_of(client.get("/goals/"))
    assert "Mål 2023–2026" in tree
    assert "övergripande mål (KF)" in tree and "2 mål under" in tree
    goal = text_of(client.get(f"/goals/{small_tree['first'].pk}/"))
    assert "Ägande enhet Utbildningskontoret" in goal
    assert "Ändringshistorik" in goal and "Över mandatperioderna" in goal
    home = text_of(client.get("/"))
    assert "Så tillämpas visionen" in home and "Respekt" in home and "Delaktighet" in home


def test_goal_page_of_a_bulk_inserted_goal_without_history(reader, db):
    """generate_goals and imports bulk-insert goals without history records; their page still renders."""
    generate_goals(by=system_actor(), goals_per_period=20, periods=1)
    goal = Goal.objects.filter(level="unit").first()
    assert not goal.history.exists()
    response = reader.get(f"/goals/{goal.pk}/")
    assert response.status_code == 200
    assert goal.title in response.content.decode()
    assert "No recorded changes." in text_of(response)

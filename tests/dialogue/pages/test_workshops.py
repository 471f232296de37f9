"""Recording a workshop: members and editors of the unit only, the unit's own goals, no participants."""

import datetime

import pytest

from dialogue.models import Workshop
from tests.dialogue.conftest import form_data, member
from tests.factories import UnitFactory, UserFactory, WorkshopFactory
from vision.models import UnitRole


@pytest.mark.parametrize("role", [UnitRole.VIEWER, UnitRole.EDITOR])
def test_a_member_or_editor_records_a_workshop_for_the_unit(client, small_tree, office, role):
    user = member(office, role)
    client.force_login(user)
    url = f"/dialogue/units/{office.slug}/workshops/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(small_tree["first"]), follow=True)
    assert response.redirect_chain == [("/dialogue/", 302)]
    assert "The workshop was recorded." in response.content.decode()
    workshop = Workshop.objects.get()
    assert (workshop.unit, workshop.recorded_by, workshop.facilitator) == (office, user, "Exempelchef")
    assert list(workshop.goals.all()) == [small_tree["first"]]
    assert workshop.history.count() >= 1
    assert list(small_tree["first"].workshops.all()) == [workshop]


def test_someone_outside_the_unit_is_refused(client, small_tree, office):
    client.force_login(UserFactory())
    url = f"/dialogue/units/{office.slug}/workshops/new/"
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert Workshop.objects.count() == 0


def test_membership_of_another_unit_does_not_count(client, small_tree, office):
    other = UnitFactory()
    client.force_login(member(other, UnitRole.EDITOR))
    assert client.post(f"/dialogue/units/{office.slug}/workshops/new/", form_data()).status_code == 403


def test_goals_of_another_unit_cannot_be_chosen(client, small_tree, office):
    client.force_login(member(office, UnitRole.EDITOR))
    response = client.post(f"/dialogue/units/{office.slug}/workshops/new/", form_data(small_tree["council"]))
    assert response.status_code == 200
    assert "goals" in response.context["form"].errors
    assert Workshop.objects.count() == 0


def test_missing_fields_are_reported_and_nothing_saved(client, small_tree, office):
    client.force_login(member(office, UnitRole.VIEWER))
    response = client.post(
        f"/dialogue/units/{office.slug}/workshops/new/", form_data(important="", held_on="31/31")
    )
    assert set(response.context["form"].errors) == {"important", "held_on"}
    assert Workshop.objects.count() == 0


def test_a_goal_page_shows_the_workshops_that_named_it(reader_client, small_tree, office):
    WorkshopFactory(unit=office, important="Solpaneler engagerar eleverna", goals=[small_tree["first"]])
    WorkshopFactory(unit=office, important="Handlar om något annat")
    page = reader_client.get(small_tree["first"].get_absolute_url()).content.decode()
    assert "Solpaneler engagerar eleverna" in page
    assert "Handlar om något annat" not in page
    assert (
        "Solpaneler engagerar"
        not in reader_client.get(small_tree["second"].get_absolute_url()).content.decode()
    )


def test_the_unit_page_loads_its_workshops_with_a_link_that_works_without_javascript(
    reader_client, small_tree, office
):
    WorkshopFactory(unit=office, important="Läsning i fokus", goals=[small_tree["first"]])
    page = reader_client.get(office.get_absolute_url()).content.decode()
    url = f"/dialogue/units/{office.slug}/workshops/"
    assert f'hx-get="{url}"' in page and f'href="{url}"' in page
    fragment = reader_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Läsning i fokus" in fragment and "Solpaneler på skolor" in fragment
    assert "<html" not in fragment
    full = reader_client.get(url).content.decode()
    assert "<html" in full and "Läsning i fokus" in full


def test_the_unit_fragment_costs_the_same_queries_with_more_workshops(
    reader_client, small_tree, office, django_assert_max_num_queries
):
    url = f"/dialogue/units/{office.slug}/workshops/"
    WorkshopFactory(unit=office, goals=[small_tree["first"]])
    with django_assert_max_num_queries(6):
        reader_client.get(url, HTTP_HX_REQUEST="true")
    for day in range(1, 21):
        WorkshopFactory(
            unit=office,
            held_on=datetime.date(2025, 1, day),
            goals=[small_tree["first"], small_tree["second"]],
        )
    with django_assert_max_num_queries(6):
        fragment = reader_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.count('class="workshop"') == 21


def test_a_workshop_cannot_be_dated_in_the_future(client, small_tree, office):
    client.force_login(member(office, UnitRole.VIEWER))
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client.post(
        f"/dialogue/units/{office.slug}/workshops/new/", form_data(held_on=tomorrow.isoformat())
    )
    assert "the date cannot be in the future" in str(response.context["form"].errors["held_on"])
    assert Workshop.objects.count() == 0

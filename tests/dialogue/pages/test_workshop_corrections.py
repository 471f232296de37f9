"""Correcting and withdrawing a recorded workshop, a form sent twice, and a bounded list of goals to choose."""

import uuid

from dialogue.models import Workshop
from dialogue.pages.forms import MAX_OFFERED_GOALS
from tests.dialogue.conftest import form_data, member
from tests.factories import GoalFactory, UserFactory, WorkshopFactory
from vision.models import UnitRole


def test_a_unit_editor_corrects_a_workshop_and_its_history_keeps_the_first_version(
    client, small_tree, office
):
    workshop = WorkshopFactory(unit=office, goals=[small_tree["first"]])
    client.force_login(member(office, UnitRole.EDITOR))
    url = f"/dialogue/workshops/{workshop.pk}/edit/"
    page = client.get(url).content.decode()
    assert "Att visionen syns i vardagen." in page and "checked" in page
    response = client.post(url, form_data(small_tree["second"], important="Rättat: läsningen."), follow=True)
    assert "The workshop was corrected." in response.content.decode()
    workshop.refresh_from_db()
    assert workshop.important == "Rättat: läsningen."
    assert list(workshop.goals.all()) == [small_tree["second"]]
    assert [record.important for record in workshop.history.order_by("history_date")][0] == (
        "Att visionen syns i vardagen."
    )
    assert Workshop.objects.count() == 1


def test_a_member_withdraws_a_workshop_after_confirming_and_the_history_keeps_it(client, small_tree, office):
    workshop = WorkshopFactory(unit=office)
    user = member(office, UnitRole.VIEWER)
    client.force_login(user)
    url = f"/dialogue/workshops/{workshop.pk}/withdraw/"
    assert "Withdraw the workshop" in client.get(url).content.decode()
    assert Workshop.objects.count() == 1  # showing the confirmation withdraws nothing
    response = client.post(url, follow=True)
    assert "The workshop was withdrawn." in response.content.decode()
    assert Workshop.objects.count() == 0
    last = Workshop.history.filter(id=workshop.pk).latest("history_date")
    assert last.history_type == "-" and last.history_user == user


def test_someone_outside_the_unit_can_neither_correct_nor_withdraw(client, small_tree, office):
    workshop = WorkshopFactory(unit=office)
    client.force_login(UserFactory())
    for url in (f"/dialogue/workshops/{workshop.pk}/edit/", f"/dialogue/workshops/{workshop.pk}/withdraw/"):
        assert client.get(url).status_code == 403
        assert client.post(url, form_data()).status_code == 403
    assert Workshop.objects.get().important == "Att visionen syns i vardagen."


def test_the_lists_offer_correct_and_withdraw_to_the_units_members_only(client, small_tree, office, period):
    workshop = WorkshopFactory(unit=office, held_on=period.start)
    client.force_login(UserFactory())
    assert f"/dialogue/workshops/{workshop.pk}/edit/" not in client.get("/dialogue/").content.decode()
    client.force_login(member(office, UnitRole.EDITOR))
    assert f"/dialogue/workshops/{workshop.pk}/edit/" in client.get("/dialogue/").content.decode()
    fragment = client.get(
        f"/dialogue/units/{office.slug}/workshops/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f"/dialogue/workshops/{workshop.pk}/withdraw/" in fragment


def test_a_form_sent_twice_stores_one_workshop(client, small_tree, office):
    client.force_login(member(office, UnitRole.EDITOR))
    url = f"/dialogue/units/{office.slug}/workshops/new/"
    token = client.get(url).context["form"].initial["submission"]
    data = form_data(small_tree["first"], submission=str(token))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Workshop.objects.count() == 1
    assert Workshop.objects.get().submission == token
    # Another form (another token) is another workshop.
    assert client.post(url, form_data(submission=str(uuid.uuid4()))).status_code == 302
    assert Workshop.objects.count() == 2


def test_a_unit_with_many_goals_is_offered_a_bounded_grouped_list_and_a_search(
    client, small_tree, office, period, django_assert_max_num_queries
):
    for number in range(MAX_OFFERED_GOALS + 10):
        GoalFactory(
            parent=small_tree["council"], level="unit", owner=office, period=period, title=f"Mål {number:03d}"
        )
    client.force_login(member(office, UnitRole.EDITOR))
    url = f"/dialogue/units/{office.slug}/workshops/new/"
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert page.count('name="goals"') == MAX_OFFERED_GOALS
    assert "<legend>En klimatsmart kommun</legend>" in page  # grouped by council goal
    assert f"{MAX_OFFERED_GOALS} of {MAX_OFFERED_GOALS + 12} goals shown" in page
    # A search keeps what was typed and narrows the goals; nothing is stored.
    response = client.post(url, form_data(action="find-goals", goal_search="Mål 045", important="Kvar"))
    page = response.content.decode()
    assert page.count('name="goals"') == 1 and "Mål 045" in page and "Kvar" in page
    assert Workshop.objects.count() == 0

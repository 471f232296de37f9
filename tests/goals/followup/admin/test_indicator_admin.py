"""Entering an indicator's targets and measurements in the admin: through the services, as the
editor of the goal's unit; another unit's editor cannot open it."""

from goals.followup.models import Measurement, Target
from tests.factories import UnitFactory, UserFactory
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant


def form_data(response) -> dict:
    """The change form as the page shows it, inlines included (their extra rows empty)."""
    context = response.context
    data = {}
    form = context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value not in (None, False):
            data[name] = value
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for row in formset.forms:
            for name in row.fields:
                value = row[name].value()
                if value not in (None, False, ""):
                    data[row.add_prefix(name)] = value
    return {name: value for name, value in data.items() if value is not None}


def test_the_goals_editor_enters_a_measurement_and_a_target_through_the_services(client, editor, indicator):
    client.force_login(editor)
    url = f"/admin/followup/indicator/{indicator.pk}/change/"
    data = form_data(client.get(url))
    measurements = len(indicator.measurements.all())
    data.update(
        {
            f"measurements-{measurements}-period": "2025-T1",
            f"measurements-{measurements}-gender": "T",
            f"measurements-{measurements}-value": "81.5",
            f"measurements-{measurements}-comment": "Tertial 1",
            "targets-2-year": "2025",
            "targets-2-value": "84",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    entered = Measurement.objects.get(indicator=indicator, period="2025-T1")
    assert entered.value == 81.5 and entered.year == 2025 and entered.source == "manual"
    assert entered.history.latest().history_user == editor
    assert Target.objects.get(indicator=indicator, year=2025).value == 84.0


def test_another_units_editor_cannot_open_or_change_it(client, indicator):
    user = UserFactory(username="redaktor-b", is_staff=True)
    membership_grant(
        by=system_actor(), user=user, unit=UnitFactory(slug="socialkontoret"), role=UnitRole.EDITOR
    )
    client.force_login(user)
    assert client.get(f"/admin/followup/indicator/{indicator.pk}/change/").status_code == 302
    assert client.post(
        f"/admin/followup/indicator/{indicator.pk}/change/", {"title": "Kapad"}
    ).status_code in (302, 403)
    indicator.refresh_from_db()
    assert indicator.title != "Kapad"

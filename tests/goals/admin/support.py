"""Build the POST a browser would send from an admin change page, as it was loaded."""


def _field_data(form, data: dict) -> None:
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
            continue
        data[bound.html_name] = str(value) if not hasattr(value, "isoformat") else value.isoformat()


def admin_form_data(response) -> dict:
    """The main form and every inline formset of an admin add/change page, unchanged."""
    data: dict = {}
    context = response.context
    _field_data(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _field_data(formset.management_form, data)
        for form in formset.forms:
            _field_data(form, data)
    return data


def parents_offered(client, **params) -> dict[str, str]:
    """What the goal form's parent search offers, every page of it: {goal id: label}."""
    from django.urls import reverse

    found, page = {}, 1
    while True:
        response = client.get(reverse("admin:goals_goal_parents"), {**params, "page": page})
        assert response.status_code == 200
        body = response.json()
        found.update({row["id"]: row["text"] for row in body["results"]})
        if not body["pagination"]["more"]:
            return found
        page += 1

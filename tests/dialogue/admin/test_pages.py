"""The dialogue admin pages render for an administrator."""

import pytest

from tests.factories import WorkshopFactory


@pytest.mark.parametrize("model", ["material", "lecture", "workshop"])
def test_changelist_add_change_and_history_pages_render(admin_client, material, lecture, office, model):
    objects = {"material": material, "lecture": lecture, "workshop": WorkshopFactory(unit=office)}
    pk = objects[model].pk
    for url in [
        f"/admin/dialogue/{model}/",
        f"/admin/dialogue/{model}/add/",
        f"/admin/dialogue/{model}/{pk}/change/",
        f"/admin/dialogue/{model}/{pk}/history/",
    ]:
        assert admin_client.get(url).status_code == 200, url

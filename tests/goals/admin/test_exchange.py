import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from goals.exchange import formats as exchange
from goals.models import Goal
from goals.tree_check import find_problems
from tests.factories import UserFactory

EXPORT = reverse("admin:goals_goal_export")
IMPORT = reverse("admin:goals_goal_import")


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_goal_list_links_to_export_and_import(admin_client, small_tree):
    html = admin_client.get(reverse("admin:goals_goal_changelist")).content.decode()
    assert EXPORT in html and IMPORT in html


def test_admin_export_downloads_the_same_file_as_the_command(admin_client, small_tree, period):
    response = admin_client.get(EXPORT, {"period": period.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="goals-2023-2026.xlsx"'
    assert response.content == exchange.write(exchange.export_rows(period), "xlsx")


def test_admin_export_shows_its_form_without_parameters(admin_client, small_tree):
    response = admin_client.get(EXPORT)
    assert response.status_code == 200 and b"<form" in response.content


def test_admin_import_round_trip_with_dry_run_first(admin_client, small_tree, period):
    data = exchange.write(exchange.export_rows(period), "csv")
    Goal.objects.all().delete()

    response = admin_client.post(IMPORT, {"file": upload(data, "mål.csv"), "dry_run": "on"})
    assert response.status_code == 200 and "5 nya" in response.content.decode()
    assert Goal.objects.count() == 0

    response = admin_client.post(IMPORT, {"file": upload(data, "mål.csv")})
    assert response.status_code == 302
    assert Goal.objects.count() == 5 and find_problems() == []
    assert exchange.write(exchange.export_rows(period), "csv") == data


def test_admin_import_lists_each_error_and_writes_nothing(admin_client, small_tree, period):
    rows = exchange.export_rows(period)
    rows[2]["owner_unit"] = "finns-inte"
    rows[3]["parent_external_id"] = str(uuid.uuid4())
    before = list(Goal.objects.values_list())
    response = admin_client.post(IMPORT, {"file": upload(exchange.write(rows, "json"), "bad.json")})
    html = response.content.decode()
    assert response.status_code == 200
    assert "finns-inte" in html and "owner_unit" in html and "parent_external_id" in html
    assert "<td>4</td>" in html and "<td>5</td>" in html
    assert list(Goal.objects.values_list()) == before


def test_admin_import_refuses_an_unknown_file_type(admin_client, small_tree):
    response = admin_client.post(IMPORT, {"file": upload(b"x", "goals.txt")})
    assert response.status_code == 200 and "använd .csv, .xlsx eller .json" in response.content.decode()


def test_import_is_for_administrators_only(client, small_tree):
    staff = UserFactory(username="redaktor", is_staff=True)
    client.force_login(staff)
    assert client.get(IMPORT).status_code == 403


def test_an_editors_admin_export_holds_only_their_units_goals(editor_client, small_tree, period):
    """Everything outside an editor's units is hidden in the admin, exports included."""
    response = editor_client.get(EXPORT, {"period": period.pk, "format": "json"})
    assert response.status_code == 200
    rows = exchange.read(response.content, "json")
    assert sorted(row.values["title"] for row in rows) == ["Cykelbara skolvägar", "Solpaneler på skolor"]

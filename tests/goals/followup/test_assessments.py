"""Assessments: who may write them, in which states of the round, and the conflict rule,
through every door: the service, the page (htmx and plain POST), the API and the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from goals.followup.models import Assessment, AssessmentStatus
from goals.followup.services import AssessmentConflict, assessment_save, round_lock
from tests.factories import UserFactory
from tests.goals.followup.rounds_support import assess, make_round
from vision.actors import NotAllowed, system_actor

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def open_round(period):
    return make_round(period)


def test_an_editor_assesses_their_units_goal_and_versions_count_up(small_tree, open_round, editor):
    first = assess(open_round, small_tree["first"], "partly", analysis="Halvvägs.", by=editor, version=0)
    assert (first.version, first.author, first.status) == (1, editor, AssessmentStatus.PARTLY)
    second = assess(open_round, small_tree["first"], "met", by=editor, version=1)
    assert second.pk == first.pk and second.version == 2
    assert second.history.count() == 2


def test_an_editor_cannot_assess_another_units_goal(small_tree, open_round, editor):
    with pytest.raises(NotAllowed, match="only its editors"):
        assess(open_round, small_tree["council"], "met", by=editor)
    assert not Assessment.objects.exists()


def test_a_locked_or_published_round_refuses_every_service_write(small_tree, open_round, editor):
    assess(open_round, small_tree["first"], "met", by=editor)
    round_lock(round=open_round, by=system_actor())
    for by in (editor, system_actor()):
        with pytest.raises(ValidationError, match="locked"):
            assess(open_round, small_tree["first"], "not_met", by=by)
    assert Assessment.objects.get().status == "met"


def test_a_stale_version_is_refused_with_what_changed(small_tree, open_round, editor):
    other = UserFactory(username="kollega", first_name="Kim", last_name="Kollega")
    from vision.models import UnitRole
    from vision.services import membership_grant

    membership_grant(by=system_actor(), user=other, unit=small_tree["first"].owner, role=UnitRole.EDITOR)
    assess(open_round, small_tree["first"], "partly", by=editor, version=0)
    assess(open_round, small_tree["first"], "met", analysis="Klart.", by=other, version=1)
    with pytest.raises(AssessmentConflict) as refused:
        assess(open_round, small_tree["first"], "not_met", by=editor, version=1)
    message = " ".join(refused.value.messages)
    assert "version 1" in message and "version 2" in message and "Kim Kollega" in message
    assert set(refused.value.changed) == {"status", "analysis"}
    assert Assessment.objects.get().status == "met"


def test_two_first_saves_on_one_goal_the_second_is_a_conflict(small_tree, open_round, editor):
    assess(open_round, small_tree["first"], "met", by=editor, version=0)
    with pytest.raises(AssessmentConflict):
        assess(open_round, small_tree["first"], "partly", by=editor, version=0)


def test_bad_input_is_refused_and_nothing_is_written(small_tree, open_round, editor):
    with pytest.raises(ValidationError):
        assess(open_round, small_tree["first"], "excellent", by=editor)
    with pytest.raises(ValidationError):
        assess(open_round, small_tree["first"], "met", analysis="x" * 20_001, by=editor)
    with pytest.raises(ValidationError, match="not followed up"):
        assess(open_round, small_tree["vision"], "met")
    assert not Assessment.objects.exists()


def test_services_are_keyword_only_and_need_the_actor(small_tree, open_round):
    with pytest.raises(TypeError):
        assessment_save(round=open_round, goal=small_tree["first"], status="met")


# --- the page ---------------------------------------------------------------------------


def _assess_url(round_, goal):
    return reverse("followup:round-assess", kwargs={"pk": round_.pk, "goal_id": goal.pk})


def test_the_page_saves_without_javascript_and_redirects_back(small_tree, open_round, editor_client):
    goal = small_tree["first"]
    response = editor_client.post(
        _assess_url(open_round, goal), {"status": "met", "analysis": "Bra.", "next_steps": "", "version": 0}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/mine/#goal-{goal.pk}")
    assert Assessment.objects.get().analysis == "Bra."


def test_the_page_saves_in_place_with_htmx(small_tree, open_round, editor_client):
    goal = small_tree["first"]
    response = editor_client.post(
        _assess_url(open_round, goal), {"status": "partly", "version": 0}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<article") and "Saved." in html and 'name="version" value="1"' in html


def test_a_stale_page_save_answers_409_keeping_the_text_typed(small_tree, open_round, editor_client, editor):
    goal = small_tree["first"]
    assess(open_round, goal, "met", by=editor, version=0)
    response = editor_client.post(
        _assess_url(open_round, goal), {"status": "not_met", "analysis": "Mitt utkast", "version": 0}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved" in html and "Mitt utkast" in html and 'name="version" value="1"' in html
    assert Assessment.objects.get().status == "met"


@pytest.mark.parametrize("state", ["locked", "published"])
def test_crafted_posts_to_a_closed_round_are_refused(small_tree, period, editor_client, state):
    round_ = make_round(period, state=state)
    before = round_.snapshot
    response = editor_client.post(_assess_url(round_, small_tree["first"]), {"status": "met", "version": 0})
    assert response.status_code == 400
    assert not Assessment.objects.exists()
    round_.refresh_from_db()
    assert round_.snapshot == before


def test_a_crafted_post_for_another_units_goal_is_refused(small_tree, open_round, editor_client):
    response = editor_client.post(
        _assess_url(open_round, small_tree["council"]), {"status": "met", "version": 0}
    )
    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_a_reader_cannot_save(small_tree, open_round, reader):
    response = reader.post(_assess_url(open_round, small_tree["first"]), {"status": "met", "version": 0})
    assert response.status_code == 403
    assert not Assessment.objects.exists()


# --- the API ----------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _put_url(round_, goal):
    return f"/api/followup/rounds/{round_.pk}/assessments/{goal.pk}/"


def test_api_put_creates_then_updates_and_lists(small_tree, open_round, editor):
    client = _api(editor)
    created = client.put(
        _put_url(open_round, small_tree["first"]), {"status": "met", "version": 0}, format="json"
    )
    assert created.status_code == 201 and created.json()["version"] == 1
    updated = client.put(
        _put_url(open_round, small_tree["first"]),
        {"status": "partly", "analysis": "Nja", "version": 1},
        format="json",
    )
    assert updated.status_code == 200 and updated.json()["status"] == "partly"
    listed = client.get(f"/api/followup/rounds/{open_round.pk}/assessments/").json()
    assert [row["goal"] for row in listed["results"]] == [small_tree["first"].pk]
    rounds = client.get("/api/followup/rounds/").json()
    assert rounds[0]["state"] == "open" and rounds[0]["snapshot_url"] is None


def test_api_stale_version_is_409_with_what_changed(small_tree, open_round, editor):
    client = _api(editor)
    client.put(_put_url(open_round, small_tree["first"]), {"status": "met", "version": 0}, format="json")
    refused = client.put(
        _put_url(open_round, small_tree["first"]), {"status": "not_met", "version": 0}, format="json"
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["current"]["status"] == "met" and "status" in body["changed"] and "version" in body["detail"]


def test_api_refuses_other_units_readers_closed_rounds_and_bad_bodies(small_tree, period, open_round, editor):
    other_goal = small_tree["council"]
    assert (
        _api(editor)
        .put(_put_url(open_round, other_goal), {"status": "met", "version": 0}, format="json")
        .status_code
        == 403
    )
    reader = UserFactory()
    assert (
        _api(reader)
        .put(_put_url(open_round, small_tree["first"]), {"status": "met", "version": 0}, format="json")
        .status_code
        == 403
    )
    bad = _api(editor).put(_put_url(open_round, small_tree["first"]), {"status": "great"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"status", "version"}
    assert APIClient().put(_put_url(open_round, small_tree["first"]), {}, format="json").status_code == 401
    round_lock(round=open_round, by=system_actor())
    closed = _api(editor).put(
        _put_url(open_round, small_tree["first"]), {"status": "met", "version": 0}, format="json"
    )
    assert closed.status_code == 400 and "locked" in closed.json()["detail"]
    assert not Assessment.objects.exists()


# --- the admin --------------------------------------------------------------------------


def test_admin_saves_through_the_service_and_refuses_a_locked_round(
    small_tree, open_round, admin_client, editor
):
    assessment = assess(open_round, small_tree["first"], "partly", by=editor)
    url = reverse("admin:followup_assessment_change", args=[assessment.pk])
    form = {"status": "met", "analysis": "Adm", "next_steps": "", "weight": 2, "loaded_version": 1}
    assert admin_client.post(url, form).status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.version, assessment.weight) == ("met", 2, 2)
    stale = admin_client.post(url, {**form, "status": "not_met"})  # still version 1: someone saved since
    assert stale.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "met"
    round_lock(round=open_round, by=system_actor())
    assert admin_client.post(url, {**form, "loaded_version": 2, "status": "not_met"}).status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == "met"


def test_admin_round_actions_go_through_the_services(period, admin_client, small_tree):
    round_ = make_round(period)
    changelist = reverse("admin:followup_followupround_changelist")
    admin_client.post(changelist, {"action": "publish_rounds", "_selected_action": [round_.pk]})
    round_.refresh_from_db()
    assert round_.state == "published" and round_.snapshot["goals"]
    change = reverse("admin:followup_followupround_change", args=[round_.pk])
    assert admin_client.post(change, {"opens": "2025-01-01", "due": "2025-03-01"}).status_code == 403


def test_editors_cannot_run_rounds_in_the_admin(period, client, editor):
    round_ = make_round(period)
    client.force_login(editor)
    changelist = reverse("admin:followup_followupround_changelist")
    assert client.get(changelist).status_code == 403
    client.post(changelist, {"action": "lock_rounds", "_selected_action": [round_.pk]})
    round_.refresh_from_db()
    assert round_.state == "open"

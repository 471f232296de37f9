"""Every admin page an administrator or editor uses reads Swedish for a Swedish user: no English left from
treebeard, django-axes, django-simple-history or Django's own admin, and no raw True/False."""

import re

import pytest
from django.urls import reverse

from goals import services
from tests.goals.admin.support import parents_offered
from vision.actors import system_actor

pytestmark = pytest.mark.django_db

# Seen in the Swedish admin before, as whole words of the visible text.
ENGLISH = [
    "Position",
    "First child of",
    "Before",
    "After",
    "Relative to",
    "-- root --",
    "As child",
    "As Sibling",
    "Access attempts",
    "Access failures",
    "Access logs",
    "Date/time",
    "Changed by",
    "Change reason",
    "Changes",
    "True",
    "False",
    "None",
    "every period",
    "Moved node",
    "doesn’t exist",
]
# Swedish that read wrongly.
ROUGH = ["På slag", "Lägg till ytterligare Bidrar till"]


def visible_text(html: str) -> str:
    """The words a reader sees or hears: text, alt texts, labels of buttons and options."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    alts = " ".join(re.findall(r'(?:alt|aria-label|title|value)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + alts


def english_in(html: str) -> list[str]:
    text = visible_text(html)
    found = [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
    return found + [phrase for phrase in ROUGH if phrase in text]


def test_the_admin_pages_have_no_english_for_a_swedish_user(client, admin_user, tree, period):
    goal = tree["first"]
    # A change gives the history a row with a yes/no field and a level.
    services.goal_update(by=system_actor(), goal=goal, needs_relinking=True)
    client.force_login(admin_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    client.post(
        reverse("admin:goals_goal_changelist") + "move/",
        {"node": tree["second"].pk, "target": tree["committee"].pk, "relation": "child"},
    )
    pages = [
        reverse("admin:index"),
        reverse("admin:goals_goal_changelist"),  # with the message of the move
        reverse("admin:goals_goal_changelist") + "?valid_in=all",
        reverse("admin:goals_goal_add"),
        reverse("admin:goals_goal_change", args=[goal.pk]),
        reverse("admin:goals_goal_history", args=[goal.pk]),
        reverse("admin:goals_goal_carry_over"),
        reverse("admin:goals_goal_import"),
        reverse("admin:goals_goal_export"),
        reverse("admin:goals_goallink_changelist"),
        reverse("admin:goals_goallink_add"),
        reverse("admin:vision_mandateperiod_changelist"),
        reverse("admin:vision_unitmembership_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:axes_accessfailurelog_changelist"),
        reverse("admin:axes_accesslog_changelist"),
    ]
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found[url] = english_in(response.content.decode())
    assert found == dict.fromkeys(pages, [])
    history = client.get(reverse("admin:goals_goal_history", args=[goal.pk])).content.decode()
    assert "Nej" in history and "Ja" in history
    labels = " ".join(parents_offered(client, level="unit").values())
    assert "övergripande mål (KF), 2023–2026, Kommunfullmäktige" in labels


def test_the_scan_finds_english_where_it_is():
    """The check above can fail: it finds the strings it looks for."""
    html = '<label>Position:</label><option>-- root --</option><img alt="False"><th>Date/time</th>'
    assert english_in(html) == ["Position", "-- root --", "Date/time", "False"]

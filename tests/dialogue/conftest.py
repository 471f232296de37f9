import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.factories import LectureFactory, MaterialFactory, UserFactory
from vision.actors import system_actor
from vision.models import UnitMembership, UnitRole
from vision.services import membership_grant


def stored_files(settings) -> list[str]:
    """Every file under MEDIA_ROOT, so a test can show that nothing was left behind."""
    root = settings.MEDIA_ROOT
    return (
        sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
        if root.exists()
        else []
    )


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def form_errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(message) for messages in form.errors.values() for message in messages)


def form_data(*goals, **overrides):
    data = {
        "held_on": "2025-09-10",
        "facilitator": "Exempelchef",
        "important": "Att läsningen syns hela dagen.",
        "actions": "Varje arbetslag väljer en aktivitet.",
        "goals": [goal.pk for goal in goals],
    }
    data.update(overrides)
    return data


def member(office, role):
    user = UserFactory()
    UnitMembership.objects.create(user=user, unit=office, role=role)
    return user


@pytest.fixture
def material(db):
    return MaterialFactory(version="2.0")


@pytest.fixture
def lecture(db):
    return LectureFactory(chapters=[(0, "Inledning"), (16, "Vad betyder det för oss?")])


@pytest.fixture
def reader(db):
    return UserFactory(username="lasare")


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def unit_editor(unit, username: str | None = None):
    """A unit editor as the editor role makes one: staff, with the admin's workshop rights."""
    user = UserFactory(**({"username": username} if username else {}))
    membership_grant(by=system_actor(), user=user, unit=unit, role=UnitRole.EDITOR)
    return user


@pytest.fixture
def system(db):
    return system_actor()


@pytest.fixture
def editor(office):
    return unit_editor(office, "redaktor")


@pytest.fixture
def other_editor(other_office):
    return unit_editor(other_office, "redaktor-vard")


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English msgids; the Swedish catalogue is checked in test_translations."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

import pytest
from django.utils import translation

from tests.factories import LectureFactory, MaterialFactory, UserFactory


def stored_files(settings) -> list[str]:
    """Every file under MEDIA_ROOT, so a test can show that nothing was left behind."""
    root = settings.MEDIA_ROOT
    return (
        sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
        if root.exists()
        else []
    )


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


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert on the English msgids; the Swedish catalogue is checked in test_translations."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

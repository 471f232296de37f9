"""PUBLIC_SITE: on in development, off in production unless PUBLIC_SITE=1."""

import pytest

from tests.test_deployment import settings_in_child

PRINT = "from django.conf import settings; print(settings.PUBLIC_SITE)"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "1"}, "True"),
        ({}, "False"),
        ({"PUBLIC_SITE": "1"}, "True"),
        ({"DEBUG": "1", "PUBLIC_SITE": "0"}, "False"),
    ],
)
def test_the_public_site_follows_debug_unless_set(env, expected):
    """settings_in_child starts from production (DEBUG=0, a key and a host)."""
    assert settings_in_child(PRINT, **{"PUBLIC_SITE": "", **env}) == expected

"""What the dialogue models hold, and what they deliberately do not."""

from dialogue.models import Workshop


def test_no_field_holds_participants():
    names = {field.name for field in Workshop._meta.get_fields()}
    assert not any("particip" in name for name in names)

"""The dialogue admin: importing the modules registers their model admins."""

from dialogue.admin import lectures, materials, workshops  # noqa: F401

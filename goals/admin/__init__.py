"""The goal admin: registering the modules registers the models."""

from goals.admin import goals, links  # noqa: F401

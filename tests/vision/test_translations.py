"""Swedish first: every string a user reads has its Swedish translation."""

import ast
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]
APPS = ("vision", "goals", "dialogue")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}


def catalogue() -> polib.POFile:
    return polib.pofile(str(ROOT / "locale/sv/LC_MESSAGES/django.po"))


def test_the_swedish_catalogue_has_no_empty_or_fuzzy_entry():
    missing = [
        entry.msgid
        for entry in catalogue()
        if "fuzzy" in entry.flags or not (entry.msgstr or any(entry.msgstr_plural.values()))
    ]
    assert missing == []


def _gettext_literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT_NAMES
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value


def test_every_message_in_the_code_is_in_the_swedish_catalogue():
    translated = {entry.msgid for entry in catalogue()}
    missing = [
        f"{path.relative_to(ROOT)}: {text}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
        for text in _gettext_literals(path)
        if text not in translated
    ]
    assert missing == []

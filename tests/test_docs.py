"""Docs stay true: every setting is documented."""

from pathlib import Path

from calmlink.settings import documented

DOCS = Path(__file__).parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text()
    for name in documented():
        assert f"| {name} |" in text, f"setting {name!r} missing from docs/settings.md"
        assert f"CALMLINK_{name.upper()}" in text

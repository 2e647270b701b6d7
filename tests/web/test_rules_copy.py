"""The project keeps its own copy of the rules (docs/DOMAIN.md), so that README's link works in a
standalone clone; it must not drift from the team's shared rules where those exist (issue 12)."""

from pathlib import Path

import pytest
from django.conf import settings

COPY = Path(settings.BASE_DIR, "docs", "DOMAIN.md")
SHARED = Path(settings.BASE_DIR).parent / "shared" / "DOMAIN.md"


def test_the_project_keeps_its_copy_of_the_rules():
    assert COPY.is_file() and "R-ORD-4" in COPY.read_text()


def test_the_copy_equals_the_shared_rules():
    if not SHARED.is_file():
        pytest.skip("no shared rules beside this clone")
    assert COPY.read_text() == SHARED.read_text(), "docs/DOMAIN.md differs from ../shared/DOMAIN.md: copy it again"

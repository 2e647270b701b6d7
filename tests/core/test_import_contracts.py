"""The layers are checked by a machine (issue 9): bin/test runs import-linter's contracts from
pyproject.toml. Here a copy of the code with a deliberate violation shows each contract is able to fail."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["procurement", "listings", "negotiation", "vbp", "filings", "settlement", "supervision"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


@pytest.fixture
def copy_of_the_code(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def lint(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=directory,
        env={"PYTHONPATH": str(directory), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract(copy_of_the_code):
    result = lint(copy_of_the_code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    "module, source, contract",
    [
        # the order code reaching into the listing channel's table, as it did before this issue
        (
            "procurement/orders/probe.py",
            "from listings.models import Listing\n",
            "The core never imports a channel app",
        ),
        # a channel reaching into another without a named exception
        ("listings/probe.py", "from negotiation.models import Agreement\n", "Channel apps import each other only"),
        # an app importing the router
        ("procurement/credit/probe.py", "import procurement.urls\n", "Only Django reaches the URL and API routers"),
    ],
)
def test_a_deliberate_violation_is_caught(copy_of_the_code, module, source, contract):
    (copy_of_the_code / module).write_text(source)
    result = lint(copy_of_the_code)
    assert result.returncode != 0
    broken = result.stdout[result.stdout.index("Broken contracts") :]
    assert contract in broken and module.replace("/", ".").removesuffix(".py") in broken

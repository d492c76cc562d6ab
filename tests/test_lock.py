"""The lock file the set-up installs from covers what pyproject.toml declares."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s\\]+)")


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requirements = list(project["project"]["dependencies"])
    for extra in project["project"].get("optional-dependencies", {}).values():
        requirements += extra
    requirements += project["build-system"]["requires"]
    return [Requirement(r) for r in requirements]


def test_every_declared_package_is_locked_at_a_version_it_admits():
    pins = locked()
    stale = []
    for requirement in declared():
        version = pins.get(canonicalize_name(requirement.name))
        if version is None or not requirement.specifier.contains(version, prereleases=True):
            stale.append(f"{requirement} (locked: {version})")
    assert not stale, f"requirements.lock is stale, run bash scripts/lock.sh: {stale}"


def test_every_pin_has_a_hash():
    text = (ROOT / "requirements.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 6)[-1])
    for block in blocks:
        if PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_extras_packages_ask_for_are_kept():
    # pip 23 under --require-hashes refuses a dependency's "httpx2[http2]>=2" when the lock pins
    # "httpx2==..." without the extra and the index holds a newer release: a fresh set-up fails.
    text = (ROOT / "requirements.lock").read_text()
    assert "--strip-extras" not in text.split("\n", 6)[5]
    assert re.search(r"^httpx2\[http2\]==", text, re.M)

"""The SDL committed at schema/schema.graphql is the schema's, and the check names breaking changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from schema.sdl import COMMITTED, breaking_changes, committed_sdl, current_sdl

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_sdl_is_the_schema():
    assert COMMITTED.read_text(encoding="utf-8") == current_sdl(), "run: python -m schema.sdl"


def test_the_check_passes_on_the_committed_sdl():
    done = subprocess.run([sys.executable, "-m", "schema.sdl", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BREAKING" not in done.stdout


def test_breaking_changes_are_named():
    old = current_sdl()
    removed_field = old.replace("  pageInfo: PageInfo!\n", "", 1)
    assert breaking_changes(removed_field, old) == []  # adding a field breaks nobody
    changes = breaking_changes(old, removed_field)
    assert [c.type.name for c in changes] == ["FIELD_REMOVED"] and "pageInfo" in changes[0].description
    nullable_argument = old.replace("node(id: ID!)", "node(id: ID)")
    assert breaking_changes(old, nullable_argument) == []
    required_argument = old.replace("node(id: ID!)", "node(id: ID!, version: Int!)")
    assert [c.type.name for c in breaking_changes(old, required_argument)] == ["REQUIRED_ARG_ADDED"]


def test_breaking_changes_are_told_against_the_sdl_of_a_git_revision(tmp_path: Path):
    """``--against REV`` reads the SDL clients rely on from git, not from the file in the tree:
    here a revision whose SDL had a field the schema no longer has."""
    old = current_sdl().replace("  pageInfo: PageInfo!\n", "  pageInfo: PageInfo!\n  retiredField: Int\n", 1)
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "schema.graphql").write_text(old, encoding="utf-8")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "schema/schema.graphql"], ["commit", "-qm", "old SDL"]):
        subprocess.run([*git, *command], check=True, capture_output=True)
    assert committed_sdl("HEAD", tmp_path) == old
    assert committed_sdl("no-such-revision", tmp_path) is None
    assert committed_sdl("HEAD", tmp_path / "schema" / "nowhere") is None
    changes = breaking_changes(committed_sdl("HEAD", tmp_path), current_sdl())
    assert [c.type.name for c in changes] == ["FIELD_REMOVED"] and "retiredField" in changes[0].description

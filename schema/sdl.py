"""The schema's SDL, committed at ``schema/schema.graphql``, and the changes that would break a client.

``python -m schema.sdl``          writes the SDL and lists the breaking changes it makes
``python -m schema.sdl --check``  exits 1 when the SDL file is not the schema's (drift), and lists
                                  what would break for clients of the SDL last committed
                                  (graphql-core ``find_breaking_changes``)

"Last committed" is the file at ``--against`` (a git revision, HEAD by default: a branch's base,
say ``--against origin/main``); outside a git checkout, or before the file was ever committed,
the file in the tree stands for it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from graphql import BreakingChange, build_schema, find_breaking_changes

from marketplace.settings import Settings
from schema.schema import build_schema as build_tirek_schema

COMMITTED = Path(__file__).with_name("schema.graphql")
ROOT = COMMITTED.parents[1]


def current_sdl() -> str:
    # The limits in the settings shape no type; any secret will do to build the schema.
    return build_tirek_schema(Settings(secret_key="sdl-" + "x" * 32)).as_str() + "\n"


def breaking_changes(old_sdl: str, new_sdl: str) -> list[BreakingChange]:
    return find_breaking_changes(build_schema(old_sdl), build_schema(new_sdl))


def committed_sdl(revision: str = "HEAD", root: Path = ROOT) -> str | None:
    """``schema/schema.graphql`` as committed at ``revision`` in the git checkout at ``root``;
    None when there is no such checkout, revision or file."""
    try:
        shown = subprocess.run(["git", "-C", str(root), "show", f"{revision}:schema/schema.graphql"],
                               capture_output=True, text=True, encoding="utf-8", timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return shown.stdout if shown.returncode == 0 else None


def _report(changes: list[BreakingChange]) -> None:
    for change in changes:
        print(f"BREAKING {change.type.name}: {change.description}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schema.sdl", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the SDL file drifted from the schema")
    parser.add_argument("--against", default="HEAD", metavar="REV",
                        help="the git revision whose SDL clients rely on (default: HEAD)")
    args = parser.parse_args(argv)
    new = current_sdl()
    old = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else None
    relied_on = committed_sdl(args.against) or old
    changes = breaking_changes(relied_on, new) if relied_on is not None else []
    _report(changes)
    if args.check:
        if old != new:
            print(f"{COMMITTED} is not the schema's SDL: run python -m schema.sdl and commit it", file=sys.stderr)
            return 1
        return 0
    COMMITTED.write_text(new, encoding="utf-8")
    print(f"wrote {COMMITTED} ({len(changes)} breaking changes against the SDL at {args.against})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

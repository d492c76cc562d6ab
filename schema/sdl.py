"""The schema's SDL, committed at ``schema/schema.graphql``, and the changes that would break a client.

``python -m schema.sdl``          writes the SDL and lists the breaking changes it makes
``python -m schema.sdl --check``  exits 1 when the committed SDL is not the schema's (drift), and lists
                                  what would break for clients of the committed one
                                  (graphql-core ``find_breaking_changes``)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from graphql import BreakingChange, build_schema, find_breaking_changes

from marketplace.settings import Settings
from schema.schema import build_schema as build_tirek_schema

COMMITTED = Path(__file__).with_name("schema.graphql")


def current_sdl() -> str:
    # The limits in the settings shape no type; any secret will do to build the schema.
    return build_tirek_schema(Settings(secret_key="sdl-" + "x" * 32)).as_str() + "\n"


def breaking_changes(old_sdl: str, new_sdl: str) -> list[BreakingChange]:
    return find_breaking_changes(build_schema(old_sdl), build_schema(new_sdl))


def _report(changes: list[BreakingChange]) -> None:
    for change in changes:
        print(f"BREAKING {change.type.name}: {change.description}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schema.sdl", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the committed SDL drifted")
    args = parser.parse_args(argv)
    new = current_sdl()
    old = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else None
    changes = breaking_changes(old, new) if old is not None else []
    _report(changes)
    if args.check:
        if old != new:
            print(f"{COMMITTED} is not the schema's SDL: run python -m schema.sdl and commit it", file=sys.stderr)
            return 1
        return 0
    COMMITTED.write_text(new, encoding="utf-8")
    print(f"wrote {COMMITTED} ({len(changes)} breaking changes against the previous one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

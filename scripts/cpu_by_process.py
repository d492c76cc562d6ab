"""Run a command and print the CPU its processes took, by kind (Chromium, uvicorn, Meilisearch,
pytest, ...): ``python scripts/cpu_by_process.py python -m pytest tests/web/test_x.py``.

For finding what a slow test spends its CPU on. It samples /proc every 0.3 s and keeps each
process's last reading, so a process that lives less than that is missed; processes that were
running before the command started (other work on the machine) are left out."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")
KINDS = (("chromium", "chromium"), ("meilisearch", "meilisearch"), ("tests.web.preloaded", "uvicorn (forked servers)"),
         ("uvicorn", "uvicorn"), ("pytest", "pytest"), ("playwright", "playwright driver"), ("tirek", "tirek CLI"))


def kind(command: str) -> str:
    return next((name for marker, name in KINDS if marker in command), command.split(" ")[0] or "?")


def processes() -> dict[tuple[str, str], tuple[str, float]]:
    """(pid, start time) → (command line, CPU seconds) of every process readable now."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline") as cmdline:
                fields = stat.read().rsplit(")", 1)[1].split()
                command = cmdline.read().replace("\0", " ").strip()
        except OSError:
            continue
        found[(pid, fields[19])] = (command, (int(fields[11]) + int(fields[12])) / TICKS)
    return found


def main(command: list[str]) -> int:
    before = set(processes())
    child = subprocess.Popen(command)
    last: dict[tuple[str, str], tuple[str, float]] = {}
    while child.poll() is None:
        last.update((key, value) for key, value in processes().items() if key not in before)
        time.sleep(0.3)
    by_kind: collections.Counter[str] = collections.Counter()
    for command_line, seconds in last.values():
        by_kind[kind(command_line)] += seconds
    print(f"CPU by kind of process ({sum(by_kind.values()):.1f} s in all):")
    for name, seconds in by_kind.most_common(12):
        print(f"{seconds:8.1f} s  {name}")
    return child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

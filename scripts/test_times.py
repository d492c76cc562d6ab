"""Where the suite's time went, by file: ``python scripts/test_times.py [var/test-report.xml]``.

Reads the JUnit XML that ``scripts/test.sh`` writes and prints the files that took longest
(setup, call and teardown of their tests added up, on whichever worker ran them)."""

from __future__ import annotations

import collections
import sys
import xml.etree.ElementTree as ET


def main(path: str = "var/test-report.xml", most: int = 40) -> None:
    by_file: collections.Counter[str] = collections.Counter()
    tests: collections.Counter[str] = collections.Counter()
    for case in ET.parse(path).getroot().iter("testcase"):
        name = (case.get("classname") or "").replace(".", "/") + ".py"
        by_file[name] += float(case.get("time") or 0)
        tests[name] += 1
    total = sum(by_file.values())
    print(f"{total / 60:.1f} min of tests in {len(by_file)} files ({sum(tests.values())} tests)")
    for name, seconds in by_file.most_common(most):
        print(f"{seconds:8.1f} s  {seconds / total:5.1%}  {tests[name]:4d} tests  {name}")


if __name__ == "__main__":
    main(*sys.argv[1:2])

"""A Meilisearch server of the tests' own: the binary in var/ (installed when missing), started on a
free port, stopped and its data removed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from marketplace.settings import PROJECT_ROOT
from search.server import MeilisearchProcess, find_or_install_binary


@contextmanager
def meilisearch_server() -> Iterator[MeilisearchProcess]:
    process = MeilisearchProcess(binary=find_or_install_binary(PROJECT_ROOT / "var"))
    process.start()
    try:
        yield process
    finally:
        process.stop(cleanup=True)

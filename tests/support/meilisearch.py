"""A Meilisearch server of the tests' own: the binary in var/ (installed when missing), started on a
free port, stopped and its data removed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from marketplace.settings import PROJECT_ROOT
from search.server import MeilisearchProcess, find_or_install_binary


def meilisearch_process(data_dir: Path | None = None, master_key: str | None = None) -> MeilisearchProcess:
    """A server on the project's binary, not started; on ``data_dir`` with ``master_key`` when given
    (a copy of another's data opens with that one's key)."""
    return MeilisearchProcess(binary=find_or_install_binary(PROJECT_ROOT / "var"), data_dir=data_dir,
                              master_key=master_key)


@contextmanager
def meilisearch_server() -> Iterator[MeilisearchProcess]:
    process = meilisearch_process()
    process.start()
    try:
        yield process
    finally:
        process.stop(cleanup=True)

"""The embedded Meilisearch's supervisor (search/server.py::MeilisearchProcess._watch) waits 1 s,
2 s, 4 s ... up to its ceiling between failed starts, and starts counting from 1 s again after a
start that worked. Driven without threads or sleeping: the stop event is replaced by one that
records each wait, and the launch by one that fails as told."""

from __future__ import annotations

from pathlib import Path

from search.server import MeilisearchProcess, MeilisearchUnavailable

POLL = 0.5


class RecordedWaits:
    """Stands for the supervisor's stop event: every wait returns at once and is written down;
    the stop comes after ``stop_after`` waits."""

    def __init__(self, stop_after: int) -> None:
        self.waits: list[float] = []
        self.stop_after = stop_after

    def wait(self, timeout: float) -> bool:
        self.waits.append(timeout)
        return len(self.waits) >= self.stop_after

    def is_set(self) -> bool:
        return len(self.waits) >= self.stop_after

    def clear(self) -> None:
        pass


class ExitedServer:
    pid, returncode = 4242, 1

    def poll(self) -> int:
        return self.returncode


def supervised(tmp_path: Path, outcomes: list[bool], stop_after: int) -> tuple[MeilisearchProcess, RecordedWaits]:
    server = MeilisearchProcess(binary=tmp_path / "meilisearch", data_dir=tmp_path, port=7700)
    server._proc = ExitedServer()  # type: ignore[assignment]  # the server has just died
    waits = RecordedWaits(stop_after)
    server._stopping = waits  # type: ignore[assignment]
    starts = iter(outcomes)

    def launch() -> None:
        if next(starts, False):
            server._proc = ExitedServer()  # type: ignore[assignment]  # up, and (for the test) dead again at once
            return
        raise MeilisearchUnavailable("did not answer")

    server._launch = launch  # type: ignore[method-assign]
    return server, waits


def backoffs(waits: RecordedWaits) -> list[float]:
    return [w for w in waits.waits if w != POLL]


def test_failed_starts_wait_twice_as_long_each_time_up_to_the_ceiling(tmp_path: Path) -> None:
    server, waits = supervised(tmp_path, [False] * 8, stop_after=17)
    server._watch(POLL, max_backoff=30.0)
    assert backoffs(waits) == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    assert server.restarts == 0


def test_a_start_that_works_counts_from_one_second_again(tmp_path: Path) -> None:
    server, waits = supervised(tmp_path, [False, False, True, False], stop_after=11)
    server._watch(POLL, max_backoff=30.0)
    assert backoffs(waits)[:5] == [1.0, 2.0, 4.0, 1.0, 2.0]
    assert server.restarts == 1


def test_stopping_during_a_back_off_starts_nothing(tmp_path: Path) -> None:
    server, waits = supervised(tmp_path, [True], stop_after=2)  # the poll, then the back-off is cut short
    server._watch(POLL, max_backoff=30.0)
    assert waits.waits == [POLL, 1.0] and server.restarts == 0

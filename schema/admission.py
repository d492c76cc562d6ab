"""Who is let in while the process is busy: signed-in people before anonymous traffic.

One API process has one event loop and, for Python code, one core. A flood of anonymous
requests (each a new document to parse, a refused sign-in, a 400 KB list of codes to decode)
would otherwise fill the loop's ready queue, and a signed-in recipient's request would wait
behind all of them: in the load test (tests/security/test_load.py) `{ me { id } }` went from 9 ms
to a p95 of one second. So anonymous GraphQL requests pass through a lane:

* a few places (``anonymous_concurrency``): at most that many anonymous requests are worked on
  at once, however many connections strangers open;
* signed-in first: a request waiting for a place does not take one while a signed-in request
  is being served, for at most ``ANONYMOUS_YIELD`` seconds (so a steady stream of signed-in
  traffic slows anonymous callers down but never locks them out);
* a bounded waiting room (``anonymous_queue``): beyond it a request is answered at once with
  503 RETRYABLE and ``Retry-After`` (cheap: its body is not read).

A signed-in request (a bearer token the guard has resolved) never waits here, so what a signed-in
person asks is served next to at most a few anonymous requests already under way. The lane's
primitives belong to one event loop (tests start many loops), so they are made per loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

#: How long an anonymous request lets signed-in requests go first before it takes its place anyway.
ANONYMOUS_YIELD = 0.5


class LaneFull(Exception):
    """The waiting room is full: the caller answers 503 with ``Retry-After``."""


@dataclass
class _LoopState:
    places: asyncio.Semaphore
    signed_in_idle: asyncio.Event = field(default_factory=asyncio.Event)
    signed_in: int = 0
    waiting: int = 0

    def __post_init__(self) -> None:
        self.signed_in_idle.set()


class AnonymousLane:
    def __init__(self, places: int, waiting_room: int, yield_seconds: float = ANONYMOUS_YIELD) -> None:
        if places < 1 or waiting_room < 0:
            raise ValueError("an anonymous lane needs at least one place and a waiting room of zero or more")
        self.places = places
        self.waiting_room = waiting_room
        self.yield_seconds = yield_seconds
        self._loops: dict[asyncio.AbstractEventLoop, _LoopState] = {}
        self.turned_away = 0

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            for old in [old for old in self._loops if old.is_closed()]:
                del self._loops[old]
            state = self._loops[loop] = _LoopState(asyncio.Semaphore(self.places))
        return state

    @asynccontextmanager
    async def signed_in(self) -> AsyncIterator[None]:
        """Mark a signed-in request as being served: anonymous ones wait for it before they start."""
        state = self._state()
        state.signed_in += 1
        state.signed_in_idle.clear()
        try:
            yield
        finally:
            state.signed_in -= 1
            if state.signed_in == 0:
                state.signed_in_idle.set()

    @asynccontextmanager
    async def place(self) -> AsyncIterator[None]:
        """Hold one of the lane's places for an anonymous request; ``LaneFull`` when nobody more may wait."""
        state = self._state()
        busy = state.places.locked() or state.signed_in > 0
        if busy and state.waiting >= self.waiting_room:
            self.turned_away += 1
            raise LaneFull
        state.waiting += 1
        try:
            await state.places.acquire()
        finally:
            state.waiting -= 1
        try:
            if state.signed_in > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(state.signed_in_idle.wait(), self.yield_seconds)
            yield
        finally:
            state.places.release()

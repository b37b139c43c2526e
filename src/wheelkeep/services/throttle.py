"""Refusing addresses that fail to authenticate too often.

After ``limit`` failed authentications from one address within ``window``
seconds, requests from that address that carry credentials are refused for
``block`` seconds (429 with Retry-After). Other addresses are not affected,
and neither are requests from the blocked address that carry no credentials:
they cannot guess anything.

The counters live in this process's memory, not in the database: checking
them costs no query on the read path, and counting a failure costs no write
that would compete with uploads for SQLite's lock. The cost is that each
replica counts on its own, so behind N replicas an address gets up to N times
the limit before every replica refuses it. Successes never reset the count,
so one valid token cannot be used to keep guessing with others.
"""

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from wheelkeep.domain.errors import TooManyAttempts

# Bounds memory under a flood from many addresses; the oldest entries go first.
MAX_TRACKED_ADDRESSES = 100_000
UNKNOWN_ADDRESS = "unknown"


@dataclass
class _Record:
    window_start: float
    failures: int = 0
    blocked_until: float = 0.0


class FailureThrottle:
    def __init__(
        self,
        limit: int = 10,
        window: float = 60.0,
        block: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.block = block
        self._clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, address: str | None) -> None:
        """Raise TooManyAttempts while the address is blocked."""
        key = address or UNKNOWN_ADDRESS
        with self._lock:
            record = self._records.get(key)
            now = self._clock()
            if record is None or record.blocked_until <= now:
                return
            wait = math.ceil(record.blocked_until - now)
        raise TooManyAttempts(
            "Too many failed authentications from this address; "
            f"try again in {wait} seconds.",
            retry_after=wait,
        )

    def record_failure(self, address: str | None) -> None:
        key = address or UNKNOWN_ADDRESS
        with self._lock:
            now = self._clock()
            record = self._records.get(key)
            if record is None or now - record.window_start > self.window:
                record = _Record(window_start=now)
            record.failures += 1
            if record.failures >= self.limit:
                record.blocked_until = now + self.block
                record.window_start = now
                record.failures = 0
            self._records[key] = record
            self._records.move_to_end(key)
            while len(self._records) > MAX_TRACKED_ADDRESSES:
                self._records.popitem(last=False)

"""The per-address failure throttle, on a clock the test moves."""

import pytest

from wheelkeep.domain.errors import TooManyAttempts
from wheelkeep.services.throttle import FailureThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_blocks_after_the_limit_and_lifts_after_the_block() -> None:
    clock = Clock()
    throttle = FailureThrottle(limit=3, window=60, block=300, clock=clock)
    for _ in range(2):
        throttle.record_failure("192.0.2.1")
    throttle.check("192.0.2.1")

    throttle.record_failure("192.0.2.1")
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check("192.0.2.1")
    throttle.check("192.0.2.2")

    assert refused.value.retry_after == 300
    clock.now += 301
    throttle.check("192.0.2.1")


def test_failures_outside_the_window_do_not_add_up() -> None:
    clock = Clock()
    throttle = FailureThrottle(limit=3, window=60, block=300, clock=clock)
    for _ in range(5):
        throttle.record_failure("192.0.2.1")
        clock.now += 40

    throttle.check("192.0.2.1")

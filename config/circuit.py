"""A small circuit breaker for optional services (Redis as cache and channel layer).

After a failure the circuit opens: callers skip the service for `cooldown` seconds instead of
waiting on its timeout again. Then one caller probes it (half-open); success closes the circuit.
A message is logged once when the circuit opens and once when it closes again."""

import logging
import threading
import time

logger = logging.getLogger("cocreo.circuit")


class CircuitBreaker:
    def __init__(self, name: str, cooldown: float = 5.0):
        self.name = name
        self.cooldown = cooldown
        self._open_until = 0.0  # 0: closed
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._open_until != 0.0

    def allow(self) -> bool:
        """Whether to try the service now. While the circuit is open only one caller per
        cooldown period gets through, to probe it."""
        if self._open_until == 0.0:
            return True
        now = time.monotonic()
        with self._lock:
            if now < self._open_until:
                return False
            self._open_until = now + self.cooldown  # this caller probes; others keep skipping
            return True

    def retry_in(self) -> float:
        """Seconds until a caller may try the service again (0 when the circuit is closed)."""
        open_until = self._open_until
        return 0.0 if open_until == 0.0 else max(open_until - time.monotonic(), 0.0)

    def failure(self, error: BaseException) -> None:
        with self._lock:
            was_closed = self._open_until == 0.0
            self._open_until = time.monotonic() + self.cooldown
        if was_closed:
            logger.warning(
                "%s unavailable (%s: %s); skipping it for %.0f s at a time until it answers",
                self.name,
                type(error).__name__,
                error,
                self.cooldown,
            )

    def success(self) -> None:
        if self._open_until == 0.0:
            return
        with self._lock:
            was_open = self._open_until != 0.0
            self._open_until = 0.0
        if was_open:
            logger.warning("%s answers again", self.name)

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0

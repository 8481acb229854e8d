"""Answers asked on every page and rarely changed, kept in the shared cache under a version.

Every change to what an answer depends on bumps the version (when saved and again after its
commit), so a new answer takes effect at once in every process; an answer read before a commit
is stored with the old version, and an answer is used only with the current one. When the
cache is down, the database answers. Each answer lives only `seconds`: if Redis froze while a
change was saved (the bump lost), an old answer must not outlive the change by more than that.
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction


class VersionedAnswers:
    every: list["VersionedAnswers"] = []  # all of them (tests start each with answers unknown)

    def __init__(self, name: str, *, seconds: float):
        self.name, self.seconds = name, seconds
        self.version_key = f"{name}:version"
        VersionedAnswers.every.append(self)

    def bump(self) -> None:
        try:
            cache.incr(self.version_key)
        except ValueError:  # no version yet (or evicted): any new value will do
            cache.set(self.version_key, time.time_ns(), timeout=None)

    def bump_now_and_on_commit(self, *args, **kwargs) -> None:
        """A signal receiver: bumps at the change and again once it is committed."""
        self.bump()
        transaction.on_commit(self.bump)

    def version(self):
        return self._version(cache.get(self.version_key))

    def _version(self, version):
        if version is None:
            # A version starts at the clock (ns), so one that was evicted never returns to a
            # value an older answer was stored under.
            cache.add(self.version_key, time.time_ns(), timeout=None)
            version = cache.get(self.version_key)
        return version

    def get(self, question: str, answer: Callable[[], object]):
        """The cached answer to `question`, or `answer()` (then kept for `seconds`).

        One round trip to the cache: the answer is stored with the version it was read under,
        and both are read together. An answer stored under an older version (read before a
        change was committed) is never used."""
        key = f"{self.name}:{question}"
        found = cache.get_many([self.version_key, key])
        version = self._version(found.get(self.version_key))
        if version is None:  # the cache is down
            return answer()
        stored = found.get(key)
        if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == version:
            return stored[1]
        fresh = answer()
        cache.set(key, (version, fresh), timeout=self.seconds)
        return fresh

"""Versioned cached answers (community/versioned.py): asked on every page, so a known answer
costs one round trip to the cache, and no answer outlives a change."""

import pytest
from django.core.cache import cache

from community.versioned import VersionedAnswers


@pytest.fixture
def answers():
    answers = VersionedAnswers("test-answers", seconds=60)
    answers.bump()
    return answers


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def test_a_known_answer_is_one_round_trip_and_asks_nothing(answers, monkeypatch):
    ask = Counter(False)
    assert answers.get("q", ask) is False and ask.calls == 1
    trips, depth = [], [0]

    def spy(name, original):
        def call(*args, **kwargs):
            if not depth[0]:  # the backend's own calls inside (LocMem's get_many) are not trips
                trips.append(name)
            depth[0] += 1
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(cache, name, spy(name, getattr(cache, name)))
    assert answers.get("q", ask) is False
    assert ask.calls == 1 and trips == ["get_many"]


def test_a_bump_makes_every_answer_unknown(answers):
    ask = Counter(1)
    answers.get("q", ask)
    ask.value = 2
    answers.bump()
    assert answers.get("q", ask) == 2 and ask.calls == 2


def test_an_answer_of_an_older_version_is_never_used(answers):
    old = answers.version()
    answers.bump()
    cache.set("test-answers:q", (old, "stale"))
    assert answers.get("q", lambda: "fresh") == "fresh"


def test_without_the_cache_the_question_is_asked_each_time(answers, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ask = Counter(True)
    answers.get("q", ask)
    answers.get("q", ask)
    assert ask.calls == 2

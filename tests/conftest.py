import pytest
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.test import Client
from django.test.client import ClientMixin

from tests import factories


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (row locks, real concurrency) are deselected on SQLite, and the
    run says so; CI runs the suite on both databases.

    A transactional test must also ask for `serialized_rollback`: the flush after it empties
    every table, and without the migrations' rows (content types, home page, groups) restored
    the next serialized test fails to load them and other tests miss them."""
    unserialized = [
        item.nodeid
        for item in items
        if (marker := item.get_closest_marker("django_db"))
        and marker.kwargs.get("transaction")
        and not marker.kwargs.get("serialized_rollback")
    ]
    if unserialized:
        raise pytest.UsageError(
            "transaction=True without serialized_rollback=True: " + ", ".join(unserialized)
        )
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pass_second_factor(client: ClientMixin, user) -> None:
    """Record in the client's session what allauth records after a sign-in with password and
    TOTP: staff-only doors (admin, staff API) check for that "mfa" step."""
    session = client.session

    class _Request:  # what record_authentication reads and writes
        pass

    request = _Request()
    request.session = session
    if not any(r.get("method") == "mfa" for r in get_authentication_records(request, user)):
        record_authentication(request, user, "password", email=user.email)
        record_authentication(request, user, "mfa", type="totp")
    session.save()


@pytest.fixture(autouse=True)
def force_login_includes_second_factor(monkeypatch):
    """`client.force_login(user)` stands for a complete sign-in, second factor included, so
    tests of staff features need no TOTP dance. The sign-in doors themselves (password, TOTP,
    lockout, admin login URLs) are tested over HTTP in tests/security/, without force_login."""
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        pass_second_factor(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(autouse=True)
def _close_the_publishing_circuit():
    """A test that breaks the channel layer opens community.realtime's circuit, which would
    silence live updates in the tests after it for a few seconds."""
    from community import realtime

    realtime.circuit.reset()
    yield
    realtime.circuit.reset()


@pytest.fixture
def member(db):
    return factories.UserFactory()


@pytest.fixture
def unverified_member(db):
    return factories.UserFactory(verified=False)


@pytest.fixture
def moderator(db):
    return factories.moderator()


@pytest.fixture
def staff(db):
    return factories.brand_staff()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def member_client(member):
    return client_for(member)


@pytest.fixture(autouse=True)
def _unknown_cached_answers(monkeypatch):
    """Answers kept in the cache under a version (community/versioned.py: any intake pause,
    any view restriction, who may open the admin, the Wagtail site) outlive a test's rolled
    back data, and ids are reused after a rollback: each test starts with every answer unknown.

    An answer's few seconds of life are a safety net for a version bump lost to a frozen Redis;
    in tests every bump lands, and a query count must not depend on how long a slow machine took
    between two requests (CI once saw the pause query come back between a warm-up request and the
    counted one)."""
    from community.versioned import VersionedAnswers

    for answers in VersionedAnswers.every:
        monkeypatch.setattr(answers, "seconds", 3600)
        answers.bump()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language: a request in Italian leaves Italian
    active in the thread (Django's LocaleMiddleware does not switch back), and text rendered
    outside a request afterwards would follow it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

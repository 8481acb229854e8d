import pytest
from django.conf import settings
from django.test import Client

from tests import factories


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests (row locks, real concurrency) are deselected on SQLite, and the
    run says so; CI runs the suite on both databases."""
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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

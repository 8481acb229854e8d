import pytest

from tests import factories


@pytest.fixture
def entry(db):
    return factories.make_entry(factories.make_contest("voting"))

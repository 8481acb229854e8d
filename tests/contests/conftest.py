from uuid import uuid4

import pytest


@pytest.fixture
def page_cache_on(settings):
    """The page cache on (tests run with it off), under a prefix of this test's own."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_PREFIX = f"pages-test-{uuid4().hex}"


@pytest.fixture
def events(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks of what happens inside (invalidations), as they run
    outside the test's transaction."""
    return lambda: django_capture_on_commit_callbacks(execute=True)

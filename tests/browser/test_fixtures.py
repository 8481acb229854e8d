"""The browser fixture itself: test code and the live server must not lock each other out."""

import pytest
from django.db import connections

from tests import factories


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_test_code_writes_while_the_live_server_reads(browser, live_server):
    """A journey creates people (test code) while the browser's last request is still being
    answered. On the in-memory SQLite database a second connection's write meeting the server's
    open read failed at once with "database table is locked" (a CI flake of the idea journey)."""
    factories.UserFactory.create_batch(3)
    server_side = live_server.thread.connections_override.get("default")
    if server_side is None:  # a server database: the live server has connections of its own
        server_side = connections.create_connection("default")
    cursor = server_side.cursor()
    cursor.execute("SELECT id FROM community_user")
    assert cursor.fetchone()  # the statement stays open, holding its read on the table
    try:
        created = factories.UserFactory(username="written-meanwhile")
    finally:
        cursor.close()
    assert created.pk

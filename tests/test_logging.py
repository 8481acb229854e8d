"""Structured logs: one JSON line per request in production, with the request's id."""

import json
import logging

from config.logging import JsonFormatter, RequestIdFilter, request_id
from tests.test_settings import run_with_settings


def test_json_formatter_writes_one_object_with_the_extras_and_the_request_id():
    record = logging.LogRecord("cocreo.x", logging.WARNING, __file__, 1, "%s votes", (3,), None)
    record.status = 201
    record.request = object()  # django.request attaches the request: not log data
    token = request_id.set("abc123abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)

    line = JsonFormatter().format(record)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "3 votes"
    assert entry["level"] == "WARNING" and entry["logger"] == "cocreo.x"
    assert entry["status"] == 201 and entry["request_id"] == "abc123abc123"
    assert "request" not in entry and entry["time"].endswith("+00:00")


def test_json_formatter_includes_the_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exception"]


def test_each_request_is_logged_once_with_its_id_method_path_status_and_duration(
    client, db, caplog
):
    caplog.set_level(logging.INFO, logger="cocreo.request")

    response = client.get("/healthz?x=1")

    records = [r for r in caplog.records if r.name == "cocreo.request"]
    assert len(records) == 1
    record = records[0]
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)
    assert record.duration_ms >= 0
    assert len(record.request_id) == 32
    assert response["X-Request-ID"] == record.request_id


def test_a_request_id_given_by_the_proxy_is_kept_and_a_malformed_one_replaced(client, db, caplog):
    caplog.set_level(logging.INFO, logger="cocreo.request")

    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-1234-abcd"})
    replaced = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})

    assert kept["X-Request-ID"] == "proxy-1234-abcd"
    assert replaced["X-Request-ID"] != "bad id\nwith newline"
    assert len(replaced["X-Request-ID"]) == 32


def test_production_logs_json_lines_to_stdout():
    result = run_with_settings(
        "config.settings.production",
        "import logging; logging.getLogger('cocreo.request').info('hello', extra={'status': 200})",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["message"] == "hello" and entry["status"] == 200


def test_the_bench_view_is_not_routed_outside_benchmarks(client, db):
    assert client.get("/bench/bare", follow=True).status_code == 404

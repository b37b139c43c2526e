"""One access line per request, without query strings or credentials."""

import logging

import pytest
from starlette.testclient import TestClient

from tests.conftest import Api
from wheelkeep.api.app import create_app
from wheelkeep.services.registry import Registry


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "wheelkeep.api.access_log"
    ]


def test_each_request_is_logged_with_its_status(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="wheelkeep.api.access_log"):
        api.get("/simple/")
        api.client.get("/simple/")
        api.get("/simple/missing/?token=secret-in-query")

    lines = _lines(caplog)
    assert len(lines) == 3
    assert lines[0].startswith('request "GET /simple/ HTTP/1.1" status=200 ms=')
    assert lines[1].startswith('request "GET /simple/ HTTP/1.1" status=401 ms=')
    assert lines[2].startswith('request "GET /simple/missing/ HTTP/1.1" status=404')
    assert all(line.endswith(" client=testclient") for line in lines)
    assert not [line for line in lines if "secret" in line or api.token in line]


def test_no_lines_when_turned_off(
    registry: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    registry.settings = registry.settings.model_copy(update={"access_log": False})
    with (
        caplog.at_level(logging.INFO, logger="wheelkeep.api.access_log"),
        TestClient(create_app(registry)) as client,
    ):
        assert client.get("/-/health").status_code == 200

    assert _lines(caplog) == []

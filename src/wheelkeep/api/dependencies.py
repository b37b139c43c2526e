"""Per-request helpers shared by the routes."""

from starlette.requests import HTTPConnection

from wheelkeep.services.registry import Registry


def registry_of(connection: HTTPConnection) -> Registry:
    registry: Registry = connection.app.state.registry
    return registry


def client_address(connection: HTTPConnection) -> str | None:
    return connection.client.host if connection.client else None

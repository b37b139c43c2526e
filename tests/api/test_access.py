"""Authentication details: headers, cost, audit, brute-force refusal, management API."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select
from starlette.testclient import TestClient

from tests.conftest import Api, basic
from tests.factories import Dist
from wheelkeep.api.app import create_app
from wheelkeep.cli.context import OPERATOR
from wheelkeep.config import Settings
from wheelkeep.db.models import AuditEvent, Group
from wheelkeep.domain.access import Role, Scope, TokenKind, Visibility
from wheelkeep.domain.tokens import TokenRequest
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.members import Target, add_member
from wheelkeep.services.projects import create_project
from wheelkeep.services.registry import Registry, open_registry
from wheelkeep.services.tokens import create_token
from wheelkeep.services.users import create_user

JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}


def _deploy(registry: Registry, project_id: int = 1) -> str:
    scopes = frozenset({Scope.READ_PACKAGE_REGISTRY})
    request = TokenRequest(TokenKind.DEPLOY, "ci", scopes, project_id=project_id)
    return create_token(registry, OPERATOR, request).secret


@pytest.mark.parametrize(
    "header",
    ["PRIVATE-TOKEN", "Deploy-Token", "Authorization: Bearer", "Authorization: Basic"],
)
def test_every_way_of_sending_a_token_is_read(
    registry: Registry, api: Api, header: str
) -> None:
    secret = _deploy(registry)
    if header == "Authorization: Bearer":
        headers = {"Authorization": f"Bearer {secret}"}
    elif header == "Authorization: Basic":
        headers = basic(secret, "anybody")
    else:
        headers = {header: secret}

    assert api.client.get("/simple/", headers=headers).status_code == 200


def test_job_token_header_is_read_as_a_job_token(registry: Registry, api: Api) -> None:
    job = TokenRequest(TokenKind.JOB, "job", frozenset(), project_id=1)
    job_secret = create_token(registry, OPERATOR, job).secret
    deploy_secret = _deploy(registry)

    assert (
        api.client.get("/simple/", headers={"Job-Token": job_secret}).status_code == 200
    )
    assert (
        api.client.get("/simple/", headers={"Job-Token": deploy_secret}).status_code
        == 401
    )


def _count_queries(engine: Engine) -> list[str]:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    return statements


def test_authentication_adds_one_query_to_a_page_read(
    registry: Registry, api: Api
) -> None:
    with registry.transaction() as session:
        project = create_project(
            session, OPERATOR, "pub/lib", Visibility.PUBLIC, create_groups=True
        )
        group = session.get(Group, project.group_id)
        user = create_user(session, OPERATOR, "member", None)
        add_member(session, OPERATOR, user, Target(group=group), Role.READ)
    assert (
        api.upload(Dist(), path="/api/v4/projects/pub%2Flib/packages/pypi").status_code
        == 200
    )
    personal = TokenRequest(
        TokenKind.PERSONAL, "me", frozenset({Scope.READ_API}), user_id=user.id
    )
    secrets = {
        "deploy": _deploy(registry),
        "personal": create_token(registry, OPERATOR, personal).secret,
    }
    path = "/api/v4/projects/pub%2Flib/packages/pypi/simple/demo/"
    # Warm the page cache, and let each token's first use record last_used_at.
    for secret in secrets.values():
        api.client.get(path, headers={**JSON, **basic(secret)})
    statements = _count_queries(registry.engine)

    api.client.get(path, headers=JSON)
    anonymous = len(statements)
    for secret in secrets.values():
        statements.clear()
        assert (
            api.client.get(path, headers={**JSON, **basic(secret)}).status_code == 200
        )
        assert len(statements) == anonymous + 1, statements


@pytest.fixture
def throttled(tmp_path: Path) -> Iterator[Registry]:
    settings = Settings(
        data_dir=tmp_path / "data",
        serial_cache_seconds=0,
        auth_failure_limit=3,
        auth_block_seconds=120,
    )
    registry = open_registry(settings)
    bootstrap(registry)
    yield registry
    registry.engine.dispose()


def test_repeated_failures_refuse_one_address_only(throttled: Registry) -> None:
    app = create_app(throttled)
    good = _deploy(throttled)
    bad = basic("wkdt_" + "y" * 43)
    attacker = TestClient(app, client=("192.0.2.66", 4000))
    neighbour = TestClient(app, client=("192.0.2.7", 4000))

    statuses = [attacker.get("/simple/", headers=bad).status_code for _ in range(4)]
    refused = attacker.get("/simple/", headers=basic(good))

    assert statuses == [401, 401, 401, 429]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 120
    assert neighbour.get("/simple/", headers=basic(good)).status_code == 200
    assert neighbour.get("/simple/", headers=bad).status_code == 401


# Routes beside the index and the management API: snapshots, platform
# awareness and promotion answer failed authentication as the index does.
OTHER_ROUTES = [
    ("GET", "/api/v4/projects/1/packages/pypi/snapshots"),
    ("GET", "/api/v4/projects/1/packages/pypi/coverage/demo/1.0"),
    ("POST", "/api/v4/projects/1/packages/pypi/releases/demo/1.0/promote"),
    ("GET", "/api/v4/profiles"),
]


@pytest.mark.parametrize(("method", "path"), OTHER_ROUTES)
def test_failures_on_other_routes_are_audited_and_throttled(
    throttled: Registry, method: str, path: str
) -> None:
    client = TestClient(create_app(throttled), client=("192.0.2.66", 4000))
    bad = basic("wkdt_" + "y" * 43)

    statuses = [
        client.request(method, path, headers=bad, json={"to": "2"}).status_code
        for _ in range(4)
    ]

    assert statuses == [401, 401, 401, 429]
    with throttled.session() as session:
        failures = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "auth.failed")
        ).all()
    assert [event.address for event in failures] == ["192.0.2.66"] * 3


@pytest.mark.parametrize(("method", "path"), OTHER_ROUTES)
def test_other_routes_check_the_user_name_sent_with_a_token(
    registry: Registry, api: Api, method: str, path: str
) -> None:
    someone_elses = basic(_deploy(registry), "wheelkeep+deploy-token-999")

    response = api.client.request(method, path, headers=someone_elses, json={"to": "2"})

    assert response.status_code == 401


def test_failed_authentication_is_audited_without_the_secret(
    registry: Registry, api: Api
) -> None:
    wrong = "wkpat_" + "z" * 43

    api.client.get("/simple/", headers=basic(wrong))

    with registry.session() as session:
        failures = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == "auth.failed")
            )
        )
    assert len(failures) == 1
    assert failures[0].address == "testclient"
    assert failures[0].details["reason"] == "unknown"
    assert wrong not in repr(failures[0].__dict__)


def test_a_revoked_token_is_refused_and_its_use_audited(
    registry: Registry, api: Api
) -> None:
    created = api.client.post(
        "/api/v4/projects/1/deploy_tokens",
        json={"name": "device", "scopes": ["read_package_registry"]},
        headers={"PRIVATE-TOKEN": api.token},
    )
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["username"] == f"wheelkeep+deploy-token-{token['id']}"
    assert token["token"].startswith("wkdt_")
    device = basic(token["token"], token["username"])
    assert api.client.get("/simple/", headers=device).status_code == 200

    revoked = api.client.delete(
        f"/api/v4/projects/1/deploy_tokens/{token['id']}",
        headers={"PRIVATE-TOKEN": api.token},
    )
    after = api.client.get("/simple/", headers=device)

    assert revoked.status_code == 204
    assert after.status_code == 401
    listed = api.client.get(
        "/api/v4/projects/1/deploy_tokens", headers={"PRIVATE-TOKEN": api.token}
    ).json()
    assert [t["revoked"] for t in listed] == [True]
    assert "token" not in listed[0]
    events = api.client.get(
        "/api/v4/audit_events", headers={"PRIVATE-TOKEN": api.token}
    ).json()
    actions = [e["details"]["action"] for e in events]
    assert actions[:3] == ["auth.failed", "token.revoke", "token.create"]
    assert events[0]["details"]["token"] == token["id"]


def test_management_api_creates_groups_projects_and_lists_packages(api: Api) -> None:
    admin = {"PRIVATE-TOKEN": api.token}
    group = api.client.post("/api/v4/groups", json={"path": "ai"}, headers=admin)
    sub = api.client.post(
        "/api/v4/groups",
        json={"path": "edge", "parent_id": group.json()["id"]},
        headers=admin,
    )
    project = api.client.post(
        "/api/v4/projects",
        json={"path": "models", "namespace_id": sub.json()["id"]},
        headers=admin,
    )
    assert project.status_code == 201, project.text
    body = project.json()
    assert body["path_with_namespace"] == "ai/edge/models"
    assert body["namespace"]["full_path"] == "ai/edge"

    path = "/api/v4/projects/ai%2Fedge%2Fmodels"
    assert api.upload(Dist(), path=f"{path}/packages/pypi").status_code == 200
    assert api.client.get(path, headers=admin).json()["id"] == body["id"]
    packages = api.client.get(f"{path}/packages", headers=admin).json()
    assert [(p["name"], p["version"]) for p in packages] == [("demo", "1.0")]

    deleted = api.client.delete(f"{path}/packages/{packages[0]['id']}", headers=admin)
    assert deleted.status_code == 204
    assert api.client.get(f"{path}/packages", headers=admin).json() == []


def test_management_api_needs_an_api_scope(registry: Registry, api: Api) -> None:
    deploy = {"PRIVATE-TOKEN": _deploy(registry)}
    read_api = TokenRequest(
        TokenKind.PERSONAL, "ro", frozenset({Scope.READ_API}), user_id=1
    )
    reader = {"PRIVATE-TOKEN": create_token(registry, OPERATOR, read_api).secret}

    assert api.client.get("/api/v4/projects").status_code == 401
    assert api.client.get("/api/v4/projects", headers=deploy).status_code == 403
    assert api.client.get("/api/v4/projects", headers=reader).status_code == 200
    created = api.client.post("/api/v4/groups", json={"path": "x"}, headers=reader)
    assert created.status_code == 403
    assert created.json()["message"]


def test_validation_errors_do_not_echo_the_input(api: Api) -> None:
    response = api.client.post(
        "/api/v4/users",
        json={"username": "", "password": "correct horse battery"},
        headers={"PRIVATE-TOKEN": api.token},
    )

    assert response.status_code == 422
    assert "correct horse" not in response.text


def test_openapi_document_describes_the_management_api(api: Api) -> None:
    document = api.client.get("/api/v4/openapi.json").json()

    assert "/api/v4/projects/{project_ref}/deploy_tokens" in document["paths"]
    # The package index protocol is PyPI's, not part of the management API.
    protocol = ("/simple", "/files/", "/packages/pypi/pypi/")
    assert not any(part in path for path in document["paths"] for part in protocol)
    assert "/api/v4/projects/{project_ref}/packages/pypi" not in document["paths"]
    assert "PrivateToken" in document["components"]["securitySchemes"]

"""Every kind of credential against every visibility and PyPI endpoint.

One registry is built for the module: a group ``ai/edge`` holding a private,
an internal and a public project (each with the same ``demo`` wheel), a
private project ``lab/secret`` elsewhere, and tokens of every kind. The
expected status of each (credential, visibility) is written out by hand below,
read endpoints (root, package page, file) first and upload second.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from tests.conftest import basic
from tests.factories import Dist, upload_fields, wheel_bytes
from wheelkeep.api.app import create_app
from wheelkeep.cli.context import OPERATOR
from wheelkeep.config import Settings
from wheelkeep.db.models import Token
from wheelkeep.domain.access import Role, Scope, TokenKind, Visibility
from wheelkeep.domain.tokens import TokenRequest
from wheelkeep.services.bootstrap import bootstrap
from wheelkeep.services.groups import create_group
from wheelkeep.services.members import Target, add_member
from wheelkeep.services.projects import create_project
from wheelkeep.services.registry import Registry, open_registry
from wheelkeep.services.tokens import create_token, revoke_token
from wheelkeep.services.users import create_user

READ = frozenset({Scope.READ_PACKAGE_REGISTRY})
WRITE = frozenset({Scope.WRITE_PACKAGE_REGISTRY})
READ_WRITE = READ | WRITE
VISIBILITIES = ("private", "internal", "public")
DIST = Dist(name="demo", version="1.0")
WHEEL = wheel_bytes(DIST)
SHA256 = hashlib.sha256(WHEEL).hexdigest()

# (read status, upload status) per visibility of the project asked about.
ANONYMOUS_LIKE = {"private": (401, 401), "internal": (401, 401), "public": (200, 401)}
EVERYWHERE_READ_ONLY = dict.fromkeys(VISIBILITIES, (200, 403))
EVERYWHERE_READ_WRITE = dict.fromkeys(VISIBILITIES, (200, 200))
OUTSIDER_DEPLOY = {"private": (404, 404), "internal": (404, 404), "public": (200, 403)}
OUTSIDER_USER = {"private": (404, 404), "internal": (200, 403), "public": (200, 403)}

EXPECTED: dict[str, dict[str, tuple[int, int]]] = {
    "anonymous": ANONYMOUS_LIKE,
    "unknown secret": ANONYMOUS_LIKE,
    "revoked deploy token": ANONYMOUS_LIKE,
    "expired deploy token": ANONYMOUS_LIKE,
    "deploy token, read": EVERYWHERE_READ_ONLY,
    "deploy token, write": EVERYWHERE_READ_WRITE,
    "deploy token, read+write": EVERYWHERE_READ_WRITE,
    "deploy token, read+write, its user name": EVERYWHERE_READ_WRITE,
    "deploy token, another deploy user name": ANONYMOUS_LIKE,
    "deploy token sent as gitlab-ci-token": ANONYMOUS_LIKE,
    "group deploy token, read": EVERYWHERE_READ_ONLY,
    "group deploy token, read+write": EVERYWHERE_READ_WRITE,
    "deploy token of lab/secret": OUTSIDER_DEPLOY,
    "job token as gitlab-ci-token": EVERYWHERE_READ_WRITE,
    "job token of lab/secret": OUTSIDER_DEPLOY,
    "personal, write member, api": EVERYWHERE_READ_WRITE,
    "personal, write member, write_package_registry": EVERYWHERE_READ_WRITE,
    "personal, write member, read_api": EVERYWHERE_READ_ONLY,
    "personal, write member, read_package_registry": EVERYWHERE_READ_ONLY,
    "personal, read member, api": EVERYWHERE_READ_ONLY,
    "personal, no membership, api": OUTSIDER_USER,
    "personal, admin": EVERYWHERE_READ_WRITE,
    "project access token, read role": EVERYWHERE_READ_ONLY,
    "project access token, write role": EVERYWHERE_READ_WRITE,
    "project access token, write role, read scope": EVERYWHERE_READ_ONLY,
    "group access token, maintain role": EVERYWHERE_READ_WRITE,
    "group access token of lab": OUTSIDER_DEPLOY,
}
ENDPOINTS = ("root", "package", "file", "upload")


@dataclass
class World:
    registry: Registry
    client: TestClient
    headers: dict[tuple[str, str], dict[str, str]]


def _token(registry: Registry, request: TokenRequest) -> str:
    return create_token(registry, OPERATOR, request).secret


def _build(registry: Registry) -> dict[tuple[str, str], dict[str, str]]:
    with registry.transaction() as session:
        create_group(session, OPERATOR, "ai", Visibility.PUBLIC)
        edge = create_group(session, OPERATOR, "ai/edge", Visibility.PUBLIC)
        lab = create_group(session, OPERATOR, "lab", Visibility.PRIVATE)
        projects = {
            name: create_project(session, OPERATOR, f"ai/edge/{name}", Visibility(name))
            for name in VISIBILITIES
        }
        secret = create_project(session, OPERATOR, "lab/secret", Visibility.PRIVATE)
        writer = create_user(session, OPERATOR, "writer", None)
        reader = create_user(session, OPERATOR, "reader", None)
        outsider = create_user(session, OPERATOR, "outsider", None)
        admin = create_user(session, OPERATOR, "root", None, is_admin=True)
        add_member(session, OPERATOR, writer, Target(group=edge), Role.WRITE)
        for project in projects.values():
            add_member(session, OPERATOR, reader, Target(project=project), Role.READ)
    ids = {name: project.id for name, project in projects.items()}

    def deploy(
        project_id: int | None, scopes: frozenset[Scope], group_id: int | None = None
    ) -> TokenRequest:
        return TokenRequest(
            TokenKind.DEPLOY, "ci", scopes, project_id=project_id, group_id=group_id
        )

    def personal(user_id: int, scopes: frozenset[Scope]) -> TokenRequest:
        return TokenRequest(TokenKind.PERSONAL, "me", scopes, user_id=user_id)

    headers: dict[tuple[str, str], dict[str, str]] = {}
    for visibility, project_id in ids.items():

        def put(label: str, secret: str, user: str = "__token__") -> None:
            headers[(label, visibility)] = basic(secret, user)  # noqa: B023

        put("unknown secret", "wkdt_" + "x" * 43)
        revoked = create_token(registry, OPERATOR, deploy(project_id, READ_WRITE))
        revoke_token(registry, OPERATOR, revoked.token.id)
        put("revoked deploy token", revoked.secret)
        expired = create_token(registry, OPERATOR, deploy(project_id, READ_WRITE))
        with registry.transaction() as session:
            session.execute(
                update(Token)
                .where(Token.id == expired.token.id)
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
        put("expired deploy token", expired.secret)
        put("deploy token, read", _token(registry, deploy(project_id, READ)))
        put("deploy token, write", _token(registry, deploy(project_id, WRITE)))
        both = create_token(registry, OPERATOR, deploy(project_id, READ_WRITE))
        put("deploy token, read+write", both.secret)
        assert both.token.username is not None
        put("deploy token, read+write, its user name", both.secret, both.token.username)
        put(
            "deploy token, another deploy user name",
            both.secret,
            "wheelkeep+deploy-token-999999",
        )
        put("deploy token sent as gitlab-ci-token", both.secret, "gitlab-ci-token")
        put(
            "group deploy token, read",
            _token(registry, deploy(None, READ, group_id=edge.id)),
        )
        put(
            "group deploy token, read+write",
            _token(registry, deploy(None, READ_WRITE, group_id=edge.id)),
        )
        put(
            "deploy token of lab/secret",
            _token(registry, deploy(secret.id, READ_WRITE)),
        )
        job = TokenRequest(TokenKind.JOB, "job", frozenset(), project_id=project_id)
        put("job token as gitlab-ci-token", _token(registry, job), "gitlab-ci-token")
        other_job = TokenRequest(
            TokenKind.JOB, "job", frozenset(), project_id=secret.id
        )
        put("job token of lab/secret", _token(registry, other_job), "gitlab-ci-token")
        for scope in (
            "api",
            "write_package_registry",
            "read_api",
            "read_package_registry",
        ):
            secret_of = _token(registry, personal(writer.id, frozenset({Scope(scope)})))
            put(f"personal, write member, {scope}", secret_of, "writer")
        put(
            "personal, read member, api",
            _token(registry, personal(reader.id, frozenset({Scope.API}))),
        )
        put(
            "personal, no membership, api",
            _token(registry, personal(outsider.id, frozenset({Scope.API}))),
        )
        put(
            "personal, admin",
            _token(registry, personal(admin.id, frozenset({Scope.API}))),
        )
        for label, role, scopes in (
            ("project access token, read role", Role.READ, frozenset({Scope.API})),
            ("project access token, write role", Role.WRITE, frozenset({Scope.API})),
            ("project access token, write role, read scope", Role.WRITE, READ),
        ):
            request = TokenRequest(
                TokenKind.PROJECT_ACCESS,
                "bot",
                scopes,
                project_id=project_id,
                role=role,
            )
            put(label, _token(registry, request))
        group_bot = TokenRequest(
            TokenKind.GROUP_ACCESS,
            "bot",
            frozenset({Scope.API}),
            group_id=edge.id,
            role=Role.MAINTAIN,
        )
        put("group access token, maintain role", _token(registry, group_bot))
        lab_bot = TokenRequest(
            TokenKind.GROUP_ACCESS, "bot", frozenset({Scope.API}), group_id=lab.id
        )
        put("group access token of lab", _token(registry, lab_bot))
    return headers


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder: Path = tmp_path_factory.mktemp("matrix")
    settings = Settings(
        data_dir=folder / "data", serial_cache_seconds=0, auth_failure_limit=1_000_000
    )
    registry = open_registry(settings)
    bootstrap(registry)
    headers = _build(registry)
    admin = (settings.data_dir / "initial-admin-token").read_text().strip()
    with TestClient(create_app(registry)) as client:
        for visibility in VISIBILITIES:
            response = _upload(client, f"ai%2Fedge%2F{visibility}", basic(admin))
            assert response.status_code == 200, response.text
        yield World(registry, client, headers)
    registry.engine.dispose()


def _upload(client: TestClient, project: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v4/projects/{project}/packages/pypi",
        data=upload_fields(DIST, DIST.wheel_filename, WHEEL),
        files={"content": (DIST.wheel_filename, WHEEL, "application/octet-stream")},
        headers=headers,
    )


def _request(world: World, endpoint: str, visibility: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    project = f"ai%2Fedge%2F{visibility}"
    base = f"/api/v4/projects/{project}/packages/pypi"
    if endpoint == "upload":
        return _upload(world.client, project, headers)
    path = {
        "root": f"{base}/simple/",
        "package": f"{base}/simple/demo/",
        "file": f"{base}/files/{SHA256}/{DIST.wheel_filename}",
    }[endpoint]
    return world.client.get(path, headers=headers)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("credential", sorted(EXPECTED))
def test_status_code(
    world: World, credential: str, visibility: str, endpoint: str
) -> None:
    read_status, upload_status = EXPECTED[credential][visibility]
    expected = upload_status if endpoint == "upload" else read_status
    headers = world.headers.get((credential, visibility), {})

    response = _request(world, endpoint, visibility, headers)

    assert response.status_code == expected, response.text
    if expected == 401:
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    if expected == 200 and endpoint == "package":
        assert DIST.wheel_filename in response.text


def test_every_credential_was_built(world: World) -> None:
    built = {label for label, _ in world.headers} | {"anonymous"}
    assert built == set(EXPECTED)

"""The token routes of the management API: project, group and personal tokens."""

import pytest

from tests.conftest import Api

DEPLOY = {"name": "device", "scopes": ["read_package_registry"]}
ACCESS = {"name": "bot", "scopes": ["read_api"], "access_level": 30}


@pytest.fixture
def admin(api: Api) -> dict[str, str]:
    return {"PRIVATE-TOKEN": api.token}


@pytest.fixture
def group_id(api: Api, admin: dict[str, str]) -> int:
    response = api.client.post("/api/v4/groups", json={"path": "ai"}, headers=admin)
    assert response.status_code == 201, response.text
    group: int = response.json()["id"]
    return group


@pytest.mark.parametrize(
    ("owner", "kind", "body", "username"),
    [
        ("projects/1", "deploy_tokens", DEPLOY, "wheelkeep+deploy-token-{id}"),
        ("groups/{group}", "deploy_tokens", DEPLOY, "wheelkeep+deploy-token-{id}"),
        ("projects/1", "access_tokens", ACCESS, "project_1_bot_{id}"),
        ("groups/{group}", "access_tokens", ACCESS, "group_{group}_bot_{id}"),
    ],
)
def test_tokens_are_created_listed_and_revoked_where_they_belong(
    api: Api,
    admin: dict[str, str],
    group_id: int,
    owner: str,
    kind: str,
    body: dict[str, object],
    username: str,
) -> None:
    base = f"/api/v4/{owner.format(group=group_id)}/{kind}"
    other_kind = "access_tokens" if kind == "deploy_tokens" else "deploy_tokens"
    other_base = base.removesuffix(kind) + other_kind

    created = api.client.post(base, json=body, headers=admin)
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["username"] == username.format(group=group_id, id=token["id"])
    assert token["token"].startswith(token["prefix"])
    listed = api.client.get(base, headers=admin)
    assert [t["id"] for t in listed.json()] == [token["id"]]
    assert listed.headers["X-Total"] == "1"
    assert api.client.get(other_base, headers=admin).json() == []

    elsewhere = api.client.delete(f"{other_base}/{token['id']}", headers=admin)
    revoked = api.client.delete(f"{base}/{token['id']}", headers=admin)

    assert elsewhere.status_code == 404
    assert revoked.status_code == 204
    assert [t["revoked"] for t in api.client.get(base, headers=admin).json()] == [True]


def test_token_routes_check_their_bodies_and_targets(
    api: Api, admin: dict[str, str]
) -> None:
    bad_level = api.client.post(
        "/api/v4/projects/1/access_tokens",
        json={**ACCESS, "access_level": 35},
        headers=admin,
    )
    no_group = api.client.post("/api/v4/groups/nope/deploy_tokens", json=DEPLOY)
    missing = api.client.post(
        "/api/v4/groups/nope/deploy_tokens", json=DEPLOY, headers=admin
    )

    assert bad_level.status_code == 400
    assert no_group.status_code == 401
    assert missing.status_code == 404


def test_personal_tokens(api: Api, admin: dict[str, str]) -> None:
    user = api.client.post(
        "/api/v4/users", json={"username": "dev", "password": None}, headers=admin
    ).json()
    created = api.client.post(
        f"/api/v4/users/{user['id']}/personal_access_tokens",
        json={"name": "laptop", "scopes": ["api"]},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    token = created.json()
    own = {"PRIVATE-TOKEN": token["token"]}

    mine = api.client.get("/api/v4/personal_access_tokens", headers=own)
    everyone = api.client.get("/api/v4/personal_access_tokens", headers=admin)
    itself = api.client.get("/api/v4/personal_access_tokens/self", headers=own)
    by_id = api.client.get(f"/api/v4/personal_access_tokens/{token['id']}", headers=own)
    revoked = api.client.delete(
        f"/api/v4/personal_access_tokens/{token['id']}", headers=admin
    )

    assert [t["id"] for t in mine.json()] == [token["id"]]
    assert token["id"] in [t["id"] for t in everyone.json()]
    assert len(everyone.json()) == 2
    assert itself.json()["id"] == by_id.json()["id"] == token["id"]
    assert revoked.status_code == 204
    assert api.client.get("/api/v4/user", headers=own).status_code == 401

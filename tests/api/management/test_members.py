"""The member routes of the management API, on projects and on groups."""

import pytest

from tests.conftest import Api


@pytest.fixture
def admin(api: Api) -> dict[str, str]:
    return {"PRIVATE-TOKEN": api.token}


@pytest.mark.parametrize("owner", ["projects/default", "groups/ai"])
def test_members_are_added_listed_changed_and_removed(
    api: Api, admin: dict[str, str], owner: str
) -> None:
    api.client.post("/api/v4/groups", json={"path": "ai"}, headers=admin)
    user = api.client.post(
        "/api/v4/users", json={"username": "dev", "password": None}, headers=admin
    ).json()
    base = f"/api/v4/{owner}/members"

    added = api.client.post(
        base, json={"user_id": user["id"], "access_level": 20}, headers=admin
    )
    changed = api.client.post(
        base, json={"user_id": user["id"], "access_level": 40}, headers=admin
    )
    listed = api.client.get(base, headers=admin)
    removed = api.client.delete(f"{base}/dev", headers=admin)
    again = api.client.delete(f"{base}/dev", headers=admin)

    assert added.status_code == changed.status_code == 201, added.text
    assert (added.json()["role"], changed.json()["role"]) == ("read", "maintain")
    assert [(m["username"], m["access_level"]) for m in listed.json()] == [("dev", 40)]
    assert removed.status_code == 204
    assert again.status_code == 404
    assert api.client.get(base, headers=admin).json() == []

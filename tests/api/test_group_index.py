"""The group index: what each caller sees beneath a group, merged per package."""

import hashlib
from dataclasses import dataclass
from urllib.parse import urljoin

import pytest
from starlette.testclient import TestClient

from tests.conftest import Api, basic
from tests.factories import Dist
from wheelkeep.cli.context import OPERATOR
from wheelkeep.domain.access import Scope, TokenKind, Visibility
from wheelkeep.domain.tokens import TokenRequest
from wheelkeep.services.groups import create_group
from wheelkeep.services.projects import create_project
from wheelkeep.services.registry import Registry
from wheelkeep.services.tokens import create_token

JSON = {"Accept": "application/vnd.pypi.simple.v1+json"}
READ = frozenset({Scope.READ_PACKAGE_REGISTRY})


@dataclass
class Setup:
    api: Api
    group_token: dict[str, str]
    public_only_token: dict[str, str]
    ids: dict[str, int]


def _deploy(registry: Registry, **target: int) -> dict[str, str]:
    request = TokenRequest(TokenKind.DEPLOY, "ci", READ, **target)
    return basic(create_token(registry, OPERATOR, request).secret)


@pytest.fixture
def setup(registry: Registry, api: Api) -> Setup:
    with registry.transaction() as session:
        create_group(session, OPERATOR, "ai", Visibility.PUBLIC)
        edge = create_group(session, OPERATOR, "ai/edge", Visibility.PUBLIC)
        projects = {
            name: create_project(
                session, OPERATOR, f"ai/edge/{name}", Visibility(name)
            ).id
            for name in ("private", "public")
        }
        projects["nested"] = create_project(
            session,
            OPERATOR,
            "ai/edge/deep/nested",
            Visibility.PRIVATE,
            create_groups=True,
        ).id
        projects["outside"] = create_project(
            session, OPERATOR, "lab/outside", Visibility.PUBLIC, create_groups=True
        ).id
    uploads = {
        "private": [Dist("shared", "1.0"), Dist("alpha", "1.0")],
        "public": [Dist("shared", "2.0"), Dist("gamma", "1.0")],
        "nested": [Dist("shared", "1.5", tag="py3-none-linux_aarch64")],
        "outside": [Dist("outsider", "1.0")],
    }
    for name, dists in uploads.items():
        for dist in dists:
            path = f"/api/v4/projects/{projects[name]}/packages/pypi"
            assert api.upload(dist, path=path).status_code == 200
    public_project = projects["public"]
    return Setup(
        api,
        _deploy(registry, group_id=edge.id),
        _deploy(registry, project_id=public_project),
        projects,
    )


def _names(response: object) -> list[str]:
    return [entry["name"] for entry in response.json()["projects"]]  # type: ignore[attr-defined]


def test_group_root_lists_every_readable_package_beneath(setup: Setup) -> None:
    client = setup.api.client
    for prefix in ("/api/v4/groups/ai%2Fedge/-", "/api/v4/groups/ai%2Fedge"):
        response = client.get(
            f"{prefix}/packages/pypi/simple/", headers={**setup.group_token, **JSON}
        )
        assert response.status_code == 200, response.text
        assert _names(response) == ["alpha", "gamma", "shared"]


def test_group_package_page_merges_versions_across_projects(setup: Setup) -> None:
    response = setup.api.client.get(
        "/api/v4/groups/ai/-/packages/pypi/simple/shared/",
        headers={**setup.group_token, **JSON},
    )

    page = response.json()
    assert page["versions"] == ["1.0", "1.5", "2.0"]
    assert [f["filename"] for f in page["files"]] == [
        "shared-1.0-py3-none-any.whl",
        "shared-1.5-py3-none-linux_aarch64.whl",
        "shared-2.0-py3-none-any.whl",
    ]


def test_group_files_are_served_from_the_group_path(setup: Setup) -> None:
    client = setup.api.client
    base = "/api/v4/groups/ai%2Fedge/-/packages/pypi"
    page = client.get(
        f"{base}/simple/shared/", headers={**setup.group_token, **JSON}
    ).json()
    nested = page["files"][1]

    target = urljoin(f"{base}/simple/shared/", nested["url"])
    download = client.get(target, headers=setup.group_token)

    assert target.startswith(f"{base}/files/")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == nested["hashes"]["sha256"]


def test_a_project_token_sees_only_its_own_and_public_projects(setup: Setup) -> None:
    response = setup.api.client.get(
        "/api/v4/groups/ai/-/packages/pypi/simple/",
        headers={**setup.public_only_token, **JSON},
    )

    assert _names(response) == ["gamma", "shared"]


def test_anonymous_reads_public_projects_and_is_challenged_on_a_hidden_miss(
    setup: Setup,
) -> None:
    client = setup.api.client
    base = "/api/v4/groups/ai%2Fedge/-/packages/pypi/simple"

    root = client.get(f"{base}/", headers=JSON)
    hidden = client.get(f"{base}/alpha/", headers=JSON)

    assert _names(root) == ["gamma", "shared"]
    assert hidden.status_code == 401
    assert hidden.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    ("asked", "moved_to"),
    [
        ("/simple?x=1", "/simple/?x=1"),
        ("/simple/shared", "/simple/shared/"),
        ("/simple/Shared", "/simple/shared/"),
    ],
)
def test_pages_are_served_where_their_relative_links_resolve(
    setup: Setup, asked: str, moved_to: str
) -> None:
    base = "/api/v4/groups/ai/-/packages/pypi"

    response = setup.api.client.get(
        base + asked, headers=setup.group_token, follow_redirects=False
    )

    assert response.status_code == 301
    assert response.headers["location"] == base + moved_to


def test_a_missing_package_is_404_and_never_redirected(setup: Setup) -> None:
    response = setup.api.client.get(
        "/api/v4/groups/ai/-/packages/pypi/simple/requests/",
        headers=setup.group_token,
        follow_redirects=False,
    )

    assert response.status_code == 404
    assert "location" not in response.headers


def test_unknown_group_is_404_for_a_token_and_401_for_anonymous(setup: Setup) -> None:
    client = setup.api.client
    path = "/api/v4/groups/nope/-/packages/pypi/simple/"

    assert client.get(path, headers=setup.group_token).status_code == 404
    assert client.get(path).status_code == 401


def test_group_pages_change_when_a_member_project_changes(setup: Setup) -> None:
    client = setup.api.client
    path = "/api/v4/groups/ai/-/packages/pypi/simple/shared/"
    before = client.get(path, headers={**setup.group_token, **JSON})
    assert (
        client.get(
            path,
            headers={
                **setup.group_token,
                **JSON,
                "If-None-Match": before.headers["ETag"],
            },
        ).status_code
        == 304
    )

    upload_path = f"/api/v4/projects/{setup.ids['private']}/packages/pypi"
    assert setup.api.upload(Dist("shared", "3.0"), path=upload_path).status_code == 200
    after = client.get(path, headers={**setup.group_token, **JSON})

    assert after.headers["ETag"] != before.headers["ETag"]
    assert "3.0" in after.json()["versions"]


def test_group_index_cache_is_per_reader(setup: Setup) -> None:
    client: TestClient = setup.api.client
    path = "/api/v4/groups/ai/-/packages/pypi/simple/"
    wide = client.get(path, headers={**setup.group_token, **JSON})
    narrow = client.get(path, headers={**setup.public_only_token, **JSON})

    assert "alpha" in _names(wide)
    assert "alpha" not in _names(narrow)

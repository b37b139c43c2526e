"""Promotion: the same files in another project, with their own upload time."""

from urllib.parse import urljoin

import pytest
from sqlalchemy import func, select

from tests.conftest import Api, stored_state
from tests.factories import Dist
from tests.projects import create_project
from wheelkeep.cli.packages import OPERATOR
from wheelkeep.db.models import AuditEvent, File, Project
from wheelkeep.domain.errors import Conflict, InvalidRequest, NotFound
from wheelkeep.services.promotion import promote
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import ReleaseRef, delete_files, set_yanked

RELEASE = Dist(name="vetted-lib", version="2.1", requires_python=">=3.10")
JSON_PAGE = "application/vnd.pypi.simple.v1+json"


@pytest.fixture
def projects(api: Api, registry: Registry) -> tuple[int, int]:
    dev = create_project(registry, "ai/dev")
    prod = create_project(registry, "ai/prod")
    for sdist in (False, True):
        response = api.upload(
            RELEASE, sdist=sdist, path=f"/api/v4/projects/{dev}/packages/pypi"
        )
        assert response.status_code == 200, response.text
    return dev, prod


def files_of(registry: Registry, project_id: int) -> dict[str, File]:
    with registry.session() as session:
        rows = session.scalars(select(File).where(File.project_id == project_id))
        return {file.filename: file for file in rows}


def serial_of(registry: Registry, project_id: int) -> int:
    with registry.session() as session:
        serial = session.scalar(select(Project.serial).where(Project.id == project_id))
        assert serial is not None
        return serial


def test_promotion_copies_files_without_new_blobs(
    registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects
    blobs = stored_state(registry).blobs

    result = promote(registry, OPERATOR, dev, prod, "Vetted_Lib", "2.1.0")

    assert [(f.filename, f.copied) for f in result.files] == [
        ("vetted_lib-2.1-py3-none-any.whl", True),
        ("vetted_lib-2.1.tar.gz", True),
    ]
    assert stored_state(registry).blobs == blobs
    source, target = files_of(registry, dev), files_of(registry, prod)
    assert source.keys() == target.keys()
    for name, copy in target.items():
        original = source[name]
        same = ("sha256", "md5", "blake2_256", "size", "metadata_sha256", "kind")
        for field in (*same, "requires_python", "python_version"):
            assert getattr(copy, field) == getattr(original, field), field
        # upload-time is when the file entered this index: the promotion.
        assert copy.uploaded_at > original.uploaded_at


def test_promotion_shows_in_the_target_index(
    api: Api, registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects
    before = serial_of(registry, prod)

    promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")

    page_url = f"/api/v4/projects/{prod}/packages/pypi/simple/vetted-lib/"
    page = api.get(page_url, Accept=JSON_PAGE)
    source = api.get(
        f"/api/v4/projects/{dev}/packages/pypi/simple/vetted-lib/", Accept=JSON_PAGE
    )
    assert serial_of(registry, prod) == before + 1
    assert [f["hashes"] for f in page.json()["files"]] == [
        f["hashes"] for f in source.json()["files"]
    ]
    assert [f["requires-python"] for f in page.json()["files"]] == [">=3.10"] * 2
    wheel = page.json()["files"][0]
    assert api.get(urljoin(page_url, wheel["url"])).status_code == 200


def test_promotion_is_audited_once(
    registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects

    promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")
    again = promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")

    assert [f.copied for f in again.files] == [False, False]
    with registry.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "release.promote")
        ).all()
    assert len(events) == 1
    assert events[0].project_id == prod
    assert events[0].target == "vetted-lib==2.1"
    assert events[0].details["from_project_id"] == dev
    assert set(events[0].details["files"]) == set(files_of(registry, dev))


def test_identical_promotion_changes_nothing(
    registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects
    promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")
    serial = serial_of(registry, prod)
    state = stored_state(registry)

    promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")

    assert serial_of(registry, prod) == serial
    assert stored_state(registry) == state


def test_other_bytes_in_the_target_refuse_everything(
    api: Api, registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects
    impostor = Dist(name="vetted-lib", version="2.1", payload=b"VALUE = 2\n")
    api.upload(impostor, sdist=True, path=f"/api/v4/projects/{prod}/packages/pypi")
    state = stored_state(registry)

    with pytest.raises(Conflict, match="other bytes"):
        promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")

    assert stored_state(registry) == state


def test_a_name_deleted_from_the_target_is_never_reused(
    api: Api, registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects
    promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")
    delete_files(registry, OPERATOR, ReleaseRef(prod, "vetted-lib", "2.1"))

    with pytest.raises(Conflict, match="can never be reused"):
        promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")


def test_another_spelling_in_the_target_counts_as_the_name(
    api: Api, registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects
    impostor = Dist(name="vetted-lib", version="2.1", payload=b"VALUE = 2\n")
    spelling = "Vetted_Lib-2.1.0-py3-none-any.whl"
    upload = api.upload(
        impostor, filename=spelling, path=f"/api/v4/projects/{prod}/packages/pypi"
    )
    assert upload.status_code == 200, upload.text
    state = stored_state(registry)

    with pytest.raises(Conflict, match="other bytes"):
        promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")

    assert stored_state(registry) == state
    delete_files(registry, OPERATOR, ReleaseRef(prod, "vetted-lib", "2.1"))
    with pytest.raises(Conflict, match="can never be reused"):
        promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")


def test_deleting_the_source_keeps_the_target_whole(
    api: Api, registry: Registry, projects: tuple[int, int]
) -> None:
    dev, prod = projects
    promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")
    blobs = stored_state(registry).blobs

    delete_files(registry, OPERATOR, ReleaseRef(dev, "vetted-lib", "2.1"))

    assert stored_state(registry).blobs == blobs
    for file in files_of(registry, prod).values():
        assert registry.blobs.locate(file.sha256) is not None


def test_refusals(registry: Registry, projects: tuple[int, int]) -> None:
    dev, prod = projects

    with pytest.raises(InvalidRequest):
        promote(registry, OPERATOR, dev, dev, "vetted-lib", "2.1")
    with pytest.raises(NotFound):
        promote(registry, OPERATOR, dev, prod, "vetted-lib", "9.9")
    with pytest.raises(NotFound):
        promote(registry, OPERATOR, dev, 999, "vetted-lib", "2.1")
    set_yanked(registry, OPERATOR, ReleaseRef(dev, "vetted-lib", "2.1"), yanked=True)
    with pytest.raises(Conflict, match="yanked"):
        promote(registry, OPERATOR, dev, prod, "vetted-lib", "2.1")
    with registry.session() as session:
        assert session.scalar(select(func.count()).where(File.project_id == prod)) == 0


def test_promotion_over_http(api: Api, projects: tuple[int, int]) -> None:
    _, prod = projects
    path = "/api/v4/projects/ai%2Fdev/packages/pypi/releases/vetted-lib/2.1/promote"

    response = api.client.post(path, json={"to": "ai/prod"}, headers=api.auth)
    anonymous = api.client.post(path, json={"to": "ai/prod"})

    assert response.status_code == 200, response.text
    assert response.json()["to_project_id"] == prod
    assert [f["copied"] for f in response.json()["files"]] == [True, True]
    assert anonymous.status_code == 401
    conflict = api.client.post(path, json={"to": "ai/dev"}, headers=api.auth)
    assert conflict.status_code == 400

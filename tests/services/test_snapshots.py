"""Snapshots: frozen pages, files kept alive, and blobs freed when they go."""

import hashlib
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import Api, stored_state
from tests.factories import Dist
from tests.projects import create_project
from wheelkeep.cli.packages import OPERATOR
from wheelkeep.db.models import AuditEvent
from wheelkeep.domain.errors import Conflict, InvalidRequest, NotFound
from wheelkeep.services.registry import Registry
from wheelkeep.services.releases import ReleaseRef, delete_files, set_yanked
from wheelkeep.services.snapshots import (
    create_snapshot,
    delete_snapshot,
    list_snapshots,
)

BASE = "/api/v4/projects/1/packages/pypi"
SNAPSHOT = f"{BASE}/snapshots/before/simple"
FORMATS = ("application/vnd.pypi.simple.v1+json", "text/html")
OLD = Dist(name="demo", version="1.0")


def publish_old(api: Api) -> None:
    assert api.upload(OLD).status_code == 200
    assert api.upload(OLD, sdist=True).status_code == 200
    assert api.upload(Dist(name="other", version="0.1")).status_code == 200


def pages(api: Api, root: str) -> dict[tuple[str, str], Any]:
    found = {}
    for path in (f"{root}/", f"{root}/demo/", f"{root}/other/"):
        for accept in FORMATS:
            response = api.get(path, Accept=accept)
            assert response.status_code == 200, (path, response.text)
            found[(path.removeprefix(root), accept)] = response
    return found


def change_everything(api: Api, registry: Registry) -> None:
    assert api.upload(Dist(name="demo", version="2.0")).status_code == 200
    set_yanked(registry, OPERATOR, ReleaseRef(1, "demo", "1.0"), yanked=True)
    delete_files(registry, OPERATOR, ReleaseRef(1, "demo", "1.0"), OLD.wheel_filename)
    delete_files(registry, OPERATOR, ReleaseRef(1, "other", "0.1"))


def test_snapshot_serves_the_live_pages_of_its_moment(
    api: Api, registry: Registry
) -> None:
    publish_old(api)
    live = pages(api, f"{BASE}/simple")

    info = create_snapshot(registry, OPERATOR, 1, "before")
    frozen = pages(api, SNAPSHOT)

    assert (info.packages, info.files, info.serial) == (2, 3, 3)
    for key, response in live.items():
        assert frozen[key].content == response.content, key
        assert frozen[key].headers["etag"] == response.headers["etag"], key
        assert frozen[key].headers["x-pypi-last-serial"] == "3"


def test_snapshot_pages_never_change(api: Api, registry: Registry) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "before")
    before = pages(api, SNAPSHOT)

    change_everything(api, registry)
    after = pages(api, SNAPSHOT)

    for key, response in before.items():
        assert after[key].content == response.content, key
        assert after[key].headers["etag"] == response.headers["etag"], key
    live = api.get(f"{BASE}/simple/demo/", Accept=FORMATS[0]).json()
    assert live["versions"] == ["1.0", "2.0"]
    assert api.get(f"{BASE}/simple/other/").status_code == 404


def test_snapshot_answers_conditional_requests(api: Api, registry: Registry) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "before")
    etag = api.get(f"{SNAPSHOT}/demo/").headers["etag"]

    change_everything(api, registry)
    response = api.get(f"{SNAPSHOT}/demo/", **{"If-None-Match": etag})

    assert response.status_code == 304


def test_snapshot_serves_files_deleted_since(api: Api, registry: Registry) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "before")
    entry = next(
        f
        for f in api.get(f"{SNAPSHOT}/demo/", Accept=FORMATS[0]).json()["files"]
        if f["filename"] == OLD.wheel_filename
    )

    change_everything(api, registry)
    live_url = f"{BASE}/files/{entry['hashes']['sha256']}/{OLD.wheel_filename}"
    frozen_url = f"{BASE}/snapshots/before/files/{entry['hashes']['sha256']}/"

    assert api.get(live_url).status_code == 404
    download = api.get(frozen_url + OLD.wheel_filename)
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == entry["hashes"]["sha256"]
    metadata = api.get(frozen_url + OLD.wheel_filename + ".metadata")
    assert metadata.status_code == 200
    assert metadata.content == OLD.metadata()
    assert (
        hashlib.sha256(metadata.content).hexdigest() == entry["core-metadata"]["sha256"]
    )
    assert api.get(frozen_url + "demo-9.whl").status_code == 404


def test_deleted_file_blob_stays_while_a_snapshot_needs_it(
    api: Api, registry: Registry
) -> None:
    publish_old(api)
    with_everything = stored_state(registry).blobs
    create_snapshot(registry, OPERATOR, 1, "before")

    change_everything(api, registry)
    kept = stored_state(registry).blobs
    delete_snapshot(registry, OPERATOR, 1, "before")
    freed = stored_state(registry).blobs

    assert with_everything <= kept
    # The old wheel and the other package's wheel and metadata file were only
    # the snapshot's: they go with it. The old wheel's metadata file has the
    # same bytes as the live sdist's, so it stays.
    assert len(kept - freed) == 3
    assert freed <= kept
    assert stored_state(registry).files == 2


def test_deleting_a_snapshot_keeps_blobs_the_live_index_uses(
    api: Api, registry: Registry
) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "before")
    blobs = stored_state(registry).blobs

    delete_snapshot(registry, OPERATOR, 1, "before")

    assert stored_state(registry).blobs == blobs
    assert api.get(f"{SNAPSHOT}/").status_code == 404


@pytest.mark.parametrize(
    ("asked", "moved_to"),
    [("?x=1", "/?x=1"), ("/demo", "/demo/"), ("/Demo", "/demo/")],
)
def test_snapshot_pages_are_served_where_their_relative_links_resolve(
    api: Api, registry: Registry, asked: str, moved_to: str
) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "before")

    response = api.client.get(
        SNAPSHOT + asked, headers=api.auth, follow_redirects=False
    )

    assert response.status_code == 301
    assert response.headers["location"] == SNAPSHOT + moved_to


def test_snapshot_names(api: Api, registry: Registry) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "release-2026.12")

    with pytest.raises(Conflict):
        create_snapshot(registry, OPERATOR, 1, "release-2026.12")
    with pytest.raises(InvalidRequest):
        create_snapshot(registry, OPERATOR, 1, "../escape")
    with pytest.raises(NotFound):
        delete_snapshot(registry, OPERATOR, 1, "never-taken")


def test_snapshots_belong_to_their_project(api: Api, registry: Registry) -> None:
    other = create_project(registry, "ai/other")
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "before")
    create_snapshot(registry, OPERATOR, other, "empty")

    with registry.session() as session:
        assert [s.name for s in list_snapshots(session, 1)] == ["before"]
        assert [(s.name, s.files) for s in list_snapshots(session, other)] == [
            ("empty", 0)
        ]
    path = f"/api/v4/projects/{other}/packages/pypi/snapshots/before/simple/"
    assert api.get(path).status_code == 404
    assert api.get(f"{BASE}/snapshots/empty/simple/").status_code == 404


def test_snapshot_management_over_http(api: Api) -> None:
    publish_old(api)

    created = api.client.post(
        f"{BASE}/snapshots", json={"name": "before"}, headers=api.auth
    )
    listed = api.get(f"{BASE}/snapshots")
    anonymous = api.client.get(f"{SNAPSHOT}/demo/")
    deleted = api.client.delete(f"{BASE}/snapshots/before", headers=api.auth)

    assert created.status_code == 201, created.text
    assert created.json()["files"] == 3
    assert [s["name"] for s in listed.json()] == ["before"]
    assert anonymous.status_code == 401
    assert deleted.status_code == 204
    assert api.get(f"{BASE}/snapshots").json() == []


def test_snapshot_events_are_audited(api: Api, registry: Registry) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "before")
    delete_snapshot(registry, OPERATOR, 1, "before")

    with registry.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("snapshot.%"))
        ).all()
    assert [(e.action, e.target, e.actor) for e in events] == [
        ("snapshot.create", "before", "cli"),
        ("snapshot.delete", "before", "cli"),
    ]
    assert events[1].details == {"blobs_removed": 0}


def test_snapshot_events_over_http_record_the_address(
    api: Api, registry: Registry
) -> None:
    publish_old(api)

    api.client.post(f"{BASE}/snapshots", json={"name": "before"}, headers=api.auth)
    api.client.delete(f"{BASE}/snapshots/before", headers=api.auth)

    with registry.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("snapshot.%"))
        ).all()
    assert [(e.action, e.address) for e in events] == [
        ("snapshot.create", "testclient"),
        ("snapshot.delete", "testclient"),
    ]


def test_a_blob_stays_while_another_snapshot_needs_it(
    api: Api, registry: Registry
) -> None:
    publish_old(api)
    create_snapshot(registry, OPERATOR, 1, "first")
    create_snapshot(registry, OPERATOR, 1, "second")
    change_everything(api, registry)
    kept = stored_state(registry).blobs

    delete_snapshot(registry, OPERATOR, 1, "first")

    assert stored_state(registry).blobs == kept
    wheel = api.get(f"{BASE}/snapshots/second/simple/demo/", Accept=FORMATS[0])
    url = wheel.json()["files"][0]["url"].removeprefix("../../")
    assert api.get(f"{BASE}/snapshots/second/{url}").status_code == 200

"""Index pages: their cost, and the cache that serves them."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from tests.conftest import Api
from tests.factories import Dist
from wheelkeep.db.models import File, Package, Release
from wheelkeep.domain.distributions import FileKind
from wheelkeep.domain.index_pages import PageFormat
from wheelkeep.domain.names import normalize_name
from wheelkeep.services import pages
from wheelkeep.services.pages import PageCache
from wheelkeep.services.projects import find_project
from wheelkeep.services.registry import Registry

JSON = "application/vnd.pypi.simple.v1+json"


@contextmanager
def counting_statements(registry: Registry) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(registry.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(registry.engine, "before_cursor_execute", record)


def add_other_packages(registry: Registry, start: int, count: int) -> None:
    """Packages with a release and a file each, written straight to the tables."""
    with registry.transaction() as session:
        for number in range(start, start + count):
            package = Package(project_id=1, name=f"other-{number}", display_name="x")
            release = Release(package=package, version="1.0", canonical_version="1")
            session.add(
                File(
                    project_id=1,
                    release=release,
                    filename=f"other_{number}-1.0-py3-none-any.whl",
                    kind=FileKind.WHEEL,
                    python_version="py3",
                    size=1,
                    sha256=f"{number:064x}",
                    md5="0" * 32,
                    blake2_256="0" * 64,
                )
            )


def statements_for_page(api: Api, registry: Registry, path: str) -> list[str]:
    # A fresh cache makes the request render the page, the costly path.
    registry.pages = PageCache(serial_ttl=0)
    with counting_statements(registry) as statements:
        response = api.get(path, Accept=JSON)
    assert response.status_code == 200, response.text
    return statements


def test_a_package_pages_queries_do_not_grow_with_other_packages(
    api: Api, registry: Registry
) -> None:
    for version in ("1.0", "1.1", "2.0"):
        assert api.upload(Dist(version=version)).status_code == 200
    api.get("/simple/demo/")  # the token's last use is recorded once a minute
    add_other_packages(registry, 0, 1)

    with_one = statements_for_page(api, registry, "/simple/demo/")
    add_other_packages(registry, 1, 199)
    with_two_hundred = statements_for_page(api, registry, "/simple/demo/")

    assert len(with_one) == len(with_two_hundred), with_two_hundred
    assert len(with_one) <= 6, with_one


def test_a_cached_page_costs_one_query_for_the_serial(
    api: Api, registry: Registry
) -> None:
    assert api.upload(Dist()).status_code == 200
    api.get("/simple/demo/", Accept=JSON)

    with counting_statements(registry) as statements:
        response = api.get("/simple/demo/", Accept=JSON)

    assert response.status_code == 200
    serial_reads = [s for s in statements if s.startswith("SELECT projects.serial")]
    assert len(serial_reads) == 1
    assert not [s for s in statements if "FROM files" in s]


def test_concurrent_misses_render_a_page_once(registry: Registry, api: Api) -> None:
    assert api.upload(Dist()).status_code == 200
    start = threading.Barrier(8)

    def read() -> None:
        start.wait()
        with registry.session() as session:
            project = find_project(session, "1")
            pages.package_page(
                registry.pages,
                session,
                project,
                normalize_name("demo"),
                PageFormat.JSON,
            )

    threads = [threading.Thread(target=read) for _ in range(8)]
    with counting_statements(registry) as statements:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    renders = [s for s in statements if "FROM packages" in s and "packages.name =" in s]
    assert len(renders) == 1

"""``/projects/:id/packages``: list, get and delete releases (GitLab's packages)."""

from fastapi import APIRouter, Response
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from wheelkeep.api.management.auth import (
    Address,
    Caller,
    Page,
    PerPage,
    ProjectRef,
    RegistryDep,
    RowId,
    project_for,
)
from wheelkeep.api.management.listing import paginate
from wheelkeep.api.management.projects import ERRORS
from wheelkeep.api.management.schemas import PackageOut, package_out
from wheelkeep.db.models import File, Package, Release
from wheelkeep.domain.access import Permission
from wheelkeep.domain.errors import NotFound
from wheelkeep.services.releases import ReleaseRef, delete_files

router = APIRouter(tags=["packages"])


def _with_files(project_id: int) -> Select[Release]:
    has_files = select(File.id).where(File.release_id == Release.id).exists()
    return (
        select(Release)
        .join(Package, Release.package_id == Package.id)
        .where(Package.project_id == project_id, has_files)
        .options(selectinload(Release.package))
        .order_by(Release.id)
    )


def _releases(session: Session, project_id: int) -> list[Release]:
    return list(session.scalars(_with_files(project_id)))


def _release(session: Session, project_id: int, package_id: int) -> Release:
    release = session.scalar(_with_files(project_id).where(Release.id == package_id))
    if release is None:
        raise NotFound("Package not found.")
    return release


@router.get("/projects/{project_ref}/packages", responses=ERRORS)
def list_packages(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    response: Response,
    page: Page = 1,
    per_page: PerPage = 20,
) -> list[PackageOut]:
    """Each (name, version) that has files, as GitLab lists packages."""
    project = project_for(registry, principal, project_ref, Permission.READ)
    with registry.session() as session:
        releases = _releases(session, project.id)
        shown = paginate(releases, page, per_page, response)
        return [package_out(release) for release in shown]


@router.get("/projects/{project_ref}/packages/{package_id}", responses=ERRORS)
def get_package(
    registry: RegistryDep, principal: Caller, project_ref: ProjectRef, package_id: RowId
) -> PackageOut:
    project = project_for(registry, principal, project_ref, Permission.READ)
    with registry.session() as session:
        return package_out(_release(session, project.id, package_id))


@router.delete(
    "/projects/{project_ref}/packages/{package_id}", status_code=204, responses=ERRORS
)
def delete_package(
    registry: RegistryDep,
    principal: Caller,
    project_ref: ProjectRef,
    package_id: RowId,
    address: Address,
) -> Response:
    """Delete every file of the release; the filenames can never be reused."""
    project = project_for(registry, principal, project_ref, Permission.MANAGE)
    with registry.session() as session:
        release = _release(session, project.id, package_id)
        ref = ReleaseRef(project.id, release.package.name, release.version)
    delete_files(registry, principal, ref, address=address)
    return Response(status_code=204)

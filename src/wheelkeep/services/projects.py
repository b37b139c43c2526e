"""Finding projects by numeric id or by path, as GitLab's ``:id`` allows."""

from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from wheelkeep.db.models import Project
from wheelkeep.domain.errors import NotFound

DEFAULT_PROJECT_ID = 1
DEFAULT_PROJECT_PATH = "default"


def find_project(session: Session, reference: str | int) -> Project:
    """The project with that id or URL-encoded path; NotFound otherwise."""
    project: Project | None
    if isinstance(reference, int) or reference.isdigit():
        project = session.get(Project, int(reference))
    else:
        path = unquote(reference).strip("/")
        project = session.scalar(select(Project).where(Project.path == path))
    if project is None:
        raise NotFound("Project not found.")
    return project


def current_serial(session: Session, project_id: int) -> int:
    serial = session.scalar(select(Project.serial).where(Project.id == project_id))
    if serial is None:
        raise NotFound("Project not found.")
    return serial

"""Creating projects besides the default one, straight in the database.

For tests that need a project and nothing else (no group, no members).
"""

from wheelkeep.db.models import Project, Visibility
from wheelkeep.services.registry import Registry


def create_project(
    registry: Registry, path: str, visibility: Visibility = Visibility.PRIVATE
) -> int:
    with registry.transaction() as session:
        project = Project(path=path, visibility=visibility, serial=0)
        session.add(project)
        session.flush()
        return project.id

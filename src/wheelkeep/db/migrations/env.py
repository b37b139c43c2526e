"""Alembic environment: runs on the connection handed over by ``migrate``."""

from alembic import context
from sqlalchemy import Connection

from wheelkeep.db.models import Base

connection: Connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

"""Alembic environment: runs on the connection ``vendortui.app.migrate`` hands over."""

from __future__ import annotations

from alembic import context

from vendortui import models
from vendortui.models import Synced

models.load_all()
config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=Synced.metadata,
    render_as_batch=True,
    transactional_ddl=True,
)
context.run_migrations()

"""vendor extra domains

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 12:40:00.000000

More domains a vendor answers on, beside its website's, for matching public data. Stored as
one line of comma-separated domains; existing rows get the empty string (``server_default``:
SQLite cannot add a NOT NULL column without one).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "extra_domains",
                sqlmodel.sql.sqltypes.AutoString(),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.drop_column("extra_domains")

"""server change triggers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 16:00:00.000000

On PostgreSQL, every write to a knowledge-base table, by any client (vendortui, psql, an
import), bumps one change counter and NOTIFYs the ``vendortui`` channel, so open TUIs re-read
and the offline copy knows whether it is current. Statement-level triggers: one bump and one
notification per statement, whatever the rows (a ``COPY`` of 10,000 vendors is one).

``vendortui_change`` holds one row: ``epoch`` (random, new for a new database, so a database
dropped and created again under the same URL never looks unchanged) and ``serial``. It is
updated inside the writing transaction, so a snapshot sees the counter that matches its data.
The notification's payload is the writer's ``vendortui.writer`` setting (set by vendortui's
writes, empty for other clients), so a TUI can skip its own writes.

The function runs as its owner (``SECURITY DEFINER``, its search path fixed at creation), so
a role allowed to write the tables needs no right on the counter; everyone may read it.

A later revision that adds a table adds this trigger to it (``tests/pg`` checks every table
has it). SQLite: nothing (a file has no listeners; git sync says when it changed).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "checklist_template", "conflict", "person", "setting", "vendor", "checklist_run",
    "data_category", "event", "probe_config", "role", "runbook", "checklist_item",
    "probe_result", "checklist_tick",
)  # fmt: skip
"""The tables at revision 0002 (``alembic_version`` aside)."""

FUNCTION = """
CREATE FUNCTION vendortui_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
BEGIN
    UPDATE {schema}.vendortui_change SET serial = serial + 1;
    PERFORM pg_notify('vendortui', coalesce(current_setting('vendortui.writer', true), ''));
    RETURN NULL;
END
$$
"""
"""The trigger function runs with its owner's rights (a SELECT-only teammate's write is
refused before it fires anyway), so its search path is fixed with ``pg_temp`` last and the
counter named with its schema: a writer's own temporary ``vendortui_change`` must not take
the bump (the copies would then look current while stale)."""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE TABLE vendortui_change (epoch text NOT NULL, serial bigint NOT NULL)")
    op.execute("INSERT INTO vendortui_change VALUES (gen_random_uuid()::text, 0)")
    op.execute("GRANT SELECT ON vendortui_change TO PUBLIC")
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar_one()
    op.execute(FUNCTION.format(schema='"' + str(schema).replace('"', '""') + '"'))
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER vendortui_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION vendortui_changed()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f'DROP TRIGGER vendortui_changed ON "{table}"')
    op.execute("DROP FUNCTION vendortui_changed()")
    op.execute("DROP TABLE vendortui_change")

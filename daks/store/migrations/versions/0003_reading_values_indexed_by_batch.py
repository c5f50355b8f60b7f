"""reading values indexed by import batch

A release build asks which import batches hold readings and where the readings of the
batches the last release did not cover start; without an index on the batch both read
every reading (seconds at a year of a hundred locations).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 12:22:20.702253
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reading_value", schema=None) as batch_op:
        batch_op.create_index("ix_reading_value_batch", ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reading_value", schema=None) as batch_op:
        batch_op.drop_index("ix_reading_value_batch")

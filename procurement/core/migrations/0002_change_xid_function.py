"""current_change_xid(): this transaction's id as a bigint, for change stamps (procurement.core.changes)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION current_change_xid() RETURNS bigint
LANGUAGE sql VOLATILE PARALLEL UNSAFE AS $$ SELECT pg_current_xact_id()::text::bigint $$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS current_change_xid();")]

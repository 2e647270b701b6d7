"""xid_widened(xid, next): a 32-bit transaction id as the 64-bit id it stands for (R-ORD-5).

``pg_stat_activity.backend_xid`` is a 32-bit ``xid``; change stamps are 64-bit (``pg_current_xact_id``).
A transaction still running is never more than 2^31 ids away from the next id to be given
(wraparound protection forbids it; and one may have been given an id just after ``next`` was read),
so its 64-bit id is the one, among the next id's epoch and the epochs around it, nearest to ``next``.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION xid_widened(running xid, next bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN widened - next > 2147483648 THEN widened - 4294967296
                WHEN next - widened > 2147483648 THEN widened + 4294967296
                ELSE widened END
    FROM (SELECT (next & ~4294967295::bigint) | running::text::bigint AS widened) w
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_policy_values")]

    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS xid_widened(xid, bigint);")]

"""xid_widened(xid, next): a 32-bit transaction id as the 64-bit id it stands for (R-ORD-5).

``pg_stat_activity.backend_xid`` is a 32-bit ``xid``; change stamps are 64-bit (``pg_current_xact_id``).
A transaction still running is never more than 2^31 ids older than the next id to be given
(wraparound protection forbids it), so its 64-bit id is the one with the next id's epoch, or the
epoch before when that would put it after the next id.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION xid_widened(running xid, next bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN widened > next THEN widened - 4294967296 ELSE widened END
    FROM (SELECT (next & ~4294967295::bigint) | running::text::bigint AS widened) w
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0003_policy_values")]

    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS xid_widened(xid, bigint);")]

"""A date cast that answers NULL instead of failing, for naming bad dates in a refused feed file.

(PostgreSQL 16 has pg_input_is_valid; the platform also runs on 15.)
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION feed_try_date(value text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN regexp_replace(value, '[/.]', '-', 'g')::date;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]

    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS feed_try_date(text);")]

"""Casts that answer NULL instead of failing, to name the bad cells of a refused feed file.

(PostgreSQL 16 has pg_input_is_valid; the platform also runs on 15.)
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION feed_try_date(value text) RETURNS date
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
    RETURN value::date;  -- read under the caller's DateStyle (the loader sets ISO, YMD)
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION feed_try_numeric(value text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN value::numeric;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0002_initial")]

    operations = [
        migrations.RunSQL(FUNCTIONS, "DROP FUNCTION feed_try_date(text); DROP FUNCTION feed_try_numeric(text);"),
    ]

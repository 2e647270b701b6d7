"""The SQL function that counts working days (DOMAIN.md §2), used by Python and by nightly jobs.

workdays_add(start, n) returns the n-th working day after ``start`` and whether it is
provisional: a day of a year whose calendar is not published counts Monday to Friday, and any
such day between ``start`` and the deadline makes the deadline provisional. The window of days
searched (n × 2 + 40) covers the longest run of holidays (the Spring Festival, 9 days).
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION workdays_add(start date, n integer, OUT deadline date, OUT provisional boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH days AS (
        SELECT g::date AS day,
               COALESCE(cd.is_working_day, extract(isodow FROM g) < 6) AS working,
               cd.date IS NULL AS guessed
        FROM generate_series(start + 1, start + 40 + n * 2, interval '1 day') AS g
        LEFT JOIN workdays_calendarday cd
               ON cd.date = g::date
              AND EXISTS (SELECT 1 FROM workdays_calendaryear y WHERE y.year = cd.year AND y.is_published)
    ),
    counted AS (
        SELECT day, working,
               count(*) FILTER (WHERE working) OVER (ORDER BY day) AS k,
               bool_or(guessed) OVER (ORDER BY day) AS any_guessed
        FROM days
    )
    SELECT day, any_guessed FROM counted WHERE n > 0 AND working AND k = n
    UNION ALL
    SELECT start, false WHERE n <= 0
    LIMIT 1
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS workdays_add(date, integer);"),
    ]

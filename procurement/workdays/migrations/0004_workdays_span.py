"""One SQL definition of a working day, used three ways.

workdays_span(first, last): every day from ``first`` to ``last`` with whether it is a working day
and whether that was guessed — a day of a year whose calendar is not published counts Monday to
Friday and is "guessed". This is the only place the rule lives:

- workdays_add(start, n): the n-th working day after ``start``, provisional when a guessed day lies
  between (Python: ``add_working_days``);
- workdays_count(after, until): working days after ``after`` up to and including ``until``
  (Python: ``working_days_left``);
- nightly jobs join the span with window functions to compute thousands of deadlines at once
  (``procurement.workdays.sql.DEADLINES_CTE``).
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION workdays_span(first date, last date)
RETURNS TABLE(day date, is_working boolean, guessed boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT g::date,
           COALESCE(cd.is_working_day, extract(isodow FROM g) < 6),
           cd.date IS NULL
    FROM generate_series(first, last, interval '1 day') AS g
    LEFT JOIN workdays_calendarday cd
           ON cd.date = g::date
          AND EXISTS (SELECT 1 FROM workdays_calendaryear y WHERE y.year = cd.year AND y.is_published)
$$;

CREATE OR REPLACE FUNCTION workdays_add(start date, n integer, OUT deadline date, OUT provisional boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH counted AS (
        SELECT day, is_working,
               count(*) FILTER (WHERE is_working) OVER (ORDER BY day) AS k,
               bool_or(guessed) OVER (ORDER BY day) AS any_guessed
        FROM workdays_span(start + 1, start + 40 + n * 2)
    )
    SELECT day, any_guessed FROM counted WHERE n > 0 AND is_working AND k = n
    UNION ALL
    SELECT start, false WHERE n <= 0
    LIMIT 1
$$;

CREATE OR REPLACE FUNCTION workdays_count(after date, until date) RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN until <= after THEN 0
                ELSE (SELECT count(*)::integer FROM workdays_span(after + 1, until) WHERE is_working) END
$$;
"""

REVERSE = """
DROP FUNCTION IF EXISTS workdays_count(date, date);
CREATE OR REPLACE FUNCTION workdays_add(start date, n integer, OUT deadline date, OUT provisional boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT start, true $$;
DROP FUNCTION IF EXISTS workdays_span(date, date);
"""


class Migration(migrations.Migration):
    dependencies = [("workdays", "0003_seed_library_years")]

    operations = [migrations.RunSQL(FUNCTIONS, REVERSE)]

"""SQL fragments for computing many working-day deadlines in one statement (nightly jobs)."""

# A CTE pair: ``span`` numbers the working days of a period; ``deadlines(start, deadline, provisional)``
# gives, for every day of the period, the %(n)s-th working day after it. Parameters: the first and
# last start dates (%(first)s, %(last)s) and the number of working days (%(n)s). Same rule as
# workdays_add, through the same workdays_span.
DEADLINES_CTE = """
    span AS (
        SELECT day, is_working,
               count(*) FILTER (WHERE is_working) OVER (ORDER BY day) AS ordinal,
               count(*) FILTER (WHERE guessed) OVER (ORDER BY day) AS guessed_so_far
        FROM workdays_span(%(first)s::date, %(last)s::date + 40 + %(n)s * 2)
    ),
    deadlines AS (
        SELECT s.day AS start, d.day AS deadline, d.guessed_so_far > s.guessed_so_far AS provisional
        FROM span s JOIN span d ON d.is_working AND d.ordinal = s.ordinal + %(n)s
        WHERE s.day <= %(last)s::date
    )
"""

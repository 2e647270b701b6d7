"""initials_near(initials, query): pinyin initials that match a query with at most one letter wrong.

Search by pinyin initials tolerates one mistyped letter (``atfts`` finds 阿托伐他汀钙片, ``atfttgp``):
each word of the product's initials (generic name, trade name) is compared with the query from its
first letter, position by position.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION initials_near(initials text, query text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT EXISTS (
        SELECT 1 FROM unnest(string_to_array(initials, ' ')) AS word
        WHERE length(word) >= length(query)
          AND (SELECT count(*) FROM generate_series(1, length(query)) AS i
               WHERE substr(word, i, 1) <> substr(query, i, 1)) <= 1
    )
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_feed_safe_casts")]

    operations = [migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS initials_near(text, text);")]

"""A word of two characters (恒瑞, 他汀, 齐鲁) has no trigram: a GIN index of the bigrams of ``search_text`` finds
it (``catalogue.selectors._matching_ids``). Plain SQL, so the embedded demo database has it too."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0005_product_search_text")]

    operations = [
        migrations.RunSQL(
            [
                """
                CREATE FUNCTION catalogue_bigrams(text) RETURNS text[]
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
                AS $$ SELECT ARRAY(SELECT DISTINCT substr($1, i, 2) FROM generate_series(1, length($1) - 1) AS i) $$
                """,
                "CREATE INDEX product_search_bigrams ON catalogue_product USING gin (catalogue_bigrams(search_text))",
            ],
            [
                "DROP INDEX product_search_bigrams",
                "DROP FUNCTION catalogue_bigrams(text)",
            ],
        )
    ]

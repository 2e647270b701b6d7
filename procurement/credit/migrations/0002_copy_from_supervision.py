"""Credit records move from the supervision app to the core (issue 9): copy what exists.

The rows keep their ids, and their audit events are copied as they were (the tracked tables' own
triggers are off during the copy, so the copy itself is not recorded as new inserts). Events of the
old tables get the default severity. The old tables are dropped by supervision 0002, after this.
"""

from django.db import migrations

COPY = """
ALTER TABLE credit_creditevent DISABLE TRIGGER USER;
ALTER TABLE credit_badrecord DISABLE TRIGGER USER;

INSERT INTO credit_creditevent
    (id, organisation_id, kind, severity, occurred_on, description, evidence, source, recorded_by_id, created_at)
SELECT id, organisation_id, kind, 'general', occurred_on, description, '', source, recorded_by_id, created_at
FROM supervision_creditevent;

INSERT INTO credit_badrecord (id, organisation_id, starts_on, ends_on, reason, credit_event_id, recorded_by_id, created_at)
SELECT id, organisation_id, starts_on, ends_on, reason, credit_event_id, recorded_by_id, created_at
FROM supervision_badrecord;

INSERT INTO credit_crediteventevent
    (pgh_id, pgh_created_at, pgh_label, pgh_context, pgh_context_id, pgh_obj_id, id, organisation_id, kind,
     severity, occurred_on, description, evidence, source, recorded_by_id, created_at)
SELECT pgh_id, pgh_created_at, pgh_label, pgh_context, pgh_context_id, pgh_obj_id, id, organisation_id, kind,
       'general', occurred_on, description, '', source, recorded_by_id, created_at
FROM supervision_crediteventevent;

INSERT INTO credit_badrecordevent
    (pgh_id, pgh_created_at, pgh_label, pgh_context, pgh_context_id, pgh_obj_id, id, organisation_id, starts_on,
     ends_on, reason, credit_event_id, recorded_by_id, created_at)
SELECT pgh_id, pgh_created_at, pgh_label, pgh_context, pgh_context_id, pgh_obj_id, id, organisation_id, starts_on,
       ends_on, reason, credit_event_id, recorded_by_id, created_at
FROM supervision_badrecordevent;

-- The copied rows' deferred foreign-key checks run now: a table with pending checks cannot be altered.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE credit_creditevent ENABLE TRIGGER USER;
ALTER TABLE credit_badrecord ENABLE TRIGGER USER;

SELECT setval(pg_get_serial_sequence(t, c), coalesce(m, 1), m IS NOT NULL)
FROM (VALUES ('credit_creditevent', 'id', (SELECT max(id) FROM credit_creditevent)),
             ('credit_badrecord', 'id', (SELECT max(id) FROM credit_badrecord)),
             ('credit_crediteventevent', 'pgh_id', (SELECT max(pgh_id) FROM credit_crediteventevent)),
             ('credit_badrecordevent', 'pgh_id', (SELECT max(pgh_id) FROM credit_badrecordevent))) AS s(t, c, m);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0001_initial"),
        ("supervision", "0001_initial"),
    ]

    operations = [migrations.RunSQL(COPY, migrations.RunSQL.noop)]

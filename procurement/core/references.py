"""References checked once a statement, for the tables nightly jobs write by the thousand.

A foreign-key constraint checks each new row on its own: a look-up of the row it names, locked
``FOR KEY SHARE`` (a write to that row's page). The price linkage's stress night (R-LIST-10) opens
6,000 notices and records 3,000 listing transitions and credit events: 18,000 such checks, about
100 ms of a night that must stay within 1.35 × its bare query (bench/price_linkage.py). A model
whose rows jobs insert in bulk declares those references with ``db_constraint=False`` and lists
them here instead:

- ``references_checked(...)``: after each insert statement, one anti-join of the new rows against the
  tables they name; a row naming nothing raises ``foreign_key_violation`` (Django's
  ``IntegrityError``, as a constraint would), and the references never change afterwards
  (``pgtrigger.ReadOnly``: an update that changes one is refused);
- on the named table, a statement-level trigger refuses to delete a row still named (the referencing
  app's migration adds it with ``RunSQL``: listings 0011, credit 0006, settlement 0006).

Checked at the end of each statement, not at commit: a row must name one that exists already (every
writer of these tables does). What a constraint also gave and this does not: its lock, which kept a
concurrent transaction from deleting the named row between the check and the commit. The rows named
here (listings, organisations) are never deleted by the platform (withdrawn, closed, barred), and a
delete is refused while they are named; the settlement ledger's references are checked the same way
(settlement migration 0006).
"""

import pgtrigger


def references_checked(table: str, references: dict[str, str]) -> list:
    """The triggers of ``table`` whose fields ``references`` (field name → the table it names, neither
    ever empty) are checked once a statement. Table and field names come from the models, never input."""
    # Each reference's distinct values first: 6,000 notices name 20 manufacturers, 20 look-ups, not 6,000.
    missing = "\n        OR ".join(
        f"EXISTS (SELECT 1 FROM (SELECT DISTINCT {field}_id AS id FROM new_rows) n "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {named} r WHERE r.id = n.id))"
        for field, named in references.items()
    )
    names = ", ".join(f"{field}_id" for field in references)
    return [
        pgtrigger.Trigger(
            name="references_exist",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=f"""
    IF {missing} THEN
        RAISE EXCEPTION 'insert on table "{table}": a row names in {names} a row that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
""",
        ),
        pgtrigger.ReadOnly(name="references_fixed", fields=list(references)),
    ]

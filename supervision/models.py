"""Supervision (综合监管), DOMAIN.md §9: indicators, credit grades, abnormal prices, interviews (to come).

The credit records it reads (events, the bad-record list, delistings) live in the core, ``procurement.credit``."""

"""Purchase contracts a channel declares to the others: the registry through which settlement prepays
VBP contracts (R-SET-3) without importing VBP, as price sources and order events do for ordering.

A channel registers a ``ContractSource`` from its ``contract_source.py`` (found at start-up): a name and
a SQL query returning one row per contract with the columns of ``CONTRACT_COLUMNS``:

- ``contract_key`` (text, unique across sources: ``vbp:17``), ``hospital_id``, ``product_id``,
- ``distributor_id`` (who delivers it to the hospital; NULL when none is named),
- ``valid_from``, ``valid_until`` (dates), ``total`` (numeric: the agreed annual amount in yuan),
- ``price`` (numeric: the contract price per pack), ``volume_units`` (bigint: the agreed annual volume in
  minimum units), ``bought_units`` (bigint: what the hospital bought of it in the current contract year, in
  minimum units, as the channel counts completion — R-VBP-5; 0 when nothing), for the savings retention and
  budget deductions of R-SET-6 and R-SET-7.

``contracts_sql()`` is the union of every registered source, for set-based jobs to compose.
"""

from dataclasses import dataclass

CONTRACT_COLUMNS = (
    *("contract_key", "hospital_id", "product_id", "distributor_id", "valid_from", "valid_until", "total"),
    *("price", "volume_units", "bought_units"),
)


@dataclass(frozen=True)
class ContractSource:
    name: str
    sql: str


_sources: dict[str, ContractSource] = {}


def register_contract_source(source: ContractSource) -> ContractSource:
    if source.name in _sources and _sources[source.name] != source:
        raise ValueError(f"contract source {source.name!r} is registered twice")
    _sources[source.name] = source
    return source


def unregister_contract_source(name: str) -> None:
    _sources.pop(name, None)


def contract_sources() -> list[ContractSource]:
    return [_sources[name] for name in sorted(_sources)]


def contracts_sql() -> str:
    """Every registered source's contracts, one row each; an empty set (typed) when none is registered."""
    columns = ", ".join(CONTRACT_COLUMNS)
    parts = [f"SELECT {columns} FROM ({source.sql}) AS {source.name}_contracts" for source in contract_sources()]
    parts.append(
        "SELECT NULL::text, NULL::bigint, NULL::bigint, NULL::bigint, NULL::date, NULL::date, NULL::numeric,"
        " NULL::numeric, NULL::bigint, NULL::bigint WHERE false"
    )
    return "\nUNION ALL\n".join(parts)

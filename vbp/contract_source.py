"""VBP's contracts as the core's contract registry declares them (procurement.core.contracts): settlement
prepays them (R-SET-3) without importing VBP. The agreed annual amount is the agreed volume in minimum
units at the contract's price per pack; the distributor is the one the manufacturer names for the
product in the hospital's region (R-ORD-3; the lowest id when several are named). What was bought is the
contract's completion in its current contract year (R-VBP-5, ``vbp_contractprogress``), for the savings
retention and budget deductions of settlement (R-SET-6, R-SET-7)."""

from procurement.core.contracts import ContractSource, register_contract_source

CONTRACTS_SQL = """
    SELECT 'vbp:' || c.id AS contract_key, c.hospital_id, c.product_id,
           (SELECT min(d.distributor_id) FROM orders_distributordesignation d
            JOIN organisations_region dr ON dr.id = d.region_id
            WHERE d.product_id = c.product_id AND d.is_active AND hr.path LIKE dr.path || '%%') AS distributor_id,
           c.valid_from, c.valid_until,
           round(c.volume_units * c.price / p.pack_quantity, 2) AS total,
           c.price, c.volume_units::bigint, coalesce(cp.bought_units, 0)::bigint AS bought_units
    FROM vbp_contract c
    LEFT JOIN vbp_contractprogress cp ON cp.contract_id = c.id
    JOIN catalogue_product p ON p.id = c.product_id
    JOIN organisations_organisation h ON h.id = c.hospital_id
    JOIN organisations_region hr ON hr.id = h.region_id
"""

register_contract_source(ContractSource("vbp", CONTRACTS_SQL))

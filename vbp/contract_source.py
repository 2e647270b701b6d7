"""VBP's contracts as the core's contract registry declares them (procurement.core.contracts): settlement
prepays them (R-SET-3) without importing VBP. The agreed annual amount is the agreed volume in minimum
units at the contract's price per pack; the distributor is the one the manufacturer names for the
product in the hospital's region (R-ORD-3; the lowest id when several are named)."""

from procurement.core.contracts import ContractSource, register_contract_source

CONTRACTS_SQL = """
    SELECT 'vbp:' || c.id AS contract_key, c.hospital_id, c.product_id,
           (SELECT min(d.distributor_id) FROM orders_distributordesignation d
            JOIN organisations_region dr ON dr.id = d.region_id
            WHERE d.product_id = c.product_id AND d.is_active AND hr.path LIKE dr.path || '%%') AS distributor_id,
           c.valid_from, c.valid_until,
           round(c.volume_units * c.price / p.pack_quantity, 2) AS total
    FROM vbp_contract c
    JOIN catalogue_product p ON p.id = c.product_id
    JOIN organisations_organisation h ON h.id = c.hospital_id
    JOIN organisations_region hr ON hr.id = h.region_id
"""

register_contract_source(ContractSource("vbp", CONTRACTS_SQL))

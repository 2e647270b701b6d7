"""Demo medicines: the 25 generic names of the first national VBP pilot ("4+7", 2018) and other
common essential medicines. Real names, forms and specifications; prices are invented.

Each entry: generic name, ATC-like class (5 characters of the national code), dosage form,
route, specifications, pack sizes, minimum unit, an indicative unit price (yuan) of the first
specification, and the originator (company, trade name) where there is a well-known one. The table
is `medicines.csv` beside this module (specifications and pack sizes separated by `|`).
"""

import csv
from pathlib import Path

Medicine = tuple[str, str, str, str, list[str], list[int], str, str, tuple[str, str] | None]


def _load() -> dict[str, list[Medicine]]:
    by_type: dict[str, list[Medicine]] = {"X": [], "Z": []}
    with (Path(__file__).with_name("medicines.csv")).open(encoding="utf-8", newline="") as table:
        for row in csv.DictReader(table):
            by_type[row["type"]].append(
                (
                    row["generic_name"],
                    row["class"],
                    row["dosage_form"],
                    row["route"],
                    row["specifications"].split("|"),
                    [int(pack) for pack in row["pack_quantities"].split("|")],
                    row["minimum_unit"],
                    row["unit_price"],
                    (row["originator"], row["originator_trade_name"]) if row["originator"] else None,
                )
            )
    return by_type


_TABLE = _load()
# The 25 names of the first national VBP pilot (shared/data/vbp_pilot_generic_names.csv) come first.
WESTERN = _TABLE["X"]
CHINESE_PATENT = _TABLE["Z"]


# Manufacturers of Chinese patent medicines; the others make western medicines.
CHINESE_MEDICINE_MAKERS = [
    "天士力医药集团股份有限公司",
    "石家庄以岭药业股份有限公司",
    "北京同仁堂股份有限公司同仁堂制药厂",
    "宁夏康亚药业股份有限公司",
    "扬子江药业集团有限公司",
]

"""Import of alliance-platform prices for "four-same" products (R-ORD-6): all rows or none.

The core's tabular reader reads the file (CSV or .xlsx) and types its cells; every problem is
reported at once, with its row and column, and nothing is loaded.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from procurement.core import tabular
from procurement.core.audit import audit_reason
from procurement.core.errors import PermissionDenied
from procurement.orders.models import AlliancePrice
from procurement.organisations.models import User

SHEET = tabular.Sheet(
    (
        tabular.Column("platform", ("联盟平台", "platform")),
        tabular.Column("generic_name", ("通用名", "generic_name")),
        tabular.Column("dosage_form", ("剂型", "dosage_form")),
        tabular.Column("specification", ("规格", "specification")),
        tabular.Column("manufacturer_name", ("生产企业", "manufacturer")),
        tabular.Column("pack_quantity", ("包装数量", "pack_quantity"), tabular.positive_integer),
        tabular.Column("price", ("价格", "挂网价格", "price"), tabular.price),
        tabular.Column("effective_date", ("执行日期", "effective_date"), tabular.a_date),
    ),
    max_rows=20000,
    no_rows=gettext_lazy("The file has no price rows."),
)
# R-ORD-6: a "four-same" product on one platform, the key of an alliance price.
KEY = ("platform", "generic_name", "dosage_form", "specification", "manufacturer_name", "pack_quantity")


def import_alliance_prices(*, actor: User, stream) -> int:
    """Load (or replace) alliance prices; any bad row refuses the file, every problem named."""
    if not (actor.is_superuser or actor.is_provincial_bureau):
        raise PermissionDenied(_("Only the provincial bureau imports alliance prices."), code="forbidden")
    table = SHEET.read(stream)
    seen: dict[tuple, int] = {}
    for row in table.rows:
        if not row.ok:
            continue
        key = tuple(row[field] for field in KEY)
        if key in seen:  # the second price of one product would silently replace the first
            table.problem(
                row,
                "generic_name",
                _("The same product is already in row %(row)d.") % {"row": seen[key]},
                code="duplicate",
                rule="R-ORD-6",
                params={"first_row": seen[key]},
            )
        seen.setdefault(key, row.number)
    table.raise_problems()
    with transaction.atomic(), audit_reason(_("Alliance prices imported")):
        for row in table.rows:
            AlliancePrice.objects.update_or_create(
                **{field: row[field] for field in KEY},
                defaults={"price": row["price"], "effective_date": row["effective_date"], "imported_by": actor},
            )
    return len(table.rows)

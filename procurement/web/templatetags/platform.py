"""Template filters shared by every page (registered as builtins in settings)."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def unit_price(pack_price, product):
    """The unit price of ``product`` at ``pack_price`` (DOMAIN §2), through the catalogue's one function."""
    if pack_price is None:
        return ""
    return product.unit_price(pack_price)

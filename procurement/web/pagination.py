"""A paginator that counts in the page's own statement, for the search pages (bench/search.py).

Django's paginator sends two statements: ``COUNT(*)`` over the rows found, then the page. A search's
products are found first (``catalogue.selectors.FoundFirst``) and every one of them is joined and
checked before the page's sort anyway; counted apart, the search and its checks run twice (``缓释片``,
7,724 products found: the count 20 ms beside the page's 33 ms). ``CountedOnPage`` reads the page with
``COUNT(*) OVER ()``, the rows found before the limit, and asks for a separate count only when the page
holds no row (nothing found, or a page past the end: Django's own answer then).

Without a search it does not pay: the page walks the products in their order and stops at its last
row, where a count over the window would have to join every product. ``ScopedListView`` uses it only
where a view says so (``counts_on_page``).
"""

from django.core.paginator import Paginator
from django.db.models import Count, Window

FOUND = "_found_in_all"


class CountedOnPage(Paginator):
    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if orphans:
            raise ValueError("CountedOnPage reads its page before its count: it cannot fold orphans into it.")
        super().__init__(object_list, per_page, orphans, allow_empty_first_page, **kwargs)

    def page(self, number):
        if not isinstance(number, int) or number < 1:
            return super().page(number)  # Django's own checks: PageNotAnInteger, EmptyPage
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(**{FOUND: Window(Count("*"))})[bottom : bottom + self.per_page])
        if not rows:
            return super().page(number)  # nothing found, or past the end: counted apart, as Django does
        first = rows[0]
        self.count = first[FOUND] if isinstance(first, dict) else getattr(first, FOUND)  # the cached property
        return self._get_page(rows, number, self)

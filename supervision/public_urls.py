"""Public disclosure (R-SUP-7), under /disclosure/ (no login)."""

from django.urls import path
from django.views.generic import RedirectView

from supervision import public

app_name = "disclosure"

urlpatterns = [
    path("", public.disclosure, name="index"),
    path("ocds.json", public.ocds_download, name="ocds"),
    # The VBP contracts are VBP's own public page now; links to the old address keep working.
    path(
        "vbp-contracts/",
        RedirectView.as_view(pattern_name="vbp-public:contracts", permanent=True, query_string=True),
        name="vbp-contracts",
    ),
]

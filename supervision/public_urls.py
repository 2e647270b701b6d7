"""Public disclosure (R-SUP-7), under /disclosure/ (no login)."""

from django.urls import path

from supervision import public

app_name = "disclosure"

urlpatterns = [
    path("", public.disclosure, name="index"),
    path("ocds.json", public.ocds_download, name="ocds"),
    path("vbp-contracts/", public.vbp_contracts, name="vbp-contracts"),
]

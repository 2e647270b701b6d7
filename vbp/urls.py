from django.urls import path

from vbp import views

app_name = "vbp"

urlpatterns = [
    path("", views.round_list, name="round-list"),
    path("rounds/new/", views.round_new, name="round-new"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("national/import/", views.national_import, name="national-import"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:unit_id>/bid/", views.bid_submit, name="bid-submit"),
    path("bids/", views.bids, name="bids"),
    path("contracts/", views.contract_list, name="contract-list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract-detail"),
    path("completion/", views.completion, name="completion"),
    path("supply/", views.supply, name="supply"),
]

# 信息公开: the results of opened rounds, for anyone (R-VBP-9).
public_urlpatterns = [
    path("", views.public_results, name="results"),
    path("<int:pk>/", views.public_round, name="round"),
    path("contracts/", views.public_contracts, name="contracts"),
]

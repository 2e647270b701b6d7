from django.urls import path

from listings import views

app_name = "listings"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("declarations/", views.DeclarationListView.as_view(), name="declaration-list"),
    path("declarations/new/", views.declaration_new, name="declaration-new"),
    path("declarations/cap/", views.declaration_cap, name="declaration-cap"),
    path("declarations/import/", views.declaration_import, name="declaration-import"),
    path("declarations/template.xlsx", views.declaration_template, name="declaration-template"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration-detail"),
    path("declarations/<int:pk>/edit/", views.declaration_edit, name="declaration-edit"),
    path("declarations/<int:pk>/submit/", views.declaration_submit, name="declaration-submit"),
    path("declarations/<int:pk>/documents/", views.declaration_document, name="declaration-document"),
    path("declarations/<int:pk>/<str:action>/", views.declaration_review, name="declaration-review"),
    path("declarations/<int:pk>/panel/<str:action>/", views.panel_action, name="panel-action"),
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("withdrawals/", views.withdrawal_queue, name="withdrawals"),
    path("notices/", views.notice_list, name="notices"),
    path("adjustments/", views.adjustment_rounds, name="adjustments"),
    path("adjustments/<int:pk>/", views.adjustment_round_detail, name="adjustment-detail"),
    path("", views.MyListingsView.as_view(), name="listing-list"),
    path("<int:pk>/", views.listing_detail, name="listing-detail"),
    path("<int:pk>/<str:action>/", views.listing_action, name="listing-action"),
]

public_urlpatterns = [
    path("", views.PublicListingView.as_view(), name="public-list"),
    path("export.xlsx", views.public_export, name="public-export"),
]

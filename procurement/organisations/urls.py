from django.urls import path

from procurement.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="organisation-list"),
    path("<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("api-keys/", views.token_list, name="token-list"),
    path("api-keys/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]

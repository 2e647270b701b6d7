from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("flags/", views.flag_list, name="flags"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/open/", views.case_open, name="case-open"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/evidence/<int:evidence_pk>/", views.case_evidence, name="case-evidence"),
]

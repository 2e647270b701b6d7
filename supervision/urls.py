from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("flags/", views.flag_list, name="flags"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/open/", views.case_open, name="case-open"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/evidence/<int:evidence_pk>/", views.case_evidence, name="case-evidence"),
    path("abnormal/", views.abnormal_list, name="abnormal-list"),
    path("abnormal/export.xlsx", views.abnormal_export, name="abnormal-export"),
    path("abnormal/<int:pk>/", views.abnormal_action, name="abnormal-action"),
    path("supply/", views.supply, name="supply"),
]

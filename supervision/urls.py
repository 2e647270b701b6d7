from django.urls import path

from supervision import indicator_views, views

app_name = "supervision"

urlpatterns = [
    # R-SUP-1: the cockpit, the indicators and the monthly report (supervision.indicator_views)
    path("", indicator_views.cockpit, name="cockpit"),
    path("indicators/regions/", indicator_views.by_region, name="by-region"),
    path("indicators/hospitals/", indicator_views.by_hospital, name="by-hospital"),
    path("indicators/hospitals/<int:pk>/", indicator_views.hospital, name="hospital"),
    path("indicators/<slug:key>/", indicator_views.indicator, name="indicator"),
    path("report/", indicator_views.monthly_report, name="report"),
    # R-SUP-3 … R-SUP-6: flags, cases, abnormal prices, supply (supervision.views)
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

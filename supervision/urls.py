from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("indicators/regions/", views.by_region, name="by-region"),
    path("indicators/hospitals/", views.by_hospital, name="by-hospital"),
    path("indicators/hospitals/<int:pk>/", views.hospital, name="hospital"),
    path("indicators/<slug:key>/", views.indicator, name="indicator"),
    path("report/", views.monthly_report, name="report"),
]

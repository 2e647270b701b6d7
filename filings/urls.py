from django.urls import path

from filings import views

app_name = "filings"

urlpatterns = [
    path("", views.filing_list, name="filing-list"),
    path("new/", views.filing_new, name="filing-new"),
    path("<int:pk>/", views.filing_detail, name="filing-detail"),
    path("<int:pk>/documents/<int:document_pk>/", views.document, name="document"),
    path("batch/", views.batch, name="batch"),
    path("warnings/", views.warnings, name="warnings"),
    path("report/", views.monthly_report, name="report"),
]

from django.urls import path

from procurement.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("policies/", views.policies, name="policies"),
    path("audit/", views.AuditListView.as_view(), name="audit-list"),
    # Browsers ask for /favicon.ico whatever the page's link says.
    path("favicon.ico", views.favicon),
]

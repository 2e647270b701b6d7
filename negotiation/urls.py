from django.urls import path

from negotiation import views

app_name = "negotiation"

urlpatterns = [
    path("", views.thread_list, name="thread-list"),
    path("new/", views.thread_new, name="thread-new"),
    path("<int:pk>/", views.thread_detail, name="thread-detail"),
    path("answers/", views.answers_excel, name="answers-excel"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/rezone/", views.rezone, name="rezone"),
    path("alerts/products/<int:product_id>/", views.product_alerts, name="product-alerts"),
    path("alerts/hospitals/<int:hospital_id>/", views.hospital_alerts, name="hospital-alerts"),
    path("flags/", views.flag_list, name="flags"),
]

from django.urls import path

from procurement.credit import views

app_name = "credit"

urlpatterns = [
    path("", views.CreditEventListView.as_view(), name="event-list"),
    path("events/new/", views.credit_event_new, name="event-new"),
    path("events/<int:pk>/evidence/", views.credit_event_evidence, name="event-evidence"),
    path("bad-records/", views.bad_records, name="bad-records"),
    path("delistings/", views.delistings, name="delistings"),
    path("grades/", views.grade_list, name="grades"),
    path("companies/<int:pk>/", views.company_credit, name="company"),
]

public_urlpatterns = [
    path("", views.PublicBadRecordView.as_view(), name="bad-record-list"),
]

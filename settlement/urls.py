from django.urls import path

from settlement import views

app_name = "settlement"

urlpatterns = [
    path("payables/", views.payable_list, name="payables"),
    path("payables/pay/", views.payable_pay, name="pay"),
    path("payables/export/", views.payable_export, name="payables-export"),
    path("payments/", views.payments, name="payments"),
    path("receipts/", views.receipts, name="receipts"),
    path("receipts/confirm/", views.receipt_confirm, name="confirm"),
    path("rates/", views.rates, name="rates"),
]

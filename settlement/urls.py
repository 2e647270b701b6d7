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
    path("budgets/", views.BudgetAssessmentListView.as_view(), name="budgets"),
    path("budgets/compute/", views.budgets_compute, name="budgets-compute"),
    path("budgets/confirm/", views.budget_confirm, name="budget-confirm"),
]

# Published: the payment standards and the calculator (no login), under /payment-standards/.
public_standard_urlpatterns = [
    path("", views.PublicStandardListView.as_view(), name="list"),
    path("calculator/", views.standard_calculator, name="calculator"),
    path("export.xlsx", views.standards_export, name="export"),
    path("compute/", views.standards_compute, name="compute"),
]

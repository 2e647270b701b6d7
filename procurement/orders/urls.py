from django.urls import path

from procurement.orders import views

app_name = "orders"

urlpatterns = [
    path("buy/", views.BuyView.as_view(), name="buy"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("", views.OrderListView.as_view(), name="order-list"),
    path("<int:pk>/", views.order_detail, name="order-detail"),
    path("<int:pk>/confirm-all/", views.order_confirm_all, name="order-confirm-all"),
    path("lines/", views.LineListView.as_view(), name="line-list"),
    path("acceptance/", views.acceptance, name="acceptance"),
    path("lines/<int:pk>/<str:action>/", views.line_action, name="line-action"),
    path("shipments/<int:pk>/<str:action>/", views.shipment_action, name="shipment-action"),
    path("designations/", views.designations, name="designations"),
    path("offline/", views.offline_purchases, name="offline"),
    path("alliance-prices/", views.alliance_prices, name="alliance"),
    path("alliance-prices/imports/<int:pk>/", views.alliance_import, name="alliance-import"),
    path("alliance-prices/imports/<int:pk>/retry/", views.alliance_import_retry, name="alliance-import-retry"),
    path(
        "alliance-prices/imports/<int:pk>/problems.csv",
        views.alliance_import_problems_csv,
        name="alliance-import-problems-csv",
    ),
]

public_urlpatterns = [
    path("", views.PublicBatchView.as_view(), name="batches"),
    path("<int:pk>/report/", views.batch_report, name="batch-report"),
]

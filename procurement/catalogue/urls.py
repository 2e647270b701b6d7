from django.urls import path

from procurement.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path("products/<str:code>/", views.product_detail, name="product-detail"),
    path("national-prices/", views.NationalPriceListView.as_view(), name="national-price-list"),
    path("national-prices/imports/", views.ImportListView.as_view(), name="import-list"),
    path("national-prices/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("national-prices/imports/<int:pk>/errors.csv", views.import_errors_csv, name="import-errors-csv"),
    path("national-prices/imports/<int:pk>/retry/", views.import_retry, name="import-retry"),
]

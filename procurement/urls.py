from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from listings.urls import public_urlpatterns as public_listing_urls
from procurement.credit.urls import public_urlpatterns as public_credit_urls
from procurement.orders.urls import public_urlpatterns as public_batch_urls
from settlement.urls import public_standard_urlpatterns
from vbp.urls import public_urlpatterns as public_vbp_urls

urlpatterns = [
    path("api/v1/", include(("procurement.api.urls", "api"), namespace="api")),  # first: HIS traffic is the bulk
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/changed/"),
        name="password_change",
    ),
    path("accounts/password/changed/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("catalogue/", include("procurement.catalogue.urls")),
    path("calendar/", include("procurement.workdays.urls")),
    path("organisations/", include("procurement.organisations.urls")),
    path("listings/", include("listings.urls")),
    path("listed/", include((public_listing_urls, "public"), namespace="public")),
    path("orders/", include("procurement.orders.urls")),
    path("negotiation/", include("negotiation.urls")),
    path("filings/", include("filings.urls")),
    path("settlement/", include("settlement.urls")),
    path("disclosure/", include("supervision.public_urls")),
    path("payment-standards/", include((public_standard_urlpatterns, "standards"), namespace="standards")),
    path("vbp/", include("vbp.urls")),
    path("vbp-results/", include((public_vbp_urls, "vbp-public"), namespace="vbp-public")),
    path("batches/", include((public_batch_urls, "batches"), namespace="batches")),
    path("credit/", include("procurement.credit.urls")),
    path("supervision/", include("supervision.urls")),
    path("bad-record-list/", include((public_credit_urls, "credit-public"), namespace="credit-public")),
    path("", include("procurement.web.urls")),
]

admin.site.site_header = settings.PLATFORM_NAME
admin.site.site_title = settings.PLATFORM_NAME

handler400 = "procurement.web.errors.bad_request"
handler403 = "procurement.web.errors.permission_denied"
handler404 = "procurement.web.errors.page_not_found"
handler500 = "procurement.web.errors.server_error"

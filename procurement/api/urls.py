"""The REST API, version 1: every app's viewsets on one router, the schema and its docs (served locally)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from filings.api.views import FilingChangesView, FilingViewSet
from listings.api.views import (
    DeclarationViewSet,
    ListingChangesView,
    ListingViewSet,
    NoticeViewSet,
    ProposalViewSet,
    WithdrawalViewSet,
)
from negotiation.api.views import AgreementViewSet, NegotiationViewSet
from procurement.catalogue.api.views import NationalPriceImportViewSet, NationalPriceViewSet, ProductViewSet
from procurement.credit.api.views import BadRecordViewSet, CreditEventViewSet, DelistingViewSet
from procurement.orders.api.views import (
    DesignationViewSet,
    LineChangesView,
    OfflinePurchaseViewSet,
    OrderLineViewSet,
    OrderViewSet,
    PricesView,
    ShipmentChangesView,
    ShipmentViewSet,
)
from procurement.organisations.api.views import MeView, OrganisationViewSet, RegionViewSet
from procurement.workdays.api.views import DeadlineView
from settlement.api.views import (
    DirectPaymentsView,
    PayableChangesView,
    PayableViewSet,
    PaymentChangesView,
    PaymentStandardViewSet,
    PaymentViewSet,
)
from supervision.api.views import (
    AbnormalItemViewSet,
    CaseViewSet,
    FlagListView,
    IndicatorValueViewSet,
    StockReportViewSet,
    SupplyView,
)
from vbp.api.views import (
    AllocationViewSet,
    BidResultViewSet,
    BidViewSet,
    ContractViewSet,
    DemandViewSet,
    RoundViewSet,
    ShortageWarningViewSet,
    SupplyReportViewSet,
)


class Router(DefaultRouter):
    include_format_suffixes = False  # JSON is the API's format: no ``.json`` twin of every route


router = Router()
# The HIS hot paths first: a URL is matched against the routes in order.
router.register("orders", OrderViewSet, basename="order")
router.register("order-lines", OrderLineViewSet, basename="order-line")
router.register("shipments", ShipmentViewSet, basename="shipment")
router.register("regions", RegionViewSet, basename="region")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("products", ProductViewSet, basename="product")
router.register("national-prices/imports", NationalPriceImportViewSet, basename="national-price-import")
router.register("national-prices", NationalPriceViewSet, basename="national-price")
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("listings", ListingViewSet, basename="listing")
router.register("price-notices", NoticeViewSet, basename="price-notice")
router.register("withdrawals", WithdrawalViewSet, basename="withdrawal")
router.register("adjustment-proposals", ProposalViewSet, basename="adjustment-proposal")
router.register("designations", DesignationViewSet, basename="designation")
router.register("offline-purchases", OfflinePurchaseViewSet, basename="offline-purchase")
router.register("negotiations", NegotiationViewSet, basename="negotiation")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("filings", FilingViewSet, basename="filing")
router.register("credit-events", CreditEventViewSet, basename="credit-event")
router.register("bad-records", BadRecordViewSet, basename="bad-record")
router.register("delistings", DelistingViewSet, basename="delisting")
router.register("payables", PayableViewSet, basename="payable")
router.register("payments", PaymentViewSet, basename="payment")
router.register("payment-standards", PaymentStandardViewSet, basename="payment-standard")
router.register("vbp/rounds", RoundViewSet, basename="vbp-round")
router.register("vbp/results", BidResultViewSet, basename="vbp-result")
router.register("vbp/bids", BidViewSet, basename="vbp-bid")
router.register("vbp/demands", DemandViewSet, basename="vbp-demand")
router.register("vbp/allocations", AllocationViewSet, basename="vbp-allocation")
router.register("vbp/contracts", ContractViewSet, basename="vbp-contract")
router.register("vbp/supply-reports", SupplyReportViewSet, basename="vbp-supply-report")
router.register("vbp/shortage-warnings", ShortageWarningViewSet, basename="vbp-shortage-warning")
router.register("supervision/cases", CaseViewSet, basename="supervision-case")
router.register("supervision/abnormal", AbnormalItemViewSet, basename="supervision-abnormal")
router.register("supervision/stock-reports", StockReportViewSet, basename="supervision-stock-report")
router.register("supervision/indicators", IndicatorValueViewSet, basename="supervision-indicator")

_DOCUMENTATION_CSP = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

urlpatterns = [
    path("", include(router.urls)),
    path("me/", MeView.as_view(), name="me"),
    path("working-days/deadline/", DeadlineView.as_view(), name="working-days-deadline"),
    path("prices/", PricesView.as_view(), name="prices"),
    path("his/order-lines/", LineChangesView.as_view(), name="his-order-lines"),
    path("his/shipments/", ShipmentChangesView.as_view(), name="his-shipments"),
    path("his/listing-prices/", ListingChangesView.as_view(), name="his-listing-prices"),
    path("his/filings/", FilingChangesView.as_view(), name="his-filings"),
    path("his/payables/", PayableChangesView.as_view(), name="his-payables"),
    path("his/payments/", PaymentChangesView.as_view(), name="his-payments"),
    path("supervision/flags/", FlagListView.as_view(), name="supervision-flags"),
    path("supervision/supply/", SupplyView.as_view(), name="supervision-supply"),
    path("settlement/direct-payments/", DirectPaymentsView.as_view(), name="direct-payments"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation bundles inject their own styles (Redoc's search runs in a worker it makes from
    # a blob): their pages allow that, and still no script but the platform's own files (issue 11 #14).
    # The split Swagger view serves its start-up script as a file instead of inline.
    path("docs/", _DOCUMENTATION_CSP(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", _DOCUMENTATION_CSP(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
]

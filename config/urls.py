"""URL map. Public and enterprise-facing routes are listed in ADR 0006 (network zones)."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from clearcheck.core.metrics import metrics_view
from clearcheck.core.ping import ping
from clearcheck.core.views import healthz

from .api import api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("metrics", metrics_view, name="metrics"),  # Prometheus, government zone only (issue 21)  # the minimal JSON view of bench/checkin.py
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    # The scripts' messages (djangojs catalogue), served by the platform itself: nothing is fetched from
    # outside. Cached per language for a day; a deployment's new catalogue comes with a restart.
    path("i18n/js/", cache_page(86400)(JavaScriptCatalog.as_view()), name="javascript_catalog"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("clearcheck.accounts.urls")),
    path("public/", include("clearcheck.registry.public_urls")),
    path("public/", include("clearcheck.inspections.public_urls")),
    path("public/", include("clearcheck.catalog.public_urls")),
    path("public/", include("clearcheck.planning.public_urls")),
    path("public/", include("clearcheck.sampling.public_urls")),
    path("public/", include("clearcheck.supervision.public_urls")),
    path("work/registry/", include("clearcheck.registry.urls")),
    path("work/catalog/", include("clearcheck.catalog.urls")),
    path("work/planning/", include("clearcheck.planning.urls")),
    path("work/inspections/", include("clearcheck.inspections.urls")),
    path("work/sampling/", include("clearcheck.sampling.urls")),
    path("work/imports/", include("clearcheck.exchange.urls")),
    path("work/", include("clearcheck.supervision.urls")),  # /work/alerts/, /work/supervision/, /work/dashboards/
    path("work/feedback/", include("clearcheck.feedback.urls")),
    path("enterprise/", include("clearcheck.feedback.enterprise_urls")),
    path("enterprise/", include("clearcheck.supervision.enterprise_urls")),
    path("enterprise/", include("clearcheck.sampling.enterprise_urls")),
    path("work/audit/", include("clearcheck.audit.urls")),
    path("", include("clearcheck.disclosure.urls")),
]

# A database outage answers 503 with Retry-After (the API as a problem document), a fault 500 (issue 20).
handler500 = "clearcheck.core.outage.server_error"

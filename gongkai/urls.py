from django.contrib import admin
from django.urls import include, path

from gongkai.portal.api import api

urlpatterns = [
    # The public column first: its pages are most of the traffic, and Django tries patterns
    # in order (none of the apps below share its prefixes).
    path("", include("gongkai.portal.urls")),
    path("accounts/", include("gongkai.accounts.urls")),
    path("staff/accounts/", include("gongkai.accounts.staff_urls")),
    path("staff/organisations/", include("gongkai.organisations.urls")),
    path("staff/catalogue/", include("gongkai.catalogue.urls")),
    path("", include("gongkai.workbench.urls")),
    path("staff/", include("gongkai.records.urls")),
    path("api/", api.urls),
    # Each app below mounts public pages at its prefix and staff pages under staff/<app>/.
    path("", include("gongkai.applications.urls")),
    path("", include("gongkai.consultations.urls")),
    path("", include("gongkai.search.urls")),
    path("", include("gongkai.interpretations.urls")),
    path("", include("gongkai.concerns.urls")),
    path("", include("gongkai.disclosures.urls")),
    path("", include("gongkai.supervision.urls")),
    path("", include("gongkai.screening.urls")),
    path("", include("gongkai.holidays.urls")),
    path("", include("gongkai.notifications.urls")),
    path("", include("gongkai.ocr.urls")),
    # The Django admin: root system administrators only, no secrets, audited (decision 0015).
    path("system/admin/", admin.site.urls),
]

handler400 = "gongkai.portal.views.bad_request"
handler403 = "gongkai.portal.views.forbidden"
handler404 = "gongkai.portal.views.not_found"
handler500 = "gongkai.portal.views.server_error"

from django.urls import path

from gongkai.supervision import views

app_name = "supervision"

urlpatterns = [
    path("staff/supervision/", views.dashboard_view, name="dashboard"),
    path("staff/supervision/refresh/", views.refresh_view, name="refresh"),
    path("staff/supervision/records/", views.records_view, name="records"),
    path("staff/supervision/export.<str:fmt>", views.export_view, name="export"),
    path("staff/supervision/scheme/", views.scheme_view, name="scheme"),
    path("staff/supervision/inspection/", views.inspection_view, name="inspection"),
    path("staff/supervision/digests/", views.digests_view, name="digests"),
    path("staff/supervision/indicators/", views.indicators_view, name="indicators"),
    path("staff/supervision/applicability/", views.applicability_view, name="applicability"),
    # The year is a query parameter (?year=2025, default: last year). ``annual_reports`` is
    # the stable entry point other pages (workbenches, dashboards) link to.
    path("staff/supervision/annual/", views.annual_list_view, name="annual_reports"),
    path("staff/supervision/annual/<str:code>/", views.annual_view, name="annual"),
    path("staff/supervision/annual/<str:code>/file/", views.annual_file_view, name="annual_file"),
    path(
        "staff/supervision/annual/<str:code>/report.<str:fmt>",
        views.annual_export_view,
        name="annual_export",
    ),
]

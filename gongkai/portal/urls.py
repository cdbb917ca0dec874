from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from gongkai.portal import downloads, feeds, printing, views
from gongkai.portal.sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/<str:code>/", views.item_page, name="item"),
    path("sections/<str:code>/", views.section_page, name="section"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<str:code>/", views.organisation_page, name="organisation"),
    path("display/", views.display_mode, name="display_mode"),
    path("filters/schools/", views.school_select, name="school_select"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += [
    path("records/<int:pk>/", views.record_page, name="record"),
    path("files/<int:pk>/<str:name>", views.attachment_download, name="attachment"),
]

urlpatterns += [
    path("records/<int:pk>/print/", printing.record_print, name="record_print"),
    path("catalogue/<str:code>/print/", printing.item_print, name="item_print"),
    path("catalogue/<str:code>/print/<int:part>/", printing.item_print, name="item_print_part"),
    path("feeds/rss.xml", feeds.RecordFeed(), name="feed_rss"),
    path("feeds/atom.xml", feeds.AtomRecordFeed(), name="feed_atom"),
    path("catalogue/<str:code>/rss.xml", feeds.ItemFeed(), name="item_rss"),
    path("catalogue/<str:code>/atom.xml", feeds.AtomItemFeed(), name="item_atom"),
    path("organisations/<str:code>/rss.xml", feeds.OrganisationFeed(), name="organisation_rss"),
    path(
        "organisations/<str:code>/atom.xml", feeds.AtomOrganisationFeed(), name="organisation_atom"
    ),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "portal:sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("data/schools.csv", downloads.school_directory_csv, name="schools_csv"),
    path("data/statistics.csv", downloads.statistics_csv, name="statistics_csv"),
]

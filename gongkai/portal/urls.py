from django.urls import path

from gongkai.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/<str:code>/", views.item_page, name="item"),
    path("sections/<str:code>/", views.section_page, name="section"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<str:code>/", views.organisation_page, name="organisation"),
    path("display/", views.display_mode, name="display_mode"),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += [
    path("records/<int:pk>/", views.record_page, name="record"),
    path("files/<int:pk>/<str:name>", views.attachment_download, name="attachment"),
]

from django.urls import path

from gongkai.applications import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.start, name="start"),
    path("applications/filed/", views.filed, name="filed"),
    path("applications/track/", views.track, name="track"),
    path("applications/track/<int:pk>/", views.status, name="status"),
    path("applications/track/<int:pk>/letter.pdf", views.status_letter, name="status_letter"),
    path(
        "applications/track/<int:pk>/documents/<int:document>/",
        views.status_document,
        name="status_document",
    ),
    path("staff/applications/", views.workbench, name="workbench"),
    path("staff/applications/new/", views.register, name="register"),
    path("staff/applications/group/", views.group, name="group"),
    path("staff/applications/template/", views.template, name="template"),
    path("staff/applications/clusters/<int:pk>/link/", views.link, name="link"),
    path("staff/applications/<int:pk>/", views.detail, name="detail"),
    path("staff/applications/<int:pk>/act/", views.act, name="act"),
    path("staff/applications/<int:pk>/reply/", views.reply, name="reply"),
    path("staff/applications/<int:pk>/documents/", views.document, name="document"),
    path("staff/applications/<int:pk>/clear/", views.clear, name="clear"),
    path("staff/applications/<int:pk>/send/", views.send, name="send"),
    path("staff/applications/<int:pk>/letter.pdf", views.letter, name="letter"),
    path("staff/applications/<int:pk>/remedies/", views.remedy, name="remedy"),
    path(
        "staff/applications/<int:pk>/remedies/<int:number>/",
        views.remedy_edit,
        name="remedy_edit",
    ),
]

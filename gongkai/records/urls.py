from django.urls import path

from gongkai.records import views

app_name = "records"

urlpatterns = [
    path("records/", views.workbench, name="workbench"),
    path("records/new/", views.record_create, name="create"),
    path("records/<int:pk>/", views.record_detail, name="detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="edit"),
    path("records/<int:pk>/act/", views.record_act, name="act"),
    path("records/<int:pk>/attachments/", views.attachment_upload, name="attach"),
    path("records/<int:pk>/validity/", views.record_validity, name="validity"),
    path("records/<int:pk>/versions/<int:number>/diff/", views.version_diff, name="diff"),
]

from django.urls import path

from gongkai.ocr import views

app_name = "ocr"

urlpatterns = [
    path("staff/ocr/records/<int:pk>/panel/", views.panel, name="panel"),
    path("staff/ocr/attachments/<int:pk>/", views.attachment_pages, name="attachment"),
    path(
        "staff/ocr/attachments/<int:pk>/pages/<int:number>.png",
        views.page_image,
        name="page_image",
    ),
    path("staff/ocr/attachments/<int:pk>/redact/", views.redact, name="redact"),
    path("staff/ocr/attachments/<int:pk>/retry/", views.retry, name="retry"),
]

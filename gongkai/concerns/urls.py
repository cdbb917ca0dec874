from django.urls import path

from gongkai.concerns import views

app_name = "concerns"

urlpatterns = [
    path("responses/", views.responses, name="responses"),
    path("staff/concerns/", views.workbench, name="workbench"),
    path("staff/concerns/new/", views.concern_create, name="create"),
    path("staff/concerns/<int:pk>/", views.concern_detail, name="detail"),
    path("staff/concerns/<int:pk>/edit/", views.concern_edit, name="edit"),
    path("staff/concerns/<int:pk>/assess/", views.concern_assess, name="assess"),
    path("staff/concerns/<int:pk>/level/", views.concern_level, name="level"),
    path("staff/concerns/<int:pk>/act/", views.concern_act, name="act"),
    path("staff/concerns/<int:pk>/screenshots/", views.screenshot_upload, name="screenshot"),
    path(
        "staff/concerns/<int:pk>/screenshots/<int:number>/",
        views.screenshot_file,
        name="screenshot_file",
    ),
    path("staff/concerns/<int:pk>/respond/", views.response_create, name="respond"),
]

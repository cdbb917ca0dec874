from django.urls import path

from gongkai.workbench import views

app_name = "workbench"

urlpatterns = [
    path("staff/", views.home, name="home"),
]

from django.urls import path

from gongkai.accounts import views

app_name = "staff_accounts"

urlpatterns = [
    path("audit/", views.audit_log, name="audit_log"),
]

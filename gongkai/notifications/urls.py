from django.urls import path

from gongkai.notifications import views

app_name = "notifications"

urlpatterns = [
    path("staff/notifications/", views.inbox, name="inbox"),
    path("staff/notifications/<int:pk>/", views.open_notification, name="open"),
    path("staff/notifications/read/", views.read_all, name="read_all"),
    path("staff/notifications/settings/", views.preference, name="preference"),
]

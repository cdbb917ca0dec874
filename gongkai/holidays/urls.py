from django.urls import path

from gongkai.holidays import views

app_name = "holidays"

urlpatterns = [
    path("staff/calendar/", views.calendar_home, name="calendar"),
    path("staff/calendar/load/", views.load, name="load"),
    path("staff/calendar/<int:year>/", views.year_view, name="year"),
]

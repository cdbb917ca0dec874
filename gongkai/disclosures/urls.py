from django.urls import path

from gongkai.disclosures import views

app_name = "disclosures"

urlpatterns = [
    path("services/", views.service_list, name="services"),
    path("services/<int:pk>/print/", views.guide_print, name="guide_print"),
    path("powers/", views.power_list, name="powers"),
    path("powers/<str:which>/", views.power_list, name="power_list"),
    path("progress/", views.progress_list, name="progress"),
    path("progress/<int:pk>/", views.progress_page, name="progress_detail"),
    path("five/", views.five_page, name="five"),
    path("five/<str:slug>/", views.five_page, name="five_class"),
    path("staff/disclosures/", views.staff_list, name="staff_list"),
    path("staff/disclosures/new/<str:kind>/", views.staff_create, name="staff_create"),
    path("staff/disclosures/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
]

from django.urls import path

from gongkai.screening import views

app_name = "screening"

urlpatterns = [
    path("staff/screening/records/<int:pk>/", views.record_findings, name="record"),
    path("staff/screening/records/<int:pk>/rescan/", views.rescan, name="rescan"),
    path("staff/screening/records/<int:pk>/mask/", views.mask, name="mask"),
    path("staff/screening/findings/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("staff/screening/attachments/<int:pk>/replace/", views.replace, name="replace"),
    path("staff/screening/terms/", views.terms, name="terms"),
    path("staff/screening/terms/<int:pk>/toggle/", views.term_toggle, name="term_toggle"),
]

from django.urls import path

from gongkai.consultations import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.consultation_list, name="list"),
    path("consultations/<int:pk>/", views.consultation_detail, name="detail"),
    path("consultations/<int:pk>/comment/", views.comment_submit, name="comment"),
    path("mailbox/", views.mailbox_index, name="mailbox"),
    path("mailbox/new/<int:pk>/", views.mailbox_write, name="mailbox_write"),
    path("mailbox/track/", views.mailbox_track, name="mailbox_track"),
    path("events/", views.event_list, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("staff/consultations/", views.staff_home, name="staff_home"),
    path("staff/consultations/new/", views.consultation_create, name="staff_create"),
    path("staff/consultations/<int:pk>/", views.consultation_staff_detail, name="staff_detail"),
    path("staff/consultations/<int:pk>/edit/", views.consultation_edit, name="staff_edit"),
    path("staff/consultations/<int:pk>/act/", views.consultation_act, name="staff_act"),
    path("staff/consultations/<int:pk>/adoptions/", views.adoption_create, name="staff_adoption"),
    path(
        "staff/consultations/<int:pk>/comments/new/",
        views.comment_register,
        name="staff_comment_register",
    ),
    path(
        "staff/consultations/<int:pk>/attachments/",
        views.attachment_upload,
        name="staff_attachment",
    ),
    path(
        "staff/consultations/adoptions/<int:pk>/withdraw/",
        views.adoption_withdraw,
        name="staff_adoption_withdraw",
    ),
    path(
        "staff/consultations/comments/<int:pk>/moderate/",
        views.comment_moderate,
        name="staff_moderate",
    ),
    path("staff/consultations/messages/<int:pk>/", views.message_detail, name="staff_message"),
    path("staff/consultations/messages/<int:pk>/act/", views.message_act, name="staff_message_act"),
    path("staff/consultations/events/new/", views.event_create, name="staff_event_create"),
    path("staff/consultations/events/<int:pk>/", views.event_staff_detail, name="staff_event"),
    path("staff/consultations/events/<int:pk>/act/", views.event_act, name="staff_event_act"),
]

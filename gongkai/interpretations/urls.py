from django.urls import path

from gongkai.interpretations import views

app_name = "interpretations"

urlpatterns = [
    path("interpretations/", views.interpretation_list, name="list"),
    path("interpretations/media/<int:pk>/", views.media_file, name="media"),
    path("staff/interpretations/", views.staff_list, name="staff_list"),
    path("staff/interpretations/new/", views.interpretation_create, name="create"),
    path("staff/interpretations/<int:pk>/", views.interpretation_content, name="content"),
    path("staff/interpretations/<int:pk>/edit/", views.interpretation_edit, name="edit"),
    path("staff/interpretations/<int:pk>/qa/", views.qa_add, name="qa_add"),
    path("staff/interpretations/<int:pk>/speakers/", views.speaker_add, name="speaker_add"),
    path("staff/interpretations/<int:pk>/images/", views.image_add, name="image_add"),
    path("staff/interpretations/<int:pk>/video/", views.video_upload, name="video"),
    path("staff/interpretations/<int:pk>/captions/", views.captions_upload, name="captions"),
    path("staff/interpretations/<int:pk>/remove/", views.entry_remove, name="remove"),
    path("staff/interpretations/media/<int:pk>/", views.staff_media, name="staff_media"),
    path("staff/interpretations/policies/<int:pk>/plan/", views.plan_edit, name="plan"),
    path("staff/interpretations/policies/<int:pk>/risk/", views.risk_edit, name="risk"),
]

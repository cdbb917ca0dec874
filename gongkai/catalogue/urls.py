from django.urls import path

from gongkai.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.editions, name="editions"),
    path("revise/", views.start, name="start"),
    path("drafts/<int:pk>/", views.draft, name="draft"),
    path("drafts/<int:pk>/items/<int:number>/", views.draft_item, name="draft_item"),
    path(
        "drafts/<int:pk>/items/<int:number>/remove/",
        views.draft_item_remove,
        name="draft_item_remove",
    ),
    path("drafts/<int:pk>/sections/<int:number>/", views.draft_section, name="draft_section"),
    path("drafts/<int:pk>/import/", views.draft_import, name="draft_import"),
    path("drafts/<int:pk>/export/", views.draft_export, name="draft_export"),
    path("drafts/<int:pk>/publish/", views.draft_publish, name="draft_publish"),
    path("local/", views.local_items, name="local_items"),
]

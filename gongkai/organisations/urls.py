from django.urls import path

from gongkai.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.edit, name="edit"),
    path("<int:pk>/active/", views.set_active, name="set_active"),
    path("import/", views.import_file, name="import"),
    path("export/", views.export, name="export"),
]

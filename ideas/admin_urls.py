from django.urls import path

from ideas import admin_views

app_name = "ideas_admin"

urlpatterns = [
    path("", admin_views.ideas_index, name="index"),
    path("<int:idea_id>/", admin_views.idea_manage, name="idea"),
]

from django.urls import path

from profiles import views

app_name = "profiles"

urlpatterns = [
    path("members/<str:username>/avatar/<str:size>/", views.avatar, name="avatar"),
    path("profile/", views.profile_settings, name="settings"),
]

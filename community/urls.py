from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("brands/<slug:slug>/follow/", views.follow, name="follow"),
    path("members/<str:username>/", views.member_profile, name="member"),
    path("members/<str:username>/avatar/<str:size>/", views.avatar, name="avatar"),
    path("s/<str:code>/", views.share, name="share"),
    path("comments/", views.post_comment, name="post_comment"),
    path("comments/<int:comment_id>/resubmit/", views.resubmit_comment, name="resubmit_comment"),
    path("profile/", views.profile_settings, name="profile_settings"),
    path("language/<str:code>/", views.switch_language, name="language"),
]

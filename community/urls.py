from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("brands/<slug:slug>/follow/", views.follow, name="follow"),
    path("brands/<slug:slug>/theme.css", views.brand_theme_css, name="brand_theme"),
    path("members/<str:username>/", views.member_profile, name="member"),
    path("s/<str:code>/", views.share, name="share"),
    path("help/", views.help_page, name="help"),
    path("language/<str:code>/", views.switch_language, name="language"),
    path("account/settings/", views.member_settings, name="settings"),
    path("emails/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

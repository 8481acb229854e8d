from django.urls import path

from moderation import public_views

app_name = "moderation_public"

urlpatterns = [path("report/", public_views.report, name="report")]

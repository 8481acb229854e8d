from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("ideas/<int:idea_id>/image/<str:size>/", views.idea_image, name="idea_image"),
]

from django.urls import path

from contests import views

app_name = "contests"

urlpatterns = [
    path("entries/<int:entry_id>/image/<str:size>/", views.entry_image, name="entry_image"),
    path(
        "entries/<int:entry_id>/image/<int:position>/<str:size>/",
        views.entry_image,
        name="entry_image_n",
    ),
]

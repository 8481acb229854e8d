from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("comments/", views.post_comment, name="post"),
    path("comments/<int:comment_id>/edit/", views.edit_comment, name="edit"),
    path("comments/<int:comment_id>/resubmit/", views.resubmit_comment, name="resubmit"),
]

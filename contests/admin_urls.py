from django.urls import path

from contests import admin_views

app_name = "contests_admin"

urlpatterns = [
    path("<int:page_id>/winners/", admin_views.pick_winners, name="winners"),
    path("<int:page_id>/jury/", admin_views.jury, name="jury"),
    path("held-votes/", admin_views.held_votes, name="held_votes"),
]

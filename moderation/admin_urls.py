from django.urls import path

from moderation import desk_views, views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("review/", views.review, name="review"),
    path("review/<int:item_id>/", views.review, name="review_item"),
    path("items/<int:item_id>/decide/", views.decide, name="decide"),
    path("bulk/", views.bulk, name="bulk"),
    path("remove/<int:content_type_id>/<int:object_id>/", views.remove, name="remove"),
    path("log/", views.decision_log, name="log"),
    path("reports/", desk_views.report_list, name="reports"),
    path(
        "reports/<int:content_type_id>/<int:object_id>/",
        desk_views.report_resolve,
        name="report_resolve",
    ),
    path("suspensions/", desk_views.suspensions, name="suspensions"),
    path(
        "suspensions/<int:suspension_id>/lift/", desk_views.suspension_lift, name="suspension_lift"
    ),
    path("pauses/", desk_views.pauses, name="pauses"),
    path("pauses/<int:pause_id>/resume/", desk_views.pause_resume, name="pause_resume"),
]

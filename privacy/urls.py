from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("account/data/", views.account_data, name="account_data"),
    path("account/data/export/", views.request_export, name="request_export"),
    path("account/data/export/<str:token>/", views.download, name="download"),
    path("account/delete/", views.delete_account, name="delete_account"),
]

"""URLs of the open data, under /<lang>/open-data/."""

from django.urls import path

from relint.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue.<str:fmt>", views.catalogue, name="catalogue"),
    path("iati-activities.xml", views.iati_file, name="iati"),
    path("api/", views.api_reference, name="api_reference"),
    path("<slug:slug>.<str:fmt>", views.download, name="download"),
]

"""URLs of the open data, under /<lang>/open-data/."""

from django.urls import path

from relint.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>.<str:fmt>", views.download, name="download"),
]

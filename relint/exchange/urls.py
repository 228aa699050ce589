"""URLs of the spreadsheet import and export (namespace `exchange`),
mounted at /<lang>/workspace/import/."""

from django.urls import path

from relint.exchange import views

app_name = "exchange"

# /<lang>/workspace/import/
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.xlsx", views.template, name="template"),
    path("export/", views.export, name="export"),
    path("<uuid:uid>/", views.run, name="run"),
    path("<uuid:uid>/commit/", views.commit, name="commit"),
]

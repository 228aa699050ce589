"""URLs of the report workspace (namespace `reports`), mounted at
/<lang>/workspace/reports/. Every page is the coordinator's only."""

from django.urls import path

from relint.reports import views

app_name = "reports"

# /<lang>/workspace/reports/
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.year_detail, name="year"),
    path("<int:year>/foreword/", views.foreword_edit, name="foreword"),
    path("<int:year>/build/", views.build_start, name="build"),
    path("builds/<int:pk>/status/", views.build_status, name="status"),
    path("builds/<int:pk>/publish/", views.build_publish, name="publish"),
    path("builds/<int:pk>/report.pdf", views.download_pdf, name="pdf"),
    path("builds/<int:pk>/report.html", views.download_html, name="html"),
]

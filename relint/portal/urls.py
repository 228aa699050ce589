"""URLs of the public portal (namespace `portal`), mounted at /<lang>/.

The sitemap is language-independent, at /sitemap.xml (config/urls.py).
"""

from django.urls import path

from relint.portal import views

app_name = "portal"

urlpatterns = [
    # /<lang>/
    path("", views.home, name="home"),
    # /<lang>/cities/
    path("cities/", views.city_list, name="city_list"),
    path("cities/<uuid:uid>/", views.city_detail, name="city_detail"),
    # /<lang>/organisations/
    path("organisations/", views.organisation_list, name="organisation_list"),
    # /<lang>/activities/
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<uuid:uid>/", views.activity_detail, name="activity_detail"),
    # /<lang>/coordination-table/
    path("coordination-table/", views.coordination_table, name="coordination_table"),
    # /<lang>/reports/
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:year>/<str:language>.<str:edition>", views.report_file, name="report_file"),
    # /<lang>/privacy/, /<lang>/legal-notes/
    path("privacy/", views.privacy, name="privacy"),
    path("legal-notes/", views.legal_notes, name="legal_notes"),
]

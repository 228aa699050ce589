"""URLs of the operations layer, outside the language prefix: /health/."""

from django.urls import path

from relint.ops import views

app_name = "ops"

urlpatterns = [
    path("health/", views.health, name="health"),
]

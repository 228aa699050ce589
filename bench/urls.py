"""relint's URLs plus /bench/ping/, a trivial Django view: the floor the
portal pages are compared with in bench/web.py."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as relint_urlpatterns


def ping(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping), *relint_urlpatterns]

"""Root URL configuration.

Language-independent URLs (language switch, media) sit outside
`i18n_patterns`; every page a person reads is under /it/ or /en/.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from relint.api.api import api as public_api
from relint.workspace import urls as workspace_urls

admin.site.site_header = "relint"
admin.site.site_title = "relint"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", public_api.urls),
    # The language comes from the cookie or the browser (LocaleMiddleware).
    path("", RedirectView.as_view(pattern_name="workspace:dashboard", permanent=False)),
]
urlpatterns += i18n_patterns(
    path("account/", include((workspace_urls.account_urlpatterns, "account"))),
    path("workspace/", include(workspace_urls)),
    path("admin/", admin.site.urls),
    path("open-data/", include("relint.opendata.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""Root URL configuration.

Language-independent URLs (language switch, media) sit outside
`i18n_patterns`; every page a person reads is under /it/ or /en/.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import RedirectView

from relint.activities import urls as activity_urls
from relint.api.api import api as public_api
from relint.portal.sitemaps import SITEMAPS
from relint.workspace import urls as workspace_urls

admin.site.site_header = "relint"
admin.site.site_title = "relint"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("relint.ops.urls")),
    path("api/v1/", public_api.urls),
    # The language comes from the cookie or the browser (LocaleMiddleware).
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    # The public portal's sitemaps, both languages in each (relint/portal/sitemaps.py).
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]
urlpatterns += i18n_patterns(
    path("account/", include((workspace_urls.account_urlpatterns, "account"))),
    path("workspace/reports/", include("relint.reports.urls")),
    path("workspace/activities/", include(activity_urls)),
    path("workspace/rounds/", include((activity_urls.round_urlpatterns, "rounds"))),
    path("workspace/partners/", include("relint.partners.urls")),
    path("workspace/table/", include("relint.coordination.urls")),
    path("workspace/import/", include("relint.exchange.urls")),
    path("workspace/", include(workspace_urls)),
    path("admin/", admin.site.urls),
    path("open-data/", include("relint.opendata.urls")),
    # The public portal, last: its home page is /<lang>/ itself.
    path("", include("relint.portal.urls")),
    prefix_default_language=True,
)

# The database going away gives a 503 page, not a 500 (relint.ops.views).
handler500 = "relint.ops.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

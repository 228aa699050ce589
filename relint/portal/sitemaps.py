"""Sitemaps of the public portal, in both languages.

They list only what the portal shows: its fixed pages, every partner city,
and the activities of `Activity.objects.public()` (through the portal's
selector, the same as the pages).
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from relint.partners.models import PartnerCity
from relint.portal import selectors


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PortalPagesSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "portal:home",
            "portal:city_list",
            "portal:organisation_list",
            "portal:activity_list",
            "portal:coordination_table",
            "portal:report_list",
            "portal:privacy",
            "portal:legal_notes",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class PartnerCitySitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        return PartnerCity.objects.order_by("pk").only("uid", "updated_at")

    def location(self, item: PartnerCity) -> str:
        return reverse("portal:city_detail", args=[item.uid])

    def lastmod(self, item: PartnerCity):
        return item.updated_at


class ActivitySitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        return selectors.public_activities().only("uid", "updated_at")

    def location(self, item) -> str:
        return reverse("portal:activity_detail", args=[item.uid])

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pages": PortalPagesSitemap, "cities": PartnerCitySitemap, "activities": ActivitySitemap}

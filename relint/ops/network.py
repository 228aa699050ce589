"""The client's address, correct behind reverse proxies.

django-axes reads the address through django-ipware when it is installed;
it is not among relint's packages, so axes' `AXES_IPWARE_*` settings did
nothing and every client behind nginx had nginx's address: one office's
failures locked out the whole city. `AXES_CLIENT_IP_CALLABLE` names
`client_ip` instead, and the audit log uses it too.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent the request.

    With `RELINT_PROXY_COUNT` = n trusted proxies in front of relint, each
    appends to X-Forwarded-For the address it received the request from, so
    the client is the n-th entry from the right; entries further left were
    written by the client and prove nothing. Without proxies, or when the
    header has fewer entries than there are proxies (the request did not
    come through them), it is the connection's own address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.RELINT_PROXY_COUNT
    if count:
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            address = _valid(forwarded[-count])
            if address:
                return address
    return _valid(remote) or remote or None

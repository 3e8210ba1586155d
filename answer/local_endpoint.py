"""OPMODEL_LLM_LOCAL_ONLY: the model endpoint must be on this machine or the private network.

For data that must not leave the network. The host is resolved and every address it resolves
to must be loopback or private; a name that does not resolve is refused too, since where it
would lead cannot be known. A provider's own endpoint (no base URL) is a vendor's server on
the internet, except Ollama's, which is this machine.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Optional
from urllib.parse import urlsplit

from opmodel.errors import ConfigError

# Providers whose default endpoint (no OPMODEL_LLM_BASE_URL) runs on this machine.
LOCAL_BY_DEFAULT = {"ollama": "http://localhost:11434"}


def _addresses(host: str) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError, OSError):
        return []


def _is_local(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])  # an IPv6 zone ("fe80::1%eth0") is not part of it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_private or ip.is_link_local


def refuse_unless_local(provider: str, base_url: Optional[str]) -> None:
    """ConfigError naming the endpoint unless it is local or private."""
    url = base_url or LOCAL_BY_DEFAULT.get(provider)
    if not url:
        raise ConfigError(f"OPMODEL_LLM_LOCAL_ONLY is set but OPMODEL_LLM_BASE_URL is not, so {provider!r} would "
                          "be reached at its vendor's servers; set OPMODEL_LLM_BASE_URL to a local or private endpoint")
    host = urlsplit(url).hostname
    addresses = _addresses(host) if host else []
    if not addresses:
        raise ConfigError(f"OPMODEL_LLM_LOCAL_ONLY is set and the host of {url!r} does not resolve, "
                          "so it cannot be known to be local")
    outside = [a for a in addresses if not _is_local(a)]
    if outside:
        raise ConfigError(f"OPMODEL_LLM_LOCAL_ONLY is set and {url!r} resolves to {', '.join(outside)}, "
                          "outside localhost and the private network")

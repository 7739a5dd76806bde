"""Addresses as the hall's rules see them: a host only the machine itself reaches (a phone never could)."""

from __future__ import annotations

import ipaddress


def is_loopback_host(host: str) -> bool:
    """localhost, 127.0.0.0/8, ::1."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

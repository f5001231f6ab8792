"""Canonical URLs: one spelling per article link, so tracking noise never makes an old item new.

`canonical_url` lower-cases the scheme and host, drops the default port, the fragment and tracking
parameters (utm_*, fbclid, gclid, ...), and sorts the parameters that remain. Paths keep their
case: servers may treat `/A` and `/a` as different pages.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that say who sent the reader, never which page: dropped wherever they appear.
TRACKING_PARAMS: Final = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wt.mc_id",
        "wt_mc",
        "ncid",
        "sr_share",
        "spm",
        "at_medium",
        "at_campaign",
        "cmpid",
        "icid",
        "ito",
        "s_cid",
        "smid",
        "rb_clickid",
        "__twitter_impression",
    }
)
TRACKING_PREFIXES: Final = ("utm_", "pk_", "mtm_")
DEFAULT_PORTS: Final = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """True when a query parameter only tracks the reader (case-insensitive)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str | None:
    """The canonical form of an http(s) URL, or None when `url` is not one.

    >>> canonical_url("HTTPS://Example.COM:443/News/a?utm_source=x&b=2&a=1#top")
    'https://example.com/News/a?a=1&b=2'
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host:
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", _canonical_query(parts.query), ""))


def _canonical_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = sorted((name, value) for name, value in pairs if not is_tracking_param(name))
    return urlencode(kept)

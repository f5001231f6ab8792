"""Hypothesis strategies of hostile input, and the one settings profile every hostile test uses.

`HOSTILE` is derandomized (CI runs the same examples every time), has no deadline (the first
example of a test may load a model) and keeps no example database; a test states only how many
examples it runs, with `hostile(n)`. The counts are sized so that all tests/test_hostile_*.py
files together stay well under a minute on two cores.

Every strategy is bounded: the largest text is a few tens of kilobytes, so "never hangs" is a
claim about linear behaviour on a bounded input, not about waiting.
"""

from __future__ import annotations

import ipaddress
from typing import Final

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HOSTILE: Final = settings(
    deadline=None,
    derandomize=True,
    database=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def hostile(max_examples: int) -> settings:
    """The shared profile with `max_examples` examples."""
    return settings(HOSTILE, max_examples=max_examples)


# -- chat text -------------------------------------------------------------------------------

MENTIONS: Final = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S0123>",
    "<@U123>",
    "<@W123|name>",
    "<@&123>",
    "<@!123>",
    "<#C1>",
    "<#C1|general>",
    "@everyone",
    "@here",
    "@EveryOne",
    "@@here",
    "<<@U1>>",
    "<\u200b@U1>",
    "&lt;!channel&gt;",
    "&#60;@U1&#62;",
)
MARKDOWN: Final = (
    "```",
    "`",
    "*",
    "**",
    "_",
    "__",
    "~",
    "~~",
    ">",
    ">>>",
    "|",
    "||",
    "#",
    "-#",
    "\\",
    "[x](javascript:alert(1))",
    "[click](https://evil.example/)",
    "<http://evil.example|y>",
    "<javascript:alert(1)|x>",
    "](",
    "&",
    "&amp;",
    "<",
)
# C0 and C1 controls, NUL, bidirectional overrides, zero-width joiners and marks, a BOM,
# non-characters and lone surrogates (a str holds them; UTF-8 cannot).
ODD_CHARACTERS: Final = (
    "\x00",
    "\x07",
    "\x08",
    "\x1b[2J",
    "\x1c",
    "\x7f",
    "\x85",
    "\x9b",
    "\r",
    "\t",
    "\x0b",
    "\u2028",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ufffe",
    "\ufffd",
    "\u00ad",
    "\u0301",
    "\ud800",
    "\udfff",
    "\U0001f600",
    "\U0001f469\u200d\U0001f4bb",
)
WORDS: Final = (
    "The",
    "council",
    "said",
    "Xiaomi",
    "Amsterdam",
    "€12 million",
    "on Monday",
    "42%",
    "Dr.",
    "U.S.",
    "...",
    "?",
    "!",
    ".",
    "“",
    "”",
    "'",
    '"',
    "http://x.example/a",
)

atoms = st.sampled_from(MENTIONS + MARKDOWN + ODD_CHARACTERS + WORDS)
# Any code point, surrogates included.
any_text = st.text(alphabet=st.characters(codec=None), max_size=12)


def hostile_text(max_parts: int = 24, min_parts: int = 0) -> st.SearchStrategy[str]:
    """Short text made of mention syntax, markdown, odd characters, words and random text."""
    parts = st.lists(st.one_of(atoms, any_text), min_size=min_parts, max_size=max_parts)
    return parts.map("".join)


def hostile_prose(max_words: int = 60) -> st.SearchStrategy[str]:
    """Hostile words joined by spaces: sentences a segmenter will try to split."""
    return st.lists(st.one_of(atoms, any_text), max_size=max_words).map(" ".join)


def enormous(max_repeats: int = 2_000) -> st.SearchStrategy[str]:
    """A hostile snippet repeated up to `max_repeats` times (tens of kilobytes at most)."""
    return st.builds(
        lambda snippet, times: snippet * times,
        st.lists(atoms, min_size=1, max_size=6).map("".join),
        st.integers(min_value=1, max_value=max_repeats),
    )


def chat_text() -> st.SearchStrategy[str]:
    """Untrusted text of any size a message may carry."""
    return st.one_of(hostile_text(), hostile_prose(), enormous())


# -- HTML, markdown and plain text -----------------------------------------------------------

TAGS: Final = (
    "p",
    "div",
    "span",
    "script",
    "style",
    "svg",
    "noscript",
    "template",
    "h1",
    "h2",
    "li",
    "ul",
    "a",
    "b",
    "article",
    "main",
    "nav",
    "footer",
    "aside",
    "iframe",
    "title",
    "table",
    "td",
    "br",
    "html",
    "head",
    "body",
    "meta",
    "x:y",
)


@st.composite
def html_documents(draw: st.DrawFn) -> str:
    """Random HTML: nested and unclosed tags, junk attributes, scripts, comments, prose."""
    parts: list[str] = []
    for _ in range(draw(st.integers(min_value=0, max_value=30))):
        tag = draw(st.sampled_from(TAGS))
        piece = draw(
            st.one_of(
                st.just(f"<{tag}>"),
                st.just(f"</{tag}>"),
                st.builds(
                    lambda name, junk, attrs: f'<{name} class="{junk}" {attrs}>',
                    st.just(tag),
                    hostile_text(3),
                    hostile_text(3),
                ),
                st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml?>"]),
                hostile_prose(20),
                hostile_text(8),
            )
        )
        parts.append(piece)
    return "".join(parts)


LINE_PREFIXES: Final = (
    "",
    "# ",
    "###### ",
    "* ",
    "- ",
    "+ ",
    "1. ",
    "> ",
    ">>> ",
    "```",
    "~~~",
    "    ",
    "| a | b |",
    "---",
    "[ref]: ",
    "<div>",
)


@st.composite
def markdown_documents(draw: st.DrawFn) -> str:
    """Random markdown: headings, lists, quotes, fences and tables around hostile prose."""
    lines = draw(
        st.lists(
            st.builds(str.__add__, st.sampled_from(LINE_PREFIXES), hostile_prose(15)),
            max_size=20,
        )
    )
    return "\n".join(lines)


def article_texts() -> st.SearchStrategy[str]:
    """An article as the summariser may be handed one: text, HTML, markdown or noise."""
    return st.one_of(
        hostile_prose(),
        html_documents(),
        markdown_documents(),
        any_text,
        enormous(400),
    )


# -- feeds -----------------------------------------------------------------------------------

ENTITY_JUNK: Final = (
    "&amp;",
    "&lt;",
    "&bogus;",
    "&nbsp;",
    "&#0;",
    "&#xD800;",
    "&#xDFFF;",
    "&#x110000;",
    "&#2000000;",
    "&#99999999999;",
    "&#00000000065;",
    "&",
    "&#;",
    "&#x;",
    "]]>",
    "<![CDATA[x]]>",
    "<![CDATA[",
    "<!--",
    "-->",
    "<!-- x -->",
    "&lt;!--",
    "<b>",
    "</i>",
    "<script>alert(1)</script>",
    "<a href='javascript:x'>",
    "<?pi?>",
    "<x:y z='1'>",
)
ITEM_FIELDS: Final = (
    "title",
    "link",
    "description",
    "guid",
    "pubDate",
    "author",
    "content",
    "summary",
    "id",
    "updated",
    "published",
    "dc:date",
    "content:encoded",
    "category",
)
DATES: Final = (
    "Mon, 01 Jan 99999 00:00:00 GMT",
    "Tue, 31 Feb 2024 25:61:61 +9999",
    "0000-00-00T00:00:00Z",
    "2024-13-45",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "9999-12-31T23:59:59-23:59",
    "1-1-1",
    "-1",
    "2024-06-01T12:00:00+99:99",
)
DECLARATIONS: Final = (
    "",
    '<?xml version="1.0"?>',
    '<?xml version="1.0" encoding="utf-16"?>',
    '<?xml version="1.0" encoding="iso-8859-1"?>',
    '<?xml version="1.0" encoding="bogus"?>',
    '<?xml version="1.0" encoding="utf-32"?>',
    '<?xml version="1.1" standalone="yes"?>',
    "\ufeff",
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
    "<!-- generated -->",
)
FEED_CONTENT_TYPES: Final = (
    "",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml; charset=latin1",
    "text/html",
    "application/xml; charset=utf-16",
    "text/xml; charset=bogus",
    "application/octet-stream",
)
BODY_ENCODINGS: Final = ("utf-8", "utf-16", "utf-32", "latin-1", "cp1252")

feed_text = st.lists(
    st.one_of(st.sampled_from(ENTITY_JUNK), any_text, st.sampled_from(MENTIONS)), max_size=6
).map("".join)


@st.composite
def _field(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ITEM_FIELDS))
    if name in ("link", "guid", "id"):
        scheme = draw(st.sampled_from(["http://", "https://", "HTTP://", "http://[", "ftp://", ""]))
        value = scheme + draw(any_text)
    elif name in ("pubDate", "updated", "published", "dc:date"):
        value = draw(st.sampled_from(DATES)) + draw(any_text)
    else:
        value = draw(feed_text)
    return f"<{name}>{value}</{name}>"


@st.composite
def _attribute(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["none", "huge", "lang", "base", "namespace"]))
    value = draw(feed_text).replace('"', "")
    if kind == "huge":
        return ' x="' + "a" * draw(st.integers(min_value=0, max_value=30_000)) + '"'
    if kind == "lang":
        return f' xml:lang="{value}"'
    if kind == "base":
        return f' xml:base="{value}"'
    if kind == "namespace":
        return f' xmlns:x="{value}"'
    return ""


@st.composite
def feed_documents(draw: st.DrawFn) -> str:
    """RSS 0.9x/1.0/2.0 and Atom with junk fields, then maybe truncated or laced with bytes."""
    version = draw(st.sampled_from(["0.91", "0.92", "2.0", "rdf", "atom"]))
    items = [
        "".join(draw(st.lists(_field(), max_size=6)))
        for _ in range(draw(st.integers(min_value=0, max_value=4)))
    ]
    attribute = draw(_attribute())
    title = draw(feed_text)
    if version == "atom":
        entries = "".join(f"<entry>{item}</entry>" for item in items)
        body = (
            f'<feed xmlns="http://www.w3.org/2005/Atom"{attribute}><title>{title}</title>'
            f"{entries}</feed>"
        )
    elif version == "rdf":
        entries = "".join(f"<item>{item}</item>" for item in items)
        body = (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns="http://purl.org/rss/1.0/"{attribute}><channel><title>{title}</title>'
            f"</channel>{entries}</rdf:RDF>"
        )
    else:
        entries = "".join(f"<item>{item}</item>" for item in items)
        body = (
            f'<rss version="{version}"{attribute}><channel><title>{title}</title>{entries}'
            "</channel></rss>"
        )
    document = draw(st.sampled_from(DECLARATIONS)) + body
    if draw(st.booleans()):
        document = document[: draw(st.integers(min_value=0, max_value=len(document)))]
    if draw(st.booleans()):
        at = draw(st.integers(min_value=0, max_value=len(document)))
        junk = draw(st.binary(max_size=40)).decode("latin-1")
        document = document[:at] + junk + document[at:]
    return document


# -- addresses aimed inside ------------------------------------------------------------------

PRIVATE_V4: Final = tuple(
    ipaddress.ip_network(network)
    for network in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "0.0.0.0/8",
        "192.0.0.0/24",
        "198.18.0.0/15",
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)
PRIVATE_V6: Final = tuple(
    ipaddress.ip_network(network)
    for network in (
        "::1/128",
        "::/128",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
        "100::/64",
        "2001:db8::/32",
        "64:ff9b:1::/48",
        "3fff::/20",
        "5f00::/16",
    )
)


def _address_in(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> st.SearchStrategy[int]:
    first = int(network.network_address)
    return st.integers(min_value=first, max_value=first + network.num_addresses - 1)


private_ipv4 = st.sampled_from(PRIVATE_V4).flatmap(_address_in).map(ipaddress.IPv4Address)
private_ipv6 = st.sampled_from(PRIVATE_V6).flatmap(_address_in).map(ipaddress.IPv6Address)


def _part(number: int, style: str) -> str:
    if style == "hex":
        return hex(number)
    if style == "HEX":
        return "0X" + format(number, "X")
    if style == "octal":
        return "0" + format(number, "o")
    return str(number)


@st.composite
def ipv4_host(draw: st.DrawFn, address: ipaddress.IPv4Address) -> str:
    """`address` written as inet_aton reads it: 1 to 4 parts, each decimal, hex or octal."""
    value = int(address)
    parts = draw(st.integers(min_value=1, max_value=4))
    octets = list(address.packed)
    numbers = [*octets[: parts - 1], value & ((1 << (8 * (5 - parts))) - 1)]
    styles = st.sampled_from(["decimal", "hex", "HEX", "octal"])
    written = ".".join(_part(number, draw(styles)) for number in numbers)
    return written + draw(st.sampled_from(["", "."]))


@st.composite
def ipv6_host(draw: st.DrawFn, address: ipaddress.IPv6Address) -> str:
    """`address` in brackets, compressed, exploded or upper case."""
    form = draw(st.sampled_from(["compressed", "exploded", "upper"]))
    text = address.exploded if form == "exploded" else address.compressed
    return f"[{text.upper() if form == 'upper' else text}]"


@st.composite
def tunnelled_host(draw: st.DrawFn, address: ipaddress.IPv4Address) -> str:
    """IPv6 that carries a private IPv4 address: mapped, compatible, NAT64 or 6to4."""
    value = int(address)
    high, low = value >> 16, value & 0xFFFF
    form = draw(st.sampled_from(["mapped", "mapped-hex", "compatible", "nat64", "6to4"]))
    if form == "mapped":
        return f"[::ffff:{address}]"
    if form == "mapped-hex":
        return f"[::ffff:{high:x}:{low:x}]"
    if form == "compatible":
        return f"[::{address}]"
    if form == "nat64":
        return f"[64:ff9b::{high:x}:{low:x}]"
    return f"[2002:{high:x}:{low:x}::1]"


LOCAL_NAMES: Final = ("localhost", "LOCALHOST", "localhost.", "app.localhost", "a.b.localhost.")


def private_hosts() -> st.SearchStrategy[str]:
    """A host that names a private, local or reserved address without any DNS lookup."""
    return st.one_of(
        private_ipv4.flatmap(ipv4_host),
        private_ipv6.flatmap(ipv6_host),
        private_ipv4.flatmap(tunnelled_host),
        st.sampled_from(LOCAL_NAMES),
    )


USERINFO: Final = ("example.com@", "user:s3cret@", "a%40b@", "@", "example.com:80@", "x:@")


@st.composite
def private_urls(draw: st.DrawFn, host: st.SearchStrategy[str] | None = None) -> str:
    """An http(s) URL aimed at a private host, maybe behind a user name that looks like one."""
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTTps"]))
    userinfo = draw(st.one_of(st.just(""), st.sampled_from(USERINFO)))
    target = draw(host if host is not None else private_hosts())
    port = draw(st.one_of(st.just(""), st.integers(min_value=1, max_value=65535).map(":{}".format)))
    path = draw(st.sampled_from(["", "/", "/feed.xml", "/latest/meta-data/", "/?a=b#c"]))
    return f"{scheme}://{userinfo}{target}{port}{path}"

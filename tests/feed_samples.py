"""Real-looking RSS 2.0, RSS 1.0 and Atom documents and article pages for the feed tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

from tests.loopback_http import Route

T0 = datetime(2025, 7, 1, 12, 0, tzinfo=UTC)
# An entity bomb: a few hundred bytes that expand to about a gigabyte in a naive parser.
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>https://news.example/a</link></item></channel></rss>"""

_COMPANIES = ("Xiaomi", "Siemens", "Philips", "Airbus", "Nokia", "Adyen", "ASML", "Bosch")
_CITIES = ("Munich", "Eindhoven", "Toulouse", "Espoo", "Amsterdam", "Veldhoven", "Stuttgart")


def article_text(number: int) -> str:
    """About 130 words of news prose, different for every `number`."""
    company = _COMPANIES[number % len(_COMPANIES)]
    city = _CITIES[number % len(_CITIES)]
    jobs = 100 + 37 * number
    euros = 20 + 3 * number
    return " ".join(
        [
            f"{company} will open a new research centre in {city} next spring, the company "
            f"said on Tuesday in story number {number}.",
            f"The site is expected to employ {jobs} engineers within three years.",
            f"The investment is worth {euros} million euros, according to a spokesperson.",
            f"Local officials in {city} welcomed the decision and promised faster permits.",
            f"Analysts said the move shows how {company} wants to be closer to its European "
            "customers and suppliers.",
            "The centre will focus on batteries, software and driver assistance systems.",
            f"Hiring has already started, and the first {jobs // 4} staff will arrive in "
            "the autumn.",
            "Unions said they would watch working conditions closely.",
            f"Shares of {company} rose two percent after the announcement in early trading.",
            "The company did not say whether further sites in Europe were planned.",
        ]
    )


@dataclass(frozen=True)
class SampleItem:
    """One feed item; `full` puts the whole article in the feed, else only a teaser."""

    number: int
    link: str
    guid: str | None = None
    published: datetime | None = None
    full: bool = True
    title: str | None = None

    @property
    def headline(self) -> str:
        return self.title or f"{_COMPANIES[self.number % len(_COMPANIES)]} story {self.number}"

    @property
    def html(self) -> str:
        if self.full:
            return f"<p>{escape(article_text(self.number))}</p>"
        return f"<p>{escape(article_text(self.number).split('.')[0])}.</p>"


def items(count: int, base: str, *, start: int = 0, full: bool = True) -> list[SampleItem]:
    """`count` items, newest first, one hour apart, linking to `base`/article/N."""
    return [
        SampleItem(
            number=n,
            link=f"{base}/article/{n}?utm_source=rss&utm_medium=feed",
            guid=f"urn:item:{n}",
            published=T0 - timedelta(hours=n - start),
            full=full,
        )
        for n in range(start, start + count)
    ]


def rss20(entries: list[SampleItem], *, title: str = "Example news", language: str = "en") -> str:
    """An RSS 2.0 document; full items carry content:encoded."""
    body = "".join(_rss20_item(item) for item in entries)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>{escape(title)}</title><link>https://news.example/</link>"
        f"<language>{language}</language><description>News</description>{body}"
        "</channel></rss>"
    )


def _rss20_item(item: SampleItem) -> str:
    parts = [f"<title>{escape(item.headline)}</title>", f"<link>{escape(item.link)}</link>"]
    if item.guid:
        parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
    if item.published:
        parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
    parts.append("<dc:creator>Anna de Vries</dc:creator>")
    teaser = escape(article_text(item.number).split(".")[0] + ".")
    parts.append(f"<description>{teaser}</description>")
    if item.full:
        parts.append(f"<content:encoded><![CDATA[{item.html}]]></content:encoded>")
    return f"<item>{''.join(parts)}</item>"


def rss10(entries: list[SampleItem]) -> str:
    """An RSS 1.0 (RDF) document."""
    lis = "".join(f'<rdf:li rdf:resource="{escape(i.link)}"/>' for i in entries)
    body = "".join(
        f'<item rdf:about="{escape(i.link)}"><title>{escape(i.headline)}</title>'
        f"<link>{escape(i.link)}</link><description>{escape(i.html)}</description>"
        + (f"<dc:date>{i.published.isoformat()}</dc:date>" if i.published else "")
        + "</item>"
        for i in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://news.example/rss"><title>RDF news</title>'
        "<link>https://news.example/</link><description>News</description>"
        f"<dc:language>nl</dc:language><items><rdf:Seq>{lis}</rdf:Seq></items></channel>"
        f"{body}</rdf:RDF>"
    )


def atom(entries: list[SampleItem], *, lang: str = "de") -> str:
    """An Atom 1.0 document with xml:lang."""
    body = "".join(
        f"<entry><title>{escape(i.headline)}</title>"
        f'<link rel="alternate" href="{escape(i.link)}"/><id>{escape(i.guid or i.link)}</id>'
        + (f"<updated>{i.published.isoformat()}</updated>" if i.published else "")
        + "<author><name>Ann Smith</name></author>"
        + f'<content type="html">{escape(i.html)}</content></entry>'
        for i in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}"><title>Atom news</title>'
        f"<id>urn:feed</id><updated>{T0.isoformat()}</updated>{body}</feed>"
    )


def feed_route(document: str, content_type: str = "application/rss+xml", **headers: str) -> Route:
    """A feed answer with its media type and any extra headers (ETag, Last-Modified)."""
    all_headers = {"Content-Type": f"{content_type}; charset=utf-8", **headers}
    return Route(body=document.encode("utf-8"), headers=all_headers)


def page_route(number: int, title: str = "") -> Route:
    """An article page with navigation and a comment section around the story."""
    headline = title or f"Story {number}"
    markup = (
        f"<!doctype html><html><head><title>{escape(headline)}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(headline)}</h1><p>{escape(article_text(number))}</p></article>"
        "<section class='comments'><h2>Comments</h2><p>First!</p></section>"
        "</body></html>"
    )
    return Route.html(markup)

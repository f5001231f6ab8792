"""Feed parsing: RSS 0.91/1.0/2.0 and Atom fields, and the documents refused before parsing."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from bot.feed_sniff import root_element, sniff_kind
from bot.feeds import FeedError, NotAFeedError, parse_feed
from tests.feed_samples import BILLION_LAUGHS, T0, SampleItem, atom, items, rss10, rss20
from tests.loopback_http import LoopbackServer

BASE = "https://news.example"
FEED_URL = f"{BASE}/feed.xml"

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title>
<item><title>&xxe;</title><link>https://news.example/a</link></item></channel></rss>"""

RSS_091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
  "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old news</title><link>https://news.example/</link>
<description>d</description><language>en-us</language>
<item><title>Caf\u00e9 opens</title><link>https://news.example/cafe</link>
<description>A caf\u00e9 opened.</description></item></channel></rss>"""


def test_rss20_items_keep_their_fields() -> None:
    """Title, link, canonical link, GUID, author, date (aware UTC), text and language."""
    feed = parse_feed(rss20(items(3, BASE)), FEED_URL)
    assert (feed.version, feed.title, feed.language) == ("rss20", "Example news", "en")
    first = feed.items[0]
    assert first.title == "Xiaomi story 0"
    assert first.link == f"{BASE}/article/0?utm_source=rss&utm_medium=feed"
    assert first.canonical_link == f"{BASE}/article/0"
    assert first.key == first.canonical_link
    assert first.guid == "urn:item:0"
    assert first.author == "Anna de Vries"
    assert first.published == T0
    assert first.published.tzinfo is UTC
    assert first.language == "en"
    assert "research centre" in first.content
    assert first.summary.startswith("Xiaomi will open")
    assert first.has_full_text
    assert [item.published for item in feed.items][1:] == [
        datetime(2025, 7, 1, 11, tzinfo=UTC),
        datetime(2025, 7, 1, 10, tzinfo=UTC),
    ]


def test_a_teaser_is_not_the_full_article() -> None:
    """An item with only a one-line description needs its page fetched."""
    feed = parse_feed(rss20(items(1, BASE, full=False)), FEED_URL)
    assert not feed.items[0].has_full_text
    assert feed.items[0].content == ""


def test_pub_date_offsets_become_utc() -> None:
    """A +02:00 date is stored as the same instant in UTC."""
    document = rss20([SampleItem(0, f"{BASE}/a", "g")]).replace(
        "<dc:creator>", "<pubDate>Tue, 01 Jul 2025 14:00:00 +0200</pubDate><dc:creator>"
    )
    assert parse_feed(document, FEED_URL).items[0].published == T0


def test_rss10_rdf_feed() -> None:
    """RSS 1.0 (RDF): items, dc:date and dc:language."""
    feed = parse_feed(rss10(items(2, BASE)), FEED_URL)
    assert feed.version == "rss10"
    assert feed.language == "nl"
    assert [item.canonical_link for item in feed.items] == [
        f"{BASE}/article/0",
        f"{BASE}/article/1",
    ]
    assert feed.items[0].published == T0
    assert feed.items[0].has_full_text


def test_rss091_with_the_netscape_doctype_is_accepted() -> None:
    """A bare external DOCTYPE declares no entities: the old Netscape format still parses."""
    feed = parse_feed(RSS_091, FEED_URL)
    assert feed.version == "rss091n"
    assert feed.items[0].title == "Café opens"
    assert feed.items[0].guid is None
    assert feed.items[0].key == f"{BASE}/cafe"
    assert feed.language == "en"


def test_atom_feed() -> None:
    """Atom: id as GUID, updated as the date, author name, xml:lang as the language."""
    feed = parse_feed(atom(items(2, BASE)), FEED_URL)
    assert feed.version == "atom10"
    entry = feed.items[1]
    assert entry.guid == "urn:item:1"
    assert entry.canonical_link == f"{BASE}/article/1"
    assert entry.author == "Ann Smith"
    assert entry.language == "de"
    assert entry.published == datetime(2025, 7, 1, 11, tzinfo=UTC)


def test_relative_links_resolve_against_the_feed_url() -> None:
    """A relative item link is made absolute with the URL the feed came from."""
    feed = parse_feed(rss20([SampleItem(0, "/news/a.html?ref=rss", "g")]), FEED_URL)
    assert feed.items[0].canonical_link == f"{BASE}/news/a.html"


def test_same_text_gives_the_same_fingerprint_whatever_the_link() -> None:
    """The content fingerprint ignores link and GUID; a one-line teaser has none."""
    one = parse_feed(rss20([SampleItem(4, f"{BASE}/a", "g1")]), FEED_URL).items[0]
    two = parse_feed(rss20([SampleItem(4, f"{BASE}/moved", "g2")]), FEED_URL).items[0]
    other = parse_feed(rss20([SampleItem(5, f"{BASE}/a", "g1")]), FEED_URL).items[0]
    assert one.fingerprint is not None
    assert one.fingerprint == two.fingerprint != other.fingerprint
    short = (
        '<rss version="2.0"><channel><title>t</title><item><title>T</title>'
        "<link>https://news.example/a</link><description>Read more.</description>"
        "</item></channel></rss>"
    )
    assert parse_feed(short, FEED_URL).items[0].fingerprint is None


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_entity_declarations_are_refused_before_parsing(document: str) -> None:
    """An entity bomb or an external entity is refused at once with one sentence."""
    started = time.monotonic()
    with pytest.raises(FeedError, match=r"^https://news\.example/feed\.xml declares XML entities"):
        parse_feed(document, FEED_URL)
    assert time.monotonic() - started < 0.5


def test_an_internal_dtd_subset_is_refused_even_without_entities() -> None:
    """Any internal subset is where entities would be: refused."""
    document = '<?xml version="1.0"?><!DOCTYPE rss [<!ATTLIST rss a CDATA "x">]><rss/>'
    with pytest.raises(FeedError, match="declares XML entities"):
        parse_feed(document, FEED_URL)


def test_malformed_feed_without_items_names_the_problem() -> None:
    """Broken XML with no recoverable item is refused with the parser's reason and line."""
    with pytest.raises(FeedError, match=r"is not a well-formed feed \(.+ on line 2\)"):
        parse_feed('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</rss>', FEED_URL)


def test_a_recoverable_malformed_feed_keeps_its_items() -> None:
    """feedparser's loose parser recovers items from sloppy XML; those are kept."""
    document = rss20(items(2, BASE)).replace("</title>", "", 1)
    feed = parse_feed(document, FEED_URL)
    assert len(feed.items) == 2


@pytest.mark.parametrize("document", ["", "   \n  "])
def test_an_empty_document_is_refused(document: str) -> None:
    """An empty body is not a feed."""
    with pytest.raises(FeedError, match="sent an empty document"):
        parse_feed(document, FEED_URL)


def test_a_feed_without_items_is_a_feed() -> None:
    """A valid feed with no items parses to no items (a new blog is not broken)."""
    feed = parse_feed(rss20([]), FEED_URL)
    assert feed.items == ()
    assert feed.title == "Example news"


def test_html_instead_of_a_feed_is_not_a_feed() -> None:
    """An HTML page, whatever its media type, raises NotAFeedError (callers read it as a page)."""
    page = "<!DOCTYPE html><html><head><title>Home</title></head><body>Hi</body></html>"
    for content_type in ("text/html", "application/rss+xml"):
        with pytest.raises(NotAFeedError, match="is a web page, not an RSS or Atom feed"):
            parse_feed(page, FEED_URL, content_type=content_type)


def test_other_xml_is_not_a_feed() -> None:
    """XML that is neither RSS nor Atom (a sitemap) is refused."""
    sitemap = '<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>'
    with pytest.raises(FeedError, match="is XML but not an RSS or Atom feed"):
        parse_feed(sitemap, FEED_URL, content_type="application/xml")


def test_feedparser_never_fetches_a_document_that_looks_like_a_url() -> None:
    """The text is handed over as bytes: a body that is a URL is parsed, not requested."""
    with LoopbackServer() as server:
        with pytest.raises(FeedError):
            parse_feed(server.url("/secret"), FEED_URL, content_type="application/xml")
        assert server.requests == []


@pytest.mark.parametrize(
    ("text", "content_type", "kind"),
    [
        (rss20([]), "text/html", "feed"),
        (atom([]), "text/plain", "feed"),
        (rss10([]), "", "feed"),
        ("<!doctype html><html><body>x</body></html>", "application/xml", "page"),
        ("\ufeff<?xml version='1.0'?><!-- c --><html><body/></html>", "text/xml", "page"),
        ("Just words.", "text/plain", "page"),
        ("Just words.", "application/rss+xml", "feed"),
    ],
)
def test_sniffing_trusts_the_body_before_the_media_type(
    text: str, content_type: str, kind: str
) -> None:
    """The root element decides; the media type only breaks a tie."""
    assert sniff_kind(text, content_type) == kind


def test_root_element_skips_the_prolog() -> None:
    """Declaration, comments and a doctype come before the root element."""
    assert root_element(RSS_091) == "rss"
    assert root_element("<?xml version='1.0'?>\n<!-- <a> -->\n<rdf:RDF>") == "rdf:RDF"
    assert root_element("no markup") is None

"""Canonical URLs: tracking noise, fragments, ports and case never make an old link new."""

from __future__ import annotations

import pytest

from bot.canonical_url import canonical_url, is_tracking_param


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.COM/World/a.html", "https://news.example.com/World/a.html"),
        ("https://news.example:443/a", "https://news.example/a"),
        ("http://news.example:80/a", "http://news.example/a"),
        ("http://news.example:8080/a", "http://news.example:8080/a"),
        ("https://news.example/a#comments", "https://news.example/a"),
        ("https://news.example", "https://news.example/"),
        ("https://news.example./a", "https://news.example/a"),
        ("https://news.example/a?b=2&a=1", "https://news.example/a?a=1&b=2"),
        (
            "https://news.example/a?utm_source=rss&utm_medium=feed&id=7&fbclid=x&gclid=y",
            "https://news.example/a?id=7",
        ),
        ("https://news.example/a?mc_cid=1&mc_eid=2&ref=tw&igshid=3", "https://news.example/a"),
        ("https://news.example/a?UTM_Campaign=x&Page=2", "https://news.example/a?Page=2"),
        ("https://[2001:DB8::1]:8443/a", "https://[2001:db8::1]:8443/a"),
        (
            "https://news.example/a?q=caf%C3%A9+au+lait",
            "https://news.example/a?q=caf%C3%A9+au+lait",
        ),
    ],
)
def test_canonical_forms(url: str, expected: str) -> None:
    """Scheme and host lower-cased, default port, fragment and tracking dropped, query sorted."""
    assert canonical_url(url) == expected


def test_the_same_article_with_different_tracking_is_one_url() -> None:
    """Links that differ only in tracking parameters and parameter order are equal."""
    links = [
        "https://news.example/story?id=5&utm_source=newsletter",
        "https://NEWS.example/story?utm_campaign=x&id=5#top",
        "https://news.example:443/story?id=5&fbclid=abc",
    ]
    assert len({canonical_url(link) for link in links}) == 1


def test_paths_keep_their_case_and_meaningful_parameters_stay() -> None:
    """/A and /a may be different pages; id=5 and id=6 are different articles."""
    assert canonical_url("https://x.example/A") != canonical_url("https://x.example/a")
    assert canonical_url("https://x.example/s?id=5") != canonical_url("https://x.example/s?id=6")


@pytest.mark.parametrize(
    "url", ["ftp://x.example/a", "mailto:a@x.example", "not a url", "https://", "http://x:99999/"]
)
def test_non_http_urls_have_no_canonical_form(url: str) -> None:
    """Only http(s) URLs with a host (and a valid port) are canonicalised."""
    assert canonical_url(url) is None


def test_tracking_parameters_are_recognised_case_insensitively() -> None:
    """utm_* and the click ids are tracking; ordinary names are not."""
    assert is_tracking_param("utm_content")
    assert is_tracking_param("FBCLID")
    assert not is_tracking_param("id")
    assert not is_tracking_param("page")

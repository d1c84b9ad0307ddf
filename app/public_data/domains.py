"""Which domains a vendor answers on, and which dataset entries belong to it.

A vendor's domains are its website's host and its ``extra_domains``, each normalised: lower
case, IDNA (``bücher.de`` -> ``xn--bcher-kva.de``), no port, no trailing dot, no leading
``www.``. A domain is looked up as itself, then as each parent down to its registrable domain
(``eu.app.example.com`` -> ``app.example.com`` -> ``example.com``), most specific first, so
``www.atlassian.com/software/statuspage`` finds ``atlassian.com``. Never further: a
two-label domain under a country's second level (``co.uk``, ``com.au``, ``gob.ar``; see
``SECOND_LEVEL``) is a public suffix, not a vendor, and a one-label name never matches. A
dataset entry for a subdomain (``aws.amazon.com``) is not used for its parent (``amazon.com``):
a vendor that runs on it lists it among its extra domains.

No Public Suffix List is shipped: this rule is exact for the datasets' domains and errs on the
side of not matching.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

SECOND_LEVEL = frozenset(
    {"ac", "co", "com", "edu", "gob", "go", "gouv", "gov", "gv", "ltd", "mil", "ne", "net",
     "nic", "nom", "or", "org", "plc", "sch"}
)  # fmt: skip
"""Labels that, under a two-letter country code, form a public suffix (``co.uk``)."""

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_DOMAINS = 20
"""Extra domains one vendor may list: enough for a vendor's brands and regions."""


def normalise(raw: str) -> str | None:
    """``raw`` (a domain or a URL) as a normalised domain, or None if it is not one."""
    text = raw.strip()
    if not text:
        return None
    if "://" in text:
        try:
            host = urlsplit(text).hostname or ""
        except ValueError:
            return None
    else:
        host = text.split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    host = host.strip().rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253 or not all(_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():
        return None
    if labels[0] == "www" and len(labels) > 2:
        labels = labels[1:]
    return ".".join(labels)


def _is_public_suffix(labels: list[str]) -> bool:
    return len(labels) < 2 or (
        len(labels) == 2 and len(labels[1]) == 2 and labels[0] in SECOND_LEVEL
    )


def lookups(domain: str) -> list[str]:
    """``domain`` and its parents down to the registrable domain, most specific first."""
    labels = domain.split(".")
    out = []
    while not _is_public_suffix(labels):
        out.append(".".join(labels))
        labels = labels[1:]
    return out


def parse_list(raw: str) -> list[str]:
    """Domains separated by commas or spaces, normalised and without repeats.

    ``ValueError`` names the first one that is not a domain (the form shows it by the field).
    """
    out: list[str] = []
    for piece in re.split(r"[,\s]+", raw.strip()):
        if not piece:
            continue
        domain = normalise(piece)
        if domain is None:
            raise ValueError(f"{piece[:60]!r} is not a domain (like example.com)")
        if domain not in out:
            out.append(domain)
    if len(out) > MAX_DOMAINS:
        raise ValueError(f"at most {MAX_DOMAINS} domains")
    return out


def vendor_domains(website: str, extra_domains: str) -> list[str]:
    """The normalised domains of a vendor: its website's first, then the extra ones.

    Stored values are already valid (``app.validation``); anything that is not a domain (an
    old row, a merge) is skipped rather than refused, since this only decides what to match.
    """
    out: list[str] = []
    for piece in [website, *re.split(r"[,\s]+", extra_domains)]:
        domain = normalise(piece) if piece else None
        if domain and domain not in out:
            out.append(domain)
    return out

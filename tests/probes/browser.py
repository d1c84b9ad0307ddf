"""A headless "browser" that signs in through oidc-provider's devInteractions.

It does what a person would: follow redirects, and on each page with a form submit it with the
hidden inputs (xsrf, user_code, confirm, prompt) plus a login name and password when asked.
That covers the login and consent prompts, the device-flow code form and its confirmation,
and finally the redirect to the probe's loopback listener.
"""

from __future__ import annotations

import ssl
from html.parser import HTMLParser

import httpx2

MAX_STEPS = 25


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = "get"
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and not self._done and self.action is None:
            self.action = values.get("action", "")
            self.method = values.get("method", "get").lower()
            self._in_form = True
        elif tag == "input" and self._in_form and "name" in values:
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


async def sign_in(
    url: str, *, login: str = "alice", verify: ssl.SSLContext | bool = True, deny: bool = False
) -> httpx2.Response:
    """Walk from ``url`` through every page until one has no form; return that last page.

    ``deny`` answers the device-flow confirmation with "abort" instead of "confirm".
    """
    async with httpx2.AsyncClient(verify=verify, follow_redirects=False, timeout=10) as browser:
        response = await browser.get(url)
        for _ in range(MAX_STEPS):
            if response.is_redirect:
                response = await browser.get(response.url.join(response.headers["location"]))
                continue
            parser = _FormParser()
            parser.feed(response.text)
            if parser.action is None:
                return response
            fields = dict(parser.fields)
            if "login" in fields:
                fields.update(login=login, password="any password")
            target = response.url.join(parser.action)
            if deny and "confirm" in fields:
                del fields["confirm"]
                return await browser.post(target, data={**fields, "abort": "yes"})
            if parser.method == "post":
                response = await browser.post(target, data=fields)
            else:
                response = await browser.get(target, params=fields)
        raise AssertionError(f"sign-in did not finish within {MAX_STEPS} steps")

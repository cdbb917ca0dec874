"""Public input: an XSS corpus against every sanitiser and every public form, CSRF on every
public POST form, and size limits on request bodies.

To extend, add one line:
- a sanitiser of rich text to ``SANITISERS`` (name, function);
- a public form to ``PUBLIC_FORMS``: (url, fields, pages to read afterwards). Fields whose
  value is ``PAYLOAD`` receive each payload in turn; the others keep the given value. The test
  ``test_every_public_post_form_is_in_the_harness`` walks the public URLs and fails for a form
  that is not listed, so a new public form cannot be forgotten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gongkai.records import services
from gongkai.records.importing import body_html
from gongkai.testing import make_record

PAYLOAD = object()

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script src=/static/../x.js></script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=x OnErRoR=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<math href="javascript:alert(1)">x</math>',
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="%6A%61%76%61%73%63%72%69%70%74:alert(1)">x</a>',
    '<a href="https://ok.example/" onclick="alert(1)">x</a>',
    '<a href="https://ok.example/" onmouseover=alert(1)>x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<td colspan="2" onclick="alert(1)">x</td>',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",  # full-width angle brackets
    "<scr\u200bipt>alert(1)</scr\u200bipt>",  # zero-width space
    '<a href="jav\u0000ascript:alert(1)">x</a>',
    '<a href="\u202ejavascript:alert(1)">x</a>',  # right-to-left override
    '<a href="https://ok.example/">正常链接</a><p>正常段落</p>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<xss id=x tabindex=1 onfocusin=alert(1)></xss>",
    '<img src="x` `<script>alert(1)</script>"` `>',
]

EXECUTABLE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "background",
    "poster",
    "srcdoc",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet", "svg", "math"}


def _scheme_of(value: str) -> str:
    """The start of the URL as a browser parses it (WHATWG URL standard): entities decoded
    (lxml did that), leading and trailing C0 controls and spaces stripped, tabs and newlines
    removed anywhere, case folded. A percent-escaped or invisible-character-prefixed "scheme"
    is not a scheme: the browser takes it as a relative path."""
    return (
        re.sub(r"[\t\n\r]", "", value)
        .strip(
            "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"
            "\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c"
            "\x1d\x1e\x1f\x20"
        )
        .lower()
    )


def executable_markup(html: str) -> list[str]:
    """Everything in ``html`` a browser could run: the assertion all tests here share."""
    if not html.strip():
        return []
    document = lxml.html.document_fromstring(html)
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = element.tag.lower().rsplit("}", 1)[-1]
        if tag == "script":
            src = element.get("src", "")
            if not src.startswith("/static/") or "/../" in src or (element.text or "").strip():
                found.append(f"<script src={src!r}>{(element.text or '')[:40]}")
        if tag in FORBIDDEN_TAGS:
            found.append(f"<{tag}>")
        if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
        if tag == "style" and re.search(r"expression|javascript|@import", element.text or "", re.I):
            found.append("<style> with script")
        for name, value in element.attrib.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            scheme = _scheme_of(value)
            if tag == "img" and lowered == "src" and scheme.startswith("data:image/"):
                continue  # an image is never run, not even an SVG one (the print QR code)
            if lowered in URL_ATTRIBUTES and scheme.startswith(EXECUTABLE_SCHEMES):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            if lowered == "style" and re.search(r"expression|javascript|url\(", value, re.I):
                found.append(f"<{tag} style={value[:40]!r}>")
    return found


# --- Sanitisers -----------------------------------------------------------------------------

#: (name, function from untrusted HTML to HTML that templates output with |safe)
SANITISERS: list[tuple[str, Callable[[str], str]]] = [
    ("records.services.sanitise_body", services.sanitise_body),
    ("records.importing.body_html", body_html),
]


def test_the_payload_corpus_is_large_and_every_payload_is_caught_unsanitised():
    assert len(XSS) >= 40
    # The check is not vacuous: almost every payload, unsanitised, is found executable.
    unsafe = [p for p in XSS if executable_markup(f"<div>{p}</div>")]
    assert len(unsafe) >= 40


@pytest.mark.parametrize("name,sanitise", SANITISERS, ids=[n for n, _ in SANITISERS])
@pytest.mark.parametrize("payload", XSS)
def test_sanitisers_leave_no_executable_markup(name, sanitise, payload):
    cleaned = sanitise(payload)
    assert executable_markup(cleaned) == [], cleaned
    assert executable_markup(f"<div>{cleaned}</div>") == []


@pytest.mark.parametrize("name,sanitise", SANITISERS, ids=[n for n, _ in SANITISERS])
def test_sanitisers_keep_the_markup_a_notice_needs(name, sanitise):
    html = (
        '<h2>一、招生范围</h2><p>详见<a href="https://jyj.example.gov.cn/">教育局网站</a>。</p>'
        '<table><tr><th scope="col">学校</th></tr><tr><td colspan="2">第一小学</td></tr></table>'
    )
    cleaned = sanitise(html)
    for kept in ("<h2>", 'href="https://jyj.example.gov.cn/"', "<table>", 'colspan="2"'):
        assert kept in cleaned


# --- The published page, through the whole pipeline ---------------------------------------


@pytest.mark.django_db
def test_payloads_in_every_record_field_never_reach_the_public_pages_executable(
    client, clerk, document_reviewer, disclosure_reviewer
):
    record_ids = []
    for i in range(0, len(XSS), 8):
        # NUL characters cannot be stored in PostgreSQL text; the record form refuses them
        # (Django's ProhibitNullCharactersValidator), so they never get this far.
        chunk = [p.replace("\x00", "") for p in XSS[i : i + 8]]
        record = make_record(
            by=clerk,
            title=("标题" + "".join(chunk))[:200],
            summary="".join(chunk)[:500],
            body="".join(chunk),
            document_number="",
            formed_on=date(2025, 6, 3),
        )
        record = services.submit(record, by=clerk)
        record = services.approve_document(record, by=document_reviewer)
        record = services.approve_disclosure(record, by=disclosure_reviewer)
        record = services.publish(record, by=clerk, note="".join(chunk)[:300])
        record_ids.append(record.pk)
    item = record.item
    pages = [
        "/",
        f"/catalogue/{item.code}/",
        f"/organisations/{record.organisation.code}/",
        *(f"/records/{pk}/" for pk in record_ids),
        *(f"/records/{pk}/print/" for pk in record_ids),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_markup(response.content.decode()) == [], url
    # The staff pages show the same fields (with the staff bundle of scripts from /static/).
    client.force_login(clerk)
    for pk in record_ids:
        response = client.get(reverse("records:detail", args=[pk]))
        assert executable_markup(response.content.decode()) == []


# --- Public forms ------------------------------------------------------------------------------

#: (url, fields, public pages that show what was submitted). Fields set to PAYLOAD get each
#: payload in turn. Add a line here for each new public form.
PUBLIC_FORMS: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    ("/accounts/login/", {"username": PAYLOAD, "password": PAYLOAD}, ()),
    (
        "/applications/",
        {
            "applicant_kind": "natural",
            "name": PAYLOAD,
            "description": PAYLOAD,
            "address": PAYLOAD,
            "contact_person": PAYLOAD,
            "document_number": PAYLOAD,
            "phone": "0635-0000000",
        },
        (),
    ),
    ("/applications/track/", {"tracking_code": PAYLOAD, "secret": PAYLOAD}, ()),
    ("/mailbox/track/", {"code": PAYLOAD}, ()),
    # A one-time sign-in link's page (its only field is the token in the address); the
    # walk reaches it with each string sample: an item code and the clerk's county code.
    ("/accounts/link/05.04/", {"confirm": PAYLOAD}, ()),
    ("/accounts/link/C0100/", {"confirm": PAYLOAD}, ()),
]

#: Public URLs that are not pages with forms (machine formats, redirects, downloads).
NOT_PAGES = ("/api/", "/feeds/", "/sitemap", "/data/", "/files/", "/healthz", "/display/")
STAFF_PREFIXES = ("/staff/", "/system/admin/")


def _public_urls(sample: dict[str, list[Any]]) -> list[str]:
    """Every public URL pattern, reversed with sample arguments of the right converter."""
    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}".lstrip(":")
                converters = p.pattern.converters
                if not converters:
                    candidates = [{}]
                else:
                    candidates = [
                        {key: value}
                        for key, conv in converters.items()
                        for value in sample.get(type(conv).__name__, [])
                    ]
                for kwargs in candidates:
                    try:
                        urls.append(reverse(name, kwargs=kwargs or None))
                    except Exception:  # noqa: S112 - sample does not fit this pattern
                        continue

    walk(get_resolver().url_patterns, "", "")
    return sorted(
        {u for u in urls if not u.startswith(STAFF_PREFIXES) and not u.startswith(NOT_PAGES)}
    )


def _post_forms(html: str) -> list[tuple[str, set[str]]]:
    document = lxml.html.document_fromstring(html)
    forms = []
    for form in document.forms:
        if (form.method or "").lower() == "post":
            names = {el.name for el in form.inputs if el.name} - {"csrfmiddlewaretoken"}
            forms.append((form.action or "", names))
    return forms


@pytest.fixture
def published(clerk, document_reviewer, disclosure_reviewer):
    record = services.submit(make_record(by=clerk), by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    record = services.approve_disclosure(record, by=disclosure_reviewer)
    return services.publish(record, by=clerk)


@pytest.mark.django_db
def test_every_public_post_form_is_in_the_harness(client, published):
    sample = {
        "IntConverter": [published.pk],
        "StringConverter": [published.item.code, published.organisation.code],
    }
    urls = _public_urls(sample)
    assert "/" in urls and f"/records/{published.pk}/" in urls
    listed = {url for url, _, _ in PUBLIC_FORMS}
    seen_forms = 0
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for action, _ in _post_forms(response.content.decode()):
            target = action or url
            seen_forms += 1
            assert target in listed, f"public POST form {target} (on {url}) is not in PUBLIC_FORMS"
    assert seen_forms >= 1  # at least the sign-in form was found


def _filled(fields: dict[str, Any], payload: str) -> dict[str, str]:
    return {k: payload if v is PAYLOAD else v for k, v in fields.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("url,fields,pages", PUBLIC_FORMS, ids=[u for u, _, _ in PUBLIC_FORMS])
def test_payloads_in_public_forms_come_back_inert(client, published, url, fields, pages):
    for payload in XSS:
        response = client.post(url, _filled(fields, payload), follow=True)
        assert response.status_code < 500, payload
        assert executable_markup(response.content.decode()) == [], payload
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        assert executable_markup(response.content.decode()) == [], page


@pytest.mark.django_db
@pytest.mark.parametrize("url,fields,pages", PUBLIC_FORMS, ids=[u for u, _, _ in PUBLIC_FORMS])
def test_public_forms_refuse_a_post_without_a_csrf_token(url, fields, pages):
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 200
    response = client.post(url, _filled(fields, "测试"))
    assert response.status_code == 403
    # With the token from the page it is accepted (not a 403).
    token = client.cookies["csrftoken"].value
    response = client.post(url, {**_filled(fields, "测试"), "csrfmiddlewaretoken": token})
    assert response.status_code != 403


@pytest.mark.django_db
@pytest.mark.parametrize("url,fields,pages", PUBLIC_FORMS, ids=[u for u, _, _ in PUBLIC_FORMS])
def test_public_forms_refuse_oversized_bodies_without_crashing(client, url, fields, pages):
    from django.conf import settings

    huge = "字" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1024)  # 3 bytes each in UTF-8
    response = client.post(url, _filled(fields, huge))
    assert response.status_code in (400, 413)
    many = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10)}
    response = client.post(url, {**_filled(fields, "测试"), **many})
    assert response.status_code in (400, 413)


# --- Public comments, shown on the consultation page -------------------------------------------


@pytest.mark.django_db
def test_public_comments_carrying_payloads_are_shown_inert(client, settings, clerk, county):
    """Comments are the public input the public reads back: post-moderation shows them at
    once, so every payload goes through the form, the screening and the public page."""
    from gongkai.consultations.forms import CommentForm
    from gongkai.consultations.models import Comment, Moderation
    from gongkai.consultations.testing import make_consultation, public_form_data

    settings.GONGKAI_PARTICIPATION_RATE_LIMIT = (10_000, 600)
    consultation = make_consultation(
        by=clerk, organisation=county, is_open=True, moderation=Moderation.POST
    )
    url = f"/consultations/{consultation.pk}/"
    accepted = 0
    for payload in XSS:
        form = CommentForm(consultation=consultation)
        data = public_form_data(form, body=f"意见：{payload}", author_name=payload[:30])
        response = client.post(f"{url}comment/", data, follow=True)
        assert response.status_code < 500, payload
        assert executable_markup(response.content.decode()) == [], payload
        accepted += bool(response.redirect_chain)  # refused ones re-render the form (400)

    # Nearly all are taken as ordinary comments (control characters are refused).
    assert accepted >= len(XSS) - 2
    assert Comment.objects.filter(consultation=consultation).count() == accepted
    page = client.get(url)
    assert page.status_code == 200
    assert executable_markup(page.content.decode()) == []

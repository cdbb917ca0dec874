"""``{% url %}`` with the addresses it reversed kept: a template builtin (``settings.TEMPLATES``)
that takes the place of Django's tag in every template.

Django's ``{% url %}`` reverses on every render: about 20 µs each (the resolver's lookups by
language, script prefix and URL configuration), and a public page has ten (the header's, the
breadcrumbs', the print and feed links): a tenth of an uncached listing. An address depends
only on the route's name, its arguments, the current application, the script prefix, the URL
configuration and the language, so this tag keeps what ``reverse`` returned under all of
them, for plain ``str`` and ``int`` arguments (anything else is reversed each time); a
failed reverse is not kept. The kept addresses are bounded, and forgotten when a setting
changes (tests that swap the URL configuration). Listings that link every row keep one
pattern per route instead (``kept_pk_url``, under the same dependencies).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

#: How many addresses are kept (a listing's rows do not use the tag: ``portal_tags``).
KEPT_MAX = 4096
_PLAIN = (str, int, SafeString)  # exact types: True is an int, but reverses as "True"
_kept: dict[tuple[Any, ...], str] = {}


def kept_reverse(
    view_name: str, args: list[Any], kwargs: dict[str, Any], current_app: str | None
) -> str:
    """``reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)``, kept."""
    if not (
        type(view_name) in _PLAIN
        and all(type(a) in _PLAIN for a in args)
        and all(type(v) in _PLAIN for v in kwargs.values())
    ):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        *_depends_on(),
    )
    url = _kept.get(key)
    if url is None:
        url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        if len(_kept) >= KEPT_MAX:
            _kept.clear()
        _kept[key] = url
    return url


def _depends_on() -> tuple[str, Any, str | None]:
    """What an address depends on besides its route and arguments."""
    return get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language()


_SENTINEL = 987654321
_patterns: dict[tuple[Any, ...], str] = {}


def kept_pk_url(view_name: str, pk: int) -> str:
    """``reverse(view_name, args=[pk])`` for a route whose only argument is an ``int`` pk,
    for listings that link every row: the route is reversed once with a sentinel pk and the
    pk put in its place (an ``int`` converter renders a number as its digits, so this is what
    ``reverse`` returns), one pattern per route rather than one address per record."""
    key = (view_name, *_depends_on())
    pattern = _patterns.get(key)
    if pattern is None:
        pattern = reverse(view_name, args=[_SENTINEL]).replace(str(_SENTINEL), "{}")
        _patterns[key] = pattern
    return pattern.format(int(pk))


def forget(**kwargs: Any) -> None:
    _kept.clear()
    _patterns.clear()


setting_changed.connect(forget, dispatch_uid="gongkai.kept_urls")


class KeptURLNode(defaulttags.URLNode):
    """Django's ``URLNode``, rendering through ``kept_reverse``."""

    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        try:
            current_app = request.current_app  # type: ignore[union-attr]
        except AttributeError:
            try:
                current_app = request.resolver_match.namespace  # type: ignore[union-attr]
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> KeptURLNode:
    """``{% url %}`` as Django parses it, rendered by ``KeptURLNode``."""
    node = defaulttags.url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)

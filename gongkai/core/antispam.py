"""Keeping spam out of public forms without any outside service: comments, mailbox messages and
applications for disclosure (依申请公开) all use this.

Three measures, each usable with a screen reader and without JavaScript:

* a **honeypot** field hidden by the stylesheet and labelled "请勿填写" — people never see it,
  form-filling robots fill it;
* a **text challenge**: a small sum in Chinese words ("七加五等于几？"), answered in digits or
  Chinese numerals. The form carries only a signed, timestamped token (django.core.signing)
  holding a random nonce and an HMAC of the answer — never the answer itself — so the server
  keeps no state per form. A token is used once (spent nonces are remembered until they
  expire), and wrong answers per address are capped so the few possible sums cannot be tried
  one by one;
* a **rate limit** per client address (as ``core.middleware.client_address`` computes it:
  behind the proxy, the real client) — a fixed window counter.

Counts and spent tokens live in the shared cache (``core.cache.shared_cache``: the database on
the embedded setup, Redis with ``REDIS_URL``), so every worker and process sees the same ones.

Settings: ``GONGKAI_CHALLENGE_MAX_AGE`` (7200 s a question stays valid — long enough to write a
considered comment) and ``GONGKAI_CHALLENGE_ATTEMPT_LIMIT`` ((10, 600): wrong answers per
address in 600 s). Each form passes its own submission limit.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai.core.cache import shared_cache
from gongkai.core.middleware import client_address
from gongkai.core.numerals import chinese_number, parse_number

# The salt predates the move to core; keeping it keeps questions already on screen valid.
SALT = "gongkai.consultations.challenge"
HONEYPOT_FIELD = "website"


def challenge_max_age() -> int:
    return settings.GONGKAI_CHALLENGE_MAX_AGE


def challenge_attempt_limit() -> tuple[int, int]:
    return settings.GONGKAI_CHALLENGE_ATTEMPT_LIMIT


# --- The challenge --------------------------------------------------------------------------


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _answer_mac(nonce: str, answer: int) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()[:32]


def new_challenge() -> Challenge:
    """A sum or difference of two numbers from one to nine, never negative."""
    a = secrets.randbelow(9) + 1
    b = secrets.randbelow(9) + 1
    if secrets.randbelow(2):
        question, answer = f"{chinese_number(a)}加{chinese_number(b)}等于几？", a + b
    else:
        a, b = max(a, b), min(a, b)
        question, answer = f"{chinese_number(a)}减{chinese_number(b)}等于几？", a - b
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "m": _answer_mac(nonce, answer)}, salt=SALT)
    return Challenge(question=question, token=token)


def check_challenge(token: str, answer: str) -> None:
    """Raise ValidationError (in Chinese) unless ``answer`` solves the challenge in ``token``.

    A correct answer spends the token: the same token cannot be used again, in any worker."""
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=challenge_max_age())
    except signing.SignatureExpired:
        raise ValidationError("验证问题已过期，请回答新的验证问题后再提交。") from None
    except signing.BadSignature:
        raise ValidationError("验证问题无效，请回答新的验证问题后再提交。") from None
    value = parse_number(answer)
    if value is None:
        raise ValidationError("请用数字回答验证问题，例如“12”或“十二”。")
    if not constant_time_compare(_answer_mac(str(payload["n"]), value), str(payload["m"])):
        raise ValidationError("验证问题回答不正确，请回答新的验证问题。")
    if not shared_cache().add(f"gk:challenge:{payload['n']}", 1, timeout=challenge_max_age()):
        raise ValidationError("该验证问题已经使用过，请回答新的验证问题。")


# --- Rate limits ----------------------------------------------------------------------------


class RateLimited(Exception):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _key(scope: str, address: str | None) -> str:
    return f"gk:rate:{scope}:{address or 'unknown'}"


def hits(scope: str, address: str | None) -> int:
    """Uses counted in the current window of ``scope`` for ``address``."""
    return int(shared_cache().get(_key(scope, address), 0))


def check_rate(scope: str, address: str | None, limit: tuple[int, int]) -> None:
    """Raise RateLimited if ``address`` has used up ``limit`` = (count, seconds) in ``scope``."""
    count, seconds = limit
    if hits(scope, address) >= count:
        minutes = max(1, seconds // 60)
        raise RateLimited(
            f"提交过于频繁：同一网络地址 {minutes} 分钟内最多提交 {count} 次。"
            f"请稍后再试，您填写的内容已保留。",
            retry_after=seconds_left(scope, address, limit),
        )


def count_hit(scope: str, address: str | None, limit: tuple[int, int]) -> int:
    """Count one use; the window starts with the first use and lasts ``limit[1]`` seconds.
    Returns the count so far in this window (shared by every worker)."""
    cache = shared_cache()
    key = _key(scope, address)
    if cache.add(key, 0, timeout=limit[1]):
        # Remember when this window ends, so a refusal can say when to try again.
        cache.set(f"{key}:ends", time.time() + limit[1], timeout=limit[1])
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit[1])
        cache.set(f"{key}:ends", time.time() + limit[1], timeout=limit[1])
        return 1


def seconds_left(scope: str, address: str | None, limit: tuple[int, int]) -> int:
    """Seconds until the current window ends (the whole window if its end is unknown)."""
    ends = shared_cache().get(f"{_key(scope, address)}:ends")
    if ends is None:
        return limit[1]
    return max(1, min(limit[1], int(float(ends) - time.time()) + 1))


def submission_allowed(scope: str, address: str | None, limit: tuple[int, int]) -> None:
    """Raise RateLimited when ``address`` used up its submissions or its wrong answers."""
    check_rate(scope, address, limit)
    check_rate(f"{scope}:wrong", address, challenge_attempt_limit())


def record_submission(scope: str, address: str | None, limit: tuple[int, int]) -> None:
    count_hit(scope, address, limit)


def record_wrong_answer(scope: str, address: str | None) -> None:
    count_hit(f"{scope}:wrong", address, challenge_attempt_limit())


# --- Forms and views ------------------------------------------------------------------------


class SpamProtectedForm(forms.Form):
    """Honeypot + challenge. ``challenge`` holds the question shown with the answer field.
    Templates render the honeypot with ``forms/spam_trap.html``."""

    answer = forms.CharField(label="验证问题", max_length=10, required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(label="请勿填写此项", required=False)
        self.is_spam = False
        self.wrong_answer = False
        self.new_challenge()

    def new_challenge(self) -> None:
        self.challenge = new_challenge()
        # The question is the label, above the box, where a person reads before typing.
        self.fields["answer"].label = f"验证问题：{self.challenge.question}（请填写数字）"
        self.fields["answer"].help_text = "用于防止自动程序提交，可填写“12”或“十二”。"
        self.initial["token"] = self.challenge.token

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get(HONEYPOT_FIELD):
            self.is_spam = True
            raise ValidationError("提交未被接受。")
        try:
            check_challenge(data.get("token", ""), data.get("answer", ""))
        except ValidationError as exc:
            self.wrong_answer = True
            self.add_error("answer", exc)
        return data

    def fresh(self) -> SpamProtectedForm:
        """After a failed attempt the old question is spent; show a new one."""
        if isinstance(self.data, QueryDict):
            data = self.data.copy()
            data["token"] = self.challenge.token
            data["answer"] = ""
            self.data = data
        return self


def spam_checked(
    request: HttpRequest, form: SpamProtectedForm, scope: str, limit: tuple[int, int]
) -> int:
    """Validate a public form against the rate limit, honeypot and challenge: 0 if it may
    go on to the service, else the status code to answer with (the form carries the error).
    After the service accepted it, call ``record_submission(scope, address, limit)``."""
    address = client_address(request)
    try:
        submission_allowed(scope, address, limit)
    except RateLimited as exc:
        form.is_valid()
        form.add_error(None, exc.message)
        return 429
    if form.is_valid():
        return 0
    if form.wrong_answer:
        record_wrong_answer(scope, address)
    return 400

"""Keeping spam out of comments and messages without any outside service.

Three measures, each usable with a screen reader and without JavaScript:

* a **honeypot** field hidden by the stylesheet and labelled "请勿填写" — people never see it,
  form-filling robots fill it;
* a **text challenge**: a small sum in Chinese words ("七加五等于几？"), answered in digits or
  Chinese numerals. The form carries only a signed, timestamped token (django.core.signing)
  holding a random nonce and an HMAC of the answer — never the answer itself — so the server
  keeps no state per form. A token is used once (the cache remembers spent nonces until they
  expire), and wrong answers per address are capped so the few possible sums cannot be tried
  one by one;
* a **rate limit** per client address (as ``core.middleware.client_address`` computes it, so
  behind a proxy it is the proxy's view of the client) in Django's cache: a fixed window
  counter, shared by all workers when the cache is Redis.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

from gongkai.consultations import conf
from gongkai.consultations.text import chinese_number, parse_number

SALT = "gongkai.consultations.challenge"
HONEYPOT_FIELD = "website"


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

    A correct answer spends the token: the same token cannot be used again."""
    try:
        payload = signing.loads(token or "", salt=SALT, max_age=conf.challenge_max_age())
    except signing.SignatureExpired:
        raise ValidationError("验证问题已过期，请回答新的验证问题后再提交。") from None
    except signing.BadSignature:
        raise ValidationError("验证问题无效，请回答新的验证问题后再提交。") from None
    value = parse_number(answer)
    if value is None:
        raise ValidationError("请用数字回答验证问题，例如“12”或“十二”。")
    if not constant_time_compare(_answer_mac(str(payload["n"]), value), str(payload["m"])):
        raise ValidationError("验证问题回答不正确，请回答新的验证问题。")
    if not cache.add(f"gk:challenge:{payload['n']}", 1, timeout=conf.challenge_max_age()):
        raise ValidationError("该验证问题已经使用过，请回答新的验证问题。")


class RateLimited(Exception):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _key(scope: str, address: str | None) -> str:
    return f"gk:rate:{scope}:{address or 'unknown'}"


def _count(scope: str, address: str | None) -> int:
    return int(cache.get(_key(scope, address), 0))


def check_rate(scope: str, address: str | None, limit: tuple[int, int]) -> None:
    """Raise RateLimited if ``address`` has used up ``limit`` = (count, seconds) in ``scope``."""
    count, seconds = limit
    if _count(scope, address) >= count:
        minutes = max(1, seconds // 60)
        raise RateLimited(
            f"提交过于频繁：同一网络地址 {minutes} 分钟内最多提交 {count} 次。"
            f"请稍后再试，您填写的内容已保留。",
            retry_after=seconds,
        )


def count_hit(scope: str, address: str | None, limit: tuple[int, int]) -> int:
    """Count one use; the window starts with the first use and lasts ``limit[1]`` seconds."""
    key = _key(scope, address)
    if cache.add(key, 0, timeout=limit[1]):
        # Remember when this window ends, so a refusal can say when to try again.
        cache.set(f"{key}:ends", time.time() + limit[1], timeout=limit[1])
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit[1])
        cache.set(f"{key}:ends", time.time() + limit[1], timeout=limit[1])
        return 1


def hits(scope: str, address: str | None) -> int:
    """Uses counted in the current window of ``scope`` for ``address``."""
    return _count(scope, address)


def seconds_left(scope: str, address: str | None, limit: tuple[int, int]) -> int:
    """Seconds until the current window ends (the whole window if its end is unknown)."""
    ends = cache.get(f"{_key(scope, address)}:ends")
    if ends is None:
        return limit[1]
    return max(1, min(limit[1], int(float(ends) - time.time()) + 1))


def submission_allowed(scope: str, address: str | None) -> None:
    check_rate(scope, address, conf.submission_rate_limit())
    check_rate(f"{scope}:wrong", address, conf.challenge_attempt_limit())


def record_submission(scope: str, address: str | None) -> None:
    count_hit(scope, address, conf.submission_rate_limit())


def record_wrong_answer(scope: str, address: str | None) -> None:
    count_hit(f"{scope}:wrong", address, conf.challenge_attempt_limit())

"""Throttling the public tracking form (查询码 + 密码) against guessing.

Two fixed-window counters of *wrong* entries in Django's cache, with the same helpers as the
public forms (``core.antispam``), in the shared cache (one count for every worker):

* per client address (as ``core.middleware.client_address`` computes it): one address cannot
  try code after code;
* per tracking code, from any address: the 8-character secret of a known code cannot be
  guessed from many addresses. The counter is keyed by the code's keyed hash, whether or not
  such an application exists, so a refusal does not reveal that a code is real.

Only wrong entries count; a correct lookup never uses up anything. Once a limit is reached,
lookups are refused (HTTP 429) without checking the keys until the window ends, and the
refusal says at what time to try again. Each wrong entry writes an audit row (no code, no
secret: the code's hash prefix, and the application when the code is real, so its handlers
see the attempts); a refused lookup writes nothing, so a flood cannot flood the audit chain.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gongkai.applications import conf
from gongkai.applications.models import Application
from gongkai.applications.services import normalise_code, tracking_hash
from gongkai.core.antispam import RateLimited, count_hit, hits, seconds_left
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb

ADDRESS_SCOPE = "application-track"
CODE_SCOPE = "application-track-code"


def _code_key(code: str) -> str | None:
    normalised = normalise_code(code)
    return tracking_hash(normalised)[:32] if normalised else None


def _until(seconds: int) -> str:
    return f"{timezone.localtime() + timedelta(seconds=seconds):%H:%M}"


def check_allowed(address: str | None, code: str) -> None:
    """Raise RateLimited (a Chinese message and the seconds to wait) once a limit is used up."""
    limit = conf.tracking_address_limit()
    if hits(ADDRESS_SCOPE, address) >= limit[0]:
        wait = seconds_left(ADDRESS_SCOPE, address, limit)
        raise RateLimited(
            f"查询码或密码输错次数过多：同一网络地址 {max(1, limit[1] // 60)} 分钟内最多可输错"
            f" {limit[0]} 次。为保护申请人的信息，查询已暂停，请于 {_until(wait)} 以后再试。",
            retry_after=wait,
        )
    key = _code_key(code)
    limit = conf.tracking_code_limit()
    if key is not None and hits(CODE_SCOPE, key) >= limit[0]:
        wait = seconds_left(CODE_SCOPE, key, limit)
        raise RateLimited(
            f"该查询码的密码输错次数过多：{max(1, limit[1] // 60)} 分钟内最多可输错"
            f" {limit[0]} 次。为保护申请人的信息，该查询码暂停查询，请于 {_until(wait)}"
            " 以后再试；如忘记密码，请与受理机关联系。",
            retry_after=wait,
        )


def record_failure(address: str | None, code: str) -> None:
    """Count one wrong entry against the address and the code, and audit it."""
    address_count = count_hit(ADDRESS_SCOPE, address, conf.tracking_address_limit())
    key = _code_key(code)
    code_count = count_hit(CODE_SCOPE, key, conf.tracking_code_limit()) if key else 0
    application = (
        Application.objects.filter(tracking_hash=tracking_hash(code)).first() if key else None
    )
    with transaction.atomic():
        record_event(
            Verb.APPLICATION_TRACK_FAILED,
            target=application,
            data={
                "code_key": (key or "")[:12],
                "address_failures": address_count,
                "code_failures": code_count,
                "paused": address_count >= conf.tracking_address_limit()[0]
                or code_count >= conf.tracking_code_limit()[0],
            },
        )

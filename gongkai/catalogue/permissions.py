"""Who revises the catalogue.

The standard (聊城市义务教育基层政务公开标准目录) is the city bureau's: “市教育和体育局切实
承担起主体责任，发挥好指导、监督、评估作用”. Revising it restructures every county's column,
so it is done by the city bureau's system administrator (a system administrator on the root
of the tree), who prepares a draft edition, reviews what changes and publishes it.
Supervisors evaluate against the catalogue; they do not edit it (supervision only reads).
A county extends the catalogue for itself (主动拓宽公开范围): the county's system
administrator adds local items (docs/decisions/0015).
"""

from __future__ import annotations

from typing import Any

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import holds_root_role, organisations_for
from gongkai.organisations.models import Kind, OrganisationQuerySet


def can_revise(user: Any) -> bool:
    return holds_root_role(user, Role.SYSTEM_ADMIN)


def counties_for(user: Any) -> OrganisationQuerySet:
    """The county bureaus whose local items ``user`` may add."""
    return organisations_for(user, Role.SYSTEM_ADMIN).filter(
        kind=Kind.COUNTY_BUREAU, is_active=True
    )


def can_extend(user: Any) -> bool:
    return counties_for(user).exists()


def can_open_catalogue_pages(user: Any) -> bool:
    """The staff navigation shows 目录管理 to whoever can revise or extend it."""
    return can_revise(user) or can_extend(user)

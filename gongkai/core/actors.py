"""Who does something: the one type of the acting user for the code in core.

Services take the acting user as ``by`` and write it into the audit row. The apps type it
as ``gongkai.accounts.models.User``; core, which imports no domain app, types it as the user
model's base class, which ``AUTH_USER_MODEL`` extends. ``None`` is the system itself: a job,
a data load, the scheduler publishing a record that came due.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

#: A signed-in person acting, or None for the system.
Actor = AbstractBaseUser | None


UserT = TypeVar("UserT", bound=AbstractBaseUser)


def signed_in(request: HttpRequest, model: type[UserT]) -> UserT:
    """The person a staff view acts for, typed as the project's user model (``model``, which
    the view names: core imports no app). Staff views admit only signed-in users
    (``role_required``), so anything else here is refused rather than passed on."""
    user = request.user
    if not isinstance(user, model):
        raise PermissionDenied("请先登录。")
    return user

from __future__ import annotations

import pytest

from gongkai.accounts.models import Role
from gongkai.testing import SHANGHAI, at, make_user

__all__ = ["SHANGHAI", "at"]


@pytest.fixture
def officer(county):
    return make_user(
        username="officer",
        full_name="舆情员甲",
        email="officer@example.com",
        roles=[Role.CONCERN_OFFICER],
        organisation=county,
    )


@pytest.fixture
def county_supervisor(county):
    return make_user(
        username="countysup",
        email="supervisor@example.com",
        roles=[Role.SUPERVISOR],
        organisation=county,
    )


@pytest.fixture
def other_county_officer(other_county):
    return make_user(
        username="otherofficer", roles=[Role.CONCERN_OFFICER], organisation=other_county
    )

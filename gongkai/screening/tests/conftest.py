from __future__ import annotations

import random

import pytest

from gongkai.accounts.models import Role
from gongkai.screening.testing import make_id, make_mobile
from gongkai.testing import make_user


@pytest.fixture
def id_number() -> str:
    return make_id(random.Random(4))


@pytest.fixture
def mobile() -> str:
    return make_mobile(random.Random(4))


@pytest.fixture
def other_county_reviewer(other_county):
    return make_user(
        username="otherreviewer", roles=[Role.DISCLOSURE_REVIEWER], organisation=other_county
    )


@pytest.fixture
def city_admin(city):
    return make_user(username="cityadmin", roles=[Role.SYSTEM_ADMIN], organisation=city)

from __future__ import annotations

import pytest
from django.core.management import call_command

from gongkai.interpretations.models import Form, Interpretation

pytestmark = pytest.mark.django_db


def test_demo_data_has_every_form_published_with_its_policy_and_runs_twice():
    call_command("seed_demo")
    call_command("seed_demo")
    published = Interpretation.objects.published()
    assert set(published.values_list("form", flat=True)) == set(Form.values)
    assert published.count() == 6
    for interpretation in published:
        assert all(p.current_version_id for p in interpretation.policies.all())

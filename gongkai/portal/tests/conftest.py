"""Production configuration for the print views and the static export: DEBUG off, hashed
static file names from the production storage (collected once per test run), a real SITE_URL."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings

SITE_URL = "https://jyj.example.gov.cn"
PRODUCTION_STORAGES = {
    **django_settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0, stdout=StringIO())
    assert (root / "staticfiles.json").is_file()
    return root


@pytest.fixture
def production(settings: Any, collected_static: Path) -> Any:
    """DEBUG off, ManifestStaticFilesStorage (hashed names) and SITE_URL as deployed."""
    settings.DEBUG = False
    settings.STATIC_ROOT = collected_static
    settings.STORAGES = PRODUCTION_STORAGES
    settings.SITE_URL = SITE_URL
    return settings

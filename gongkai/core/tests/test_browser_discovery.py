"""Browser tests find Chromium where the machine has it, not only at /usr/bin."""

from __future__ import annotations

import os
import stat

from gongkai import testing_browser


def _program(folder, name):
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_chromium_and_its_driver_are_found_on_the_path(tmp_path, monkeypatch):
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.delenv("CHROMEDRIVER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert testing_browser.missing() == "chromium (CHROMIUM) and chromedriver"
    browser = _program(tmp_path, "chromium-browser")
    driver = _program(tmp_path, "chromedriver")
    assert (testing_browser.chromium(), testing_browser.chromedriver()) == (browser, driver)
    assert testing_browser.missing() == ""


def test_the_environment_names_the_programs_and_a_wrong_name_is_missing(tmp_path, monkeypatch):
    elsewhere = _program(tmp_path, "my-chrome")
    monkeypatch.setenv("CHROMIUM", str(elsewhere))
    assert testing_browser.chromium() == elsewhere
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "nothing-here"))
    assert testing_browser.chromium() is None
    assert "chromium" in testing_browser.missing()
    assert os.environ["CHROMIUM"].endswith("nothing-here")

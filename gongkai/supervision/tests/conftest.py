"""Fixtures shared by the supervision tests."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.supervision.testing import make_application, make_remedy

D = date


@pytest.fixture
def applications(county, other_county):
    apps = {
        "A": make_application(county, received_on=D(2024, 12, 20), category="granted",
                              replied_on=D(2025, 1, 10)),
        "B": make_application(county, received_on=D(2025, 3, 1), category="granted",
                              replied_on=D(2025, 3, 20)),
        "C": make_application(county, received_on=D(2025, 4, 1), category="partly_granted",
                              replied_on=D(2025, 4, 25)),
        "D": make_application(county, kind="business", received_on=D(2025, 5, 1),
                              category="withheld_third_party", replied_on=D(2025, 5, 20)),
        "E": make_application(county, kind="research", received_on=D(2025, 12, 20)),
        "F": make_application(county, kind="legal", received_on=D(2025, 6, 1),
                              category="unavailable_not_held", replied_on=D(2025, 6, 20)),
        "G": make_application(county, kind="other", received_on=D(2025, 7, 1),
                              category="other_no_correction", replied_on=D(2025, 8, 1),
                              status="archived"),
        "H": make_application(county, kind="welfare", received_on=D(2025, 8, 1),
                              category="not_processed_repeat", replied_on=D(2025, 8, 5)),
        "I": make_application(county, received_on=D(2024, 6, 1), category="granted",
                              replied_on=D(2024, 7, 1)),
        "J": make_application(county, received_on=D(2026, 1, 5)),
        "K": make_application(county, received_on=D(2025, 2, 1), status="void"),
        "L": make_application(county, received_on=D(2024, 11, 1), category="granted",
                              replied_on=D(2026, 1, 10)),
        "other": make_application(other_county, received_on=D(2025, 3, 1)),
    }  # fmt: skip
    make_remedy(apps["B"], kind="review", filed_on=D(2025, 4, 1), outcome="upheld",
                decided_on=D(2025, 6, 1))  # fmt: skip
    make_remedy(apps["C"], kind="review", filed_on=D(2025, 5, 1))
    make_remedy(apps["D"], kind="litigation_direct", filed_on=D(2025, 6, 1),
                outcome="corrected", decided_on=D(2026, 2, 1))  # fmt: skip
    make_remedy(apps["F"], kind="litigation_after_review", filed_on=D(2025, 8, 1),
                outcome="other", decided_on=D(2025, 11, 1))  # fmt: skip
    make_remedy(apps["I"], kind="review", filed_on=D(2024, 8, 1), outcome="upheld",
                decided_on=D(2024, 9, 1))  # fmt: skip
    return apps

"""Property tests: every valid ID number is found, however written; a wrong check character
never is; masking always removes what was found."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from gongkai.screening.detectors import _PROVINCES, ID_CARD, PERSONAL_DATA_KINDS, detect
from gongkai.screening.masking import mask_text
from gongkai.screening.testing import fullwidth, spaced

SHAPES = [(18,), (6, 8, 4), (6, 4, 4, 4), (3, 3, 4, 4, 4), (6, 8, 3, 1), (4, 4, 4, 4, 2)]
SEPARATORS = [" ", "-", "\u3000", "－", "\u00a0"]
# Text around a number in a list: Chinese, punctuation, spaces and line breaks, no digits
# or Latin letters (those would make it part of a longer code, which is a different test).
SURROUNDING = st.text(alphabet="的是在公示名单姓名性别男女：，。（）、张王李赵 \n\t", max_size=12)


@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(_PROVINCES)))
    county = draw(st.text("0123456789", min_size=4, max_size=4))
    born = draw(st.dates(date(1900, 1, 1), timezone.localdate()))
    sequence = draw(st.integers(0, 999))
    first17 = f"{province}{county}{born:%Y%m%d}{sequence:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """The number as a clerk might type it: grouped, full-width, lower-case x."""
    text = spaced(number, draw(st.sampled_from(SHAPES)), draw(st.sampled_from(SEPARATORS)))
    if draw(st.booleans()):
        text = fullwidth(text)
    if draw(st.booleans()):
        text = text.replace("X", "x").replace("Ｘ", "ｘ")
    return text


@settings(max_examples=400, deadline=None)
@given(data=st.data(), number=valid_ids(), before=SURROUNDING, after=SURROUNDING)
def test_every_valid_id_number_is_found_however_written(
    data: st.DataObject, number: str, before: str, after: str
) -> None:
    form = data.draw(written(number))
    text = before + form + after
    found = [f for f in detect(text) if f.kind == ID_CARD]
    assert [(f.text, f.start) for f in found] == [(form, len(before))]


@settings(max_examples=300, deadline=None)
@given(data=st.data(), number=valid_ids(), before=SURROUNDING, after=SURROUNDING)
def test_a_wrong_check_character_is_never_found(
    data: st.DataObject, number: str, before: str, after: str
) -> None:
    wrong = data.draw(st.sampled_from([c for c in "0123456789X" if c != number[-1]]))
    form = data.draw(written(number[:-1] + wrong))
    found = detect(before + form + after)
    assert [f for f in found if f.kind in PERSONAL_DATA_KINDS] == []


@settings(max_examples=200, deadline=None)
@given(data=st.data(), number=valid_ids(), before=SURROUNDING)
def test_masking_leaves_nothing_to_find(data: st.DataObject, number: str, before: str) -> None:
    text = before + data.draw(written(number)) + "，电话13812345678，卡号6222021234567890128"
    masked = mask_text(text, detect(text))
    assert [f for f in detect(masked) if f.kind in PERSONAL_DATA_KINDS] == []
    assert len(masked) == len(text)

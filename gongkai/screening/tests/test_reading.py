"""Reading as a reader reads: HTML rendered with a map back to the source, numbers found
whatever mix of digit forms, separators, invisible characters and inline tags writes them,
and masking through the map leaves nothing to find and every tag in place."""

from __future__ import annotations

import re
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.screening import characters
from gongkai.screening.detectors import ID_CARD, MOBILE_PHONE, PERSONAL_DATA_KINDS, detect
from gongkai.screening.masking import mask_reading, masked_personal_data
from gongkai.screening.reading import read_attributes, read_file_name, read_html
from gongkai.screening.tests.test_properties import valid_ids

# Every way of writing each digit, from the Unicode database (and the Chinese numerals).
FORMS: dict[str, list[str]] = defaultdict(list)
for _char, _value in characters.DIGIT_VALUE.items():
    if _value.isdigit():
        FORMS[_value].append(_char)
SEPARATORS = [c for c in characters.SEPARATORS if c not in "。"]
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\ufe0f"]
INLINE_TAGS = ["strong", "em", "span", "b", "i", "u", "sup", "a"]


def test_inline_tags_vanish_and_block_tags_end_lines() -> None:
    reading = read_html(
        "<h2>名单</h2><p>3715<b>02</b>199001011234</p><table><tr><td>1</td><td>2</td></tr></table>"
    )
    assert reading.text == "名单\n371502199001011234\n1\n2\n"


def test_entities_comments_and_scripts_read_as_a_browser_shows_them() -> None:
    reading = read_html("<p>&#51;7&nbsp;1<!-- 13812345678 --><script>x='13812345678'</script></p>")
    assert reading.text == "37\u00a01\n"


def test_every_character_read_maps_back_to_where_it_came_from() -> None:
    source = '<p>甲&amp;乙<em>丙</em>丁&#x4E01;</p><p><a href="x">戊</a></p>'
    reading = read_html(source)
    for i, c in enumerate(reading.text):
        start, end = reading.source_span(i, i + 1)
        written = source[start:end]
        assert written == c or (written.startswith(("&", "<")) and c in "&丁\n"), (i, c, written)


def test_a_link_address_is_read_decoded_and_maps_back_to_its_escapes() -> None:
    source = '<a href="https://x.cn/?id=%33%37%31502199001011234&amp;n=%E7%8E%8B" title="电话&#49;3812345678">甲</a>'
    values = {v.name: v for v in read_attributes(source)}
    assert values["href"].reading.text == "https://x.cn/?id=371502199001011234&n=王"
    assert values["title"].reading.text == "电话13812345678"
    reading = values["href"].reading
    i = reading.text.index("3715")
    assert source[slice(*reading.source_span(i, i + 3))] == "%33%37%31"


def test_a_file_name_reads_underscores_as_spaces() -> None:
    assert (
        read_file_name("名单_371502199001011234_王某.pdf").text
        == "名单 371502199001011234 王某.pdf"
    )
    assert (
        masked_personal_data("名单_371502199001011234_王某.pdf")
        == "名单_371502********1234_王某.pdf"
    )


@settings(max_examples=300, deadline=None)
@given(data=st.data(), number=valid_ids())
def test_an_id_number_is_found_in_any_digit_form_with_invisible_characters(
    data: st.DataObject, number: str
) -> None:
    out: list[str] = []
    arabic = data.draw(st.booleans())
    for c in number:
        if c == "X":
            out.append(data.draw(st.sampled_from(sorted(characters.X_FORMS))))
        else:
            forms = [f for f in FORMS[c] if (f in characters.CHINESE_NUMERALS) != arabic]
            out.append(data.draw(st.sampled_from(sorted(forms))))
        if data.draw(st.integers(0, 4)) == 0:
            out.append(data.draw(st.sampled_from(INVISIBLE)))
    written = "".join(out)
    separator = data.draw(st.sampled_from(["", *SEPARATORS]))
    if separator:
        positions = [i for i, c in enumerate(written) if c in characters.DIGIT_VALUE]
        # 6-8-4, the way an ID number is grouped
        written = (
            written[: positions[6]]
            + separator
            + written[positions[6] : positions[14]]
            + separator
            + written[positions[14] :]
        )
    text = f"身份证号：{written}。"
    found = [(f.kind, f.value) for f in detect(text)]
    assert found == [(ID_CARD, number)], repr(written)


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    number=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
)
def test_a_mobile_number_split_by_any_inline_tags_is_found_and_masked_in_place(
    data: st.DataObject, number: str
) -> None:
    pieces: list[str] = []
    for c in number:
        if data.draw(st.integers(0, 2)) == 0:
            tag = data.draw(st.sampled_from(INLINE_TAGS))
            pieces.append(f"<{tag}>{c}</{tag}>")
        else:
            pieces.append(c)
        if data.draw(st.integers(0, 6)) == 0:
            pieces.append(data.draw(st.sampled_from(["&shy;", "&#8203;", "\u200d"])))
    source = f"<p>联系电话：{''.join(pieces)}，请勿外传。</p>"
    reading = read_html(source)
    found = detect(reading.text)
    assert [(f.kind, f.value) for f in found] == [(MOBILE_PHONE, number)]
    masked = mask_reading(reading, found)
    assert [f for f in detect(read_html(masked).text) if f.kind in PERSONAL_DATA_KINDS] == []
    assert re.findall(r"<[^>]+>", masked) == re.findall(r"<[^>]+>", source)
    assert read_html(masked).text.count("*") == 4

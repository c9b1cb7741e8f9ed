"""Must-show 3: personal data written the way people write it — IDs and phones grouped with spaces, dots or dashes,
house numbers after estates and in Chinese numerals, minors' ages, birth dates and classes — is masked, while valid
credit codes, SHA-256 digests and UUIDs beside it stay intact. Hypothesis generates the shapes."""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.redact import contains_personal_data, id_card_checksum_ok, scrub_text
from domain.uscc import ALPHABET, uscc_check_char

SEPARATORS = [" ", ".", "-", "·"]


def digits_of(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    division = draw(st.integers(110000, 659999))
    year = draw(st.integers(1930, 2025))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, 28))
    seq = draw(st.integers(0, 999))
    first17 = f"{division}{year:04d}{month:02d}{day:02d}{seq:03d}"
    total = sum(int(a) * (2 ** (17 - i) % 11) for i, a in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


@st.composite
def grouped(draw: st.DrawFn, number: str) -> str:
    """``number`` with a separator (the same one throughout, as people write) after some of its characters."""
    sep = draw(st.sampled_from(SEPARATORS))
    cuts = draw(st.sets(st.integers(1, len(number) - 1), max_size=6))
    return "".join(sep + ch if i in cuts else ch for i, ch in enumerate(number))


@st.composite
def grouped_ids(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(id_numbers())
    return number, draw(grouped(number))


@st.composite
def grouped_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    number = "1" + draw(st.sampled_from("3456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    return number, draw(grouped(number))


@st.composite
def grouped_landlines(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(["010", "021", "0791", "0518", "0755"]))
    local = draw(st.sampled_from("23456789")) + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=7, max_size=7)))
    sep = draw(st.sampled_from([*SEPARATORS, ""]))
    return area + local, f"{area}{sep}{local[:4]}{draw(st.sampled_from([*SEPARATORS, '']))}{local[4:]}"


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    body = "91" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=6, max_size=6)))
    body += "".join(draw(st.lists(st.sampled_from(ALPHABET), min_size=9, max_size=9)))
    return body + uscc_check_char(body)


chinese = st.text(alphabet="的了是在有这个某市区县执法检查发现当事人经营", max_size=8)
protected = st.one_of(
    credit_codes(),
    st.binary(min_size=1, max_size=16).map(lambda b: hashlib.sha256(b).hexdigest()),
    st.uuids().map(str),
)


@settings(max_examples=150)
@given(chinese, st.one_of(grouped_ids(), grouped_mobiles(), grouped_landlines()), chinese, protected)
def test_grouped_ids_and_phones_are_masked_and_codes_beside_them_survive(before: str, number: tuple[str, str], after: str, token: str) -> None:
    plain, written = number
    text = f"{token} {before}{written}{after} {token}"
    scrubbed = scrub_text(text)
    assert digits_of(plain) not in digits_of(scrubbed.replace(token, ""))
    assert not any(ch.isdigit() for ch in scrubbed[len(token) + 1 + len(before):][: len(written)])
    assert scrubbed.startswith(token + " ") and scrubbed.endswith(" " + token) and len(scrubbed) == len(text)
    assert not contains_personal_data(scrubbed)


@pytest.mark.parametrize("written", [
    "110105 19491231 002X", "110105-1949-1231-002X", "1101.0519.4912.3100.2X", "110105·19491231·002X", "4405 2418 8001 0100 14",
])
def test_ids_written_in_groups_are_masked(written: str) -> None:
    assert id_card_checksum_ok(digits_of(written).upper())
    assert not any(ch.isdigit() for ch in scrub_text(f"身份证号{written}。"))


@pytest.mark.parametrize("written", ["138.0013.8000", "138 0013 8000", "138-0013-8000", "1 3 8 0 0 1 3 8 0 0 0", "+86 138.0013.8000",
                                     "0791.8888.1234", "(0791) 8888-1234", "021 6666 8888"])
def test_phones_written_with_spaces_dots_or_dashes_are_masked(written: str) -> None:
    assert not any(ch.isdigit() for ch in scrub_text(f"联系电话：{written}"))


@pytest.mark.parametrize(("text", "expected"), [
    ("住幸福小区12号", "住幸福小区**号"),
    ("住解放街十二号", "住解放街**号"),
    ("王庄5号", "王庄*号"),
    ("金色家园3栋2单元402室", "金色家园*栋*单元***室"),
    ("红谷滩区丰和中大道1088号", "红谷滩区丰和中大道****号"),
    # a room written bare after the house, building or unit
    ("住中山路88号301", "住中山路**号***"),
    ("家住解放街12号楼3单元402", "家住解放街**号楼*单元***"),
    ("住中山路88号院2号楼1103", "住中山路**号院*号楼****"),
    ("住幸福小区5栋1202，", "住幸福小区*栋****，"),
])
def test_house_numbers_in_addresses_are_masked(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("未成年人张某，13岁", "未成年人张某，**岁"),
    ("其子年仅十三周岁", "其子年仅**周岁"),
    ("2012年5月3日出生", "****年*月*日出生"),
    ("就读于三年级二班", "就读于*年级*班"),
    ("初二(3)班学生", "初*(*)班学生"),
    ("当事人之子就读于南昌市第一中学", "当事人之子就读于*****中学"),
    ("其系朝阳小学三年级学生", "其系**小学*年级学生"),
    ("系南昌市第一初级中学在校学生", "系*****初级中学在校学生"),
])
def test_minors_data_is_masked(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.mark.parametrize("text", [
    "向未满十八周岁的未成年人出售烟草", "当事人时年35岁", "赣新综执罚〔2026〕12号", "2026.03.02-2026.04.02期间",
    "receipt 3601-2026-000456", "不满14周岁", "正月初一", "罚款1,500.00元",
    "于2026年3月12号1030时", "3月12号120份", "依据第12号令", "该店系个体工商户", "赣市监罚〔2026〕12号2026年3月",
    "向中学周边经营者宣传", "学校周边200米内",
])
def test_legal_text_dates_and_document_numbers_are_left_alone(text: str) -> None:
    assert scrub_text(text) == text


@given(st.sampled_from(["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十七"]) | st.integers(1, 17).map(str))
def test_every_age_under_18_is_masked(age: str) -> None:
    assert contains_personal_data(f"该学生{age}岁")


@given(st.integers(18, 99).map(str))
def test_adult_ages_are_not_masked(age: str) -> None:
    assert not contains_personal_data(f"当事人{age}岁")


def test_a_uuid_and_a_digest_made_only_of_digits_survive() -> None:
    token = str(uuid.UUID(int=12345678901234567890123456789012345))
    digest = hashlib.sha256(b"x").hexdigest()
    assert scrub_text(f"{token} {digest}") == f"{token} {digest}"

"""Public outputs carry no personal data of natural persons: names become 张某, identifiers and house numbers stars.

Local disclosure practice (行政执法公示, see DOMAIN.md) redacts natural persons' names to 某, ID numbers, phone
numbers, addresses and bank accounts; legal persons stay named with their unified social credit code. So:

- :func:`mask_person_name` for a name field (张三 → 张某, 欧阳娜娜 → 欧阳某);
- :func:`scrub_text` for free text: every match of :data:`PATTERNS` has its digits (and the ID's X) replaced by
  ``*`` character for character, so a layout keeps its shape and no digit survives;
- :func:`contains_personal_data` to refuse or flag a public text that still carries any.

Valid unified social credit codes, SHA-256 digests and UUIDs are left alone (an all-digit credit code that is
also a valid ID number is treated as an ID: privacy wins a tie). Full-width digits (１３８…) are matched like
ASCII ones. IDs, mobiles, landlines and bank cards are found however they are grouped — spaces, dots, dashes or
the middle dot between any digits (110105 19491231 002X, 138.0013.8000, 0791-8888-1234) — an ID only when the
digits without separators have an ID's shape (division code, a real birth date), so date ranges and case
numbers are not mistaken for one. House numbers are found after a road, lane, village, estate or building name,
in Arabic or Chinese numerals (中山路12号, 幸福小区3栋, 解放街十二号). Minors' data (未成年人信息): an age under
18 (13岁, 十三周岁), a birth date (2012年5月3日出生) and a school grade or class (三年级二班, 初二(3)班) are masked.
Not detected: names inside free text (mask them where they are a field), passport and permit numbers, local
numbers without an area code, the name of a minor's school.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from domain.uscc import is_valid_uscc

MASK = "*"

# 复姓: a name starting with one of these keeps both characters (欧阳某), when it is longer than the surname.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳", "太史", "端木", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛", "尉迟",
        "公羊", "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容", "仲孙", "钟离",
        "长孙", "宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马", "公西", "颛孙", "壤驷",
        "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐", "段干", "百里", "呼延", "东郭",
        "南门", "羊舌", "微生", "公户", "公玉", "公仪", "梁丘", "公仲", "公上", "公门", "公山", "公坚", "左丘",
        "公伯", "西门", "公祖", "第五", "公乘", "贯丘", "公皙", "南荣", "东里", "东宫", "仲长", "子书", "子桑",
        "即墨", "达奚", "褚师", "吴铭", "完颜", "单于",
    }
)  # fmt: skip


def mask_person_name(name: str) -> str:
    """A natural person's name as published: surname + 某 (张三 → 张某, 欧阳娜娜 → 欧阳某, 阿依古丽·买买提 → 阿某)."""
    name = name.strip()
    if not name:
        raise ValueError("an empty name cannot be masked")
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2] + "某"
    return name[0] + "某"


# Full-width digits and Latin letters behave like ASCII for matching; the table maps one character to one, so
# positions found in the normalised text are positions in the original.
_FULL_WIDTH = str.maketrans(
    {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)
_PLACEHOLDER = "\x00"  # stands in for a protected token while scanning: not a digit, not a letter


@dataclass(frozen=True)
class PersonalDataPattern:
    """One kind of personal data: ``regex`` finds it and its group ``secret`` is what gets masked; ``accept``
    (when set) confirms a candidate from its text (e.g. an ID's shape once separators are removed)."""

    name: str
    label: str
    regex: re.Pattern[str]
    why: str
    accept: Callable[[str], bool] | None = None


def _pattern(name: str, label: str, regex: str, why: str, accept: Callable[[str], bool] | None = None) -> PersonalDataPattern:
    return PersonalDataPattern(name, label, re.compile(regex, re.ASCII), why, accept)


_DATE = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_SEP = r"[ .\-\u00b7]"  # one separator a person may write between digits: space, dot, dash, middle dot
_CN_DIGITS = "零〇一二三四五六七八九十百两"
MASKABLE_CN = frozenset(_CN_DIGITS)
"""Chinese numerals are masked like digits where a pattern finds them (十二号 → **号)."""


def _separators_removed(text: str) -> str:
    return re.sub(_SEP, "", text)


def _id18_shaped(text: str) -> bool:
    return _ID18_SHAPE.fullmatch(_separators_removed(text).upper()) is not None


_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _age_value(text: str) -> int | None:
    """An age written in Arabic or Chinese numerals (13, 十三, 二十) as a number; None if not an age."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return _CN_VALUE.get(tens, 1 if tens == "" else -100) * 10 + (_CN_VALUE.get(units, -100) if units else 0)
    return _CN_VALUE.get(text) if len(text) == 1 else None


def _minor_age(text: str) -> bool:
    age = _age_value(text)
    return age is not None and 0 <= age < 18

PATTERNS: tuple[PersonalDataPattern, ...] = (
    # Local part only: the domain (qq.com, an agency's) identifies nobody. First, so that a phone number used as a
    # mailbox name is masked as part of the address.
    _pattern(
        "email",
        "电子邮箱",
        r"(?P<secret>[A-Za-z0-9._%+\-]+)@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
        "a mailbox names its holder",
    ),
    # GB 11643: 6-digit division code, birth date YYYYMMDD, 3-digit sequence, check digit or X. The shape alone is
    # enough: a mistyped ID is still an ID.
    _pattern(
        "id_card_18",
        "居民身份证号码（18位）",
        rf"(?<!\d)(?P<secret>[1-9]\d{{5}}{_DATE}\d{{3}}[\dXx])(?!\d)",
        "identifies a natural person",
    ),
    # The same number written in groups (110105 19491231 002X, 110105-1949-1231-002X, 1101.0519.4912.3100.2X):
    # a separator may stand between any two characters; the digits without them must have the ID's shape.
    _pattern(
        "id_card_grouped",
        "居民身份证号码（分段书写）",
        rf"(?<![\dA-Za-z])(?P<secret>[1-9](?:{_SEP}?\d){{16}}{_SEP}?[\dXx])(?![\dA-Za-z])",
        "identifies a natural person, however it is grouped",
        _id18_shaped,
    ),
    # First-generation ID: division code, YYMMDD, 3-digit sequence, no check digit.
    _pattern(
        "id_card_15",
        "居民身份证号码（15位）",
        r"(?<!\d)(?P<secret>[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3})(?!\d)",
        "identifies a natural person (issued before 1999, still printed in old files)",
    ),
    # 16-19 digits, written whole or in groups of four (6222 0212 3456 7890 123).
    _pattern(
        "bank_card",
        "银行卡号",
        rf"(?<!\d)(?P<secret>\d{{4}}(?:{_SEP}?\d{{4}}){{3}}(?:{_SEP}?\d{{1,3}})?)(?!\d)",
        "a personal account number",
    ),
    # Mainland mobile: 1[3-9] + 9 digits, optionally +86/0086 and 3-4-4 grouping.
    _pattern(
        "mobile",
        "手机号码",
        rf"(?<![\d.])(?P<secret>(?:(?:\+|00)86{_SEP}?)?1(?:{_SEP}?[3-9])(?:{_SEP}?\d){{9}})(?![\d])",
        "reaches a natural person directly",
    ),
    # Landline with its area code (0xx / 0xxx, bare or in brackets), 7-8 digit local number, optional extension.
    _pattern(
        "landline",
        "固定电话",
        rf"(?<![\d.])(?P<secret>(?:\(0\d{{2,3}}\)|0\d{{2,3}}){_SEP}?[2-9](?:{_SEP}?\d){{6,7}}(?:(?:-|转)\d{{1,6}})?)(?!\d)",
        "a home or personal number",
    ),
    # Backstop: any free-standing run of 11+ digits is some account, card or ID number. Runs glued to letters
    # (licence numbers such as JY13201020012345, digests) are codes, not people, and are left alone.
    _pattern(
        "long_number",
        "长数字串（账号、证件号等）",
        r"(?<![0-9A-Za-z])(?P<secret>\d{11,})(?![0-9A-Za-z])",
        "account and document numbers of other formats",
    ),
    # 门牌号: the number after a road, street, lane or village name (中山路12号 → 中山路**号, 123弄45号).
    _pattern(
        "house_number",
        "门牌号",
        r"(?<=[路街道巷弄村组里])(?P<secret>\d+(?:[\-之]\d+)?)(?=号)",
        "with the road it locates a home",
    ),
    # The same after an estate, village or building name (幸福小区12号, 金色家园3号, 王庄5号) and in Chinese numerals
    # (解放街十二号, 二组三号) — never after a bracket, so a document number (〔2026〕12号) is not a house.
    _pattern(
        "house_number_more",
        "门牌号（小区、村庄、中文数字）",
        rf"(?<=[路街道巷弄村组里区苑园庄屯坊湾城府邸居厦寓院座])(?P<secret>[\d{_CN_DIGITS}]+(?:[\-之][\d{_CN_DIGITS}]+)?)(?=号|栋|幢|单元|室)",
        "with the estate it locates a home",
    ),
    # Village group, building, unit, floor and room (8组, 3幢2单元402室, 12号楼).
    _pattern(
        "building_room",
        "楼栋、单元、房号",
        r"(?P<secret>\d+(?:[\-之]\d+)?)(?=号楼|号院|弄|组|幢|栋|单元|层|楼|室)",
        "with the road it locates a home",
    ),
    # 未成年人信息: an age under 18, a birth date, a school grade or class.
    _pattern(
        "minor_age",
        "未成年人年龄",
        rf"(?<![\d{_CN_DIGITS}满])(?P<secret>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})(?=周?岁(?!以[上下]))",
        "a minor is identified by age with the facts of a case",
        _minor_age,
    ),
    _pattern(
        "birth_date",
        "出生日期",
        r"(?P<secret>(?:19|20)\d{2}(?:年\d{1,2}月\d{1,2}日|[\-./]\d{1,2}[\-./]\d{1,2}))(?=出生|生人|生)",
        "a birth date identifies a person, and shows a minor",
    ),
    _pattern(
        "school_class",
        "年级、班级",
        rf"(?P<secret>[\d{_CN_DIGITS}]{{1,2}}年级(?:[\d{_CN_DIGITS}]{{1,2}}班)?|[初高][一二三][(（]?[\d{_CN_DIGITS}]{{1,2}}[)）]?班)",
        "a pupil's grade and class point to a minor",
    ),
)

# Tokens that look numeric but are not a person's: legal persons' credit codes, digests and UUIDs.
_USCC_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{18}(?![0-9A-Za-z])")
_HEX_TOKEN = re.compile(r"(?<![0-9A-Za-z])[0-9A-Fa-f]{32,}(?![0-9A-Za-z])")
_UUID_TOKEN = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(?![0-9A-Za-z])"
)
_ID18_SHAPE = re.compile(rf"[1-9]\d{{5}}{_DATE}\d{{3}}[\dX]", re.ASCII)
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"


def id_card_checksum_ok(number: str) -> bool:
    """GB 11643 check digit (ISO 7064 MOD 11-2) of an 18-character ID number."""
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _is_protected_uscc(token: str) -> bool:
    if not is_valid_uscc(token):
        return False
    # An all-digit credit code can have an ID's shape; if its ID check digit also holds, privacy wins.
    return not (_ID18_SHAPE.fullmatch(token) and id_card_checksum_ok(token))


def _protect(text: str) -> str:
    chars = list(text)
    for regex in (_USCC_TOKEN, _HEX_TOKEN, _UUID_TOKEN):
        for match in regex.finditer(text):
            token = match.group()
            if regex is _USCC_TOKEN and not _is_protected_uscc(token):
                continue
            if regex is _HEX_TOKEN and token.isdigit():
                continue  # a digest has letters; 32+ bare digits are a number
            chars[match.start() : match.end()] = _PLACEHOLDER * len(token)
    return "".join(chars)


@dataclass(frozen=True)
class PersonalDataFinding:
    """Where one piece of personal data sits in a text: the pattern's name and the masked span."""

    pattern: str
    start: int
    end: int


def find_personal_data(text: str) -> list[PersonalDataFinding]:
    """Every span :func:`scrub_text` masks, in the order found (patterns in :data:`PATTERNS` order)."""
    findings, _ = _scan(text)
    return findings


def _scan(text: str) -> tuple[list[PersonalDataFinding], str]:
    working = _protect(text.translate(_FULL_WIDTH))
    masked = list(text)
    findings: list[PersonalDataFinding] = []
    # Masking a match turns digits into stars, which can expose a neighbour to an earlier pattern's lookaround;
    # scan again until a pass finds nothing.
    while True:
        found_in_pass = False
        for pattern in PATTERNS:
            matches = list(pattern.regex.finditer(working))
            if not matches:
                continue  # most patterns find nothing in most texts: no copy of the text for them
            chars = list(working)
            for match in matches:
                start, end = match.span("secret")
                # Only letters and digits are masked; separators, brackets and 转 keep the layout readable.
                if pattern.accept is not None and not pattern.accept(working[start:end]):
                    continue
                secret = [i for i in range(start, end) if (chars[i].isascii() and chars[i].isalnum()) or chars[i] in MASKABLE_CN]
                if not secret:
                    continue
                findings.append(PersonalDataFinding(pattern.name, start, end))
                for index in secret:
                    chars[index] = MASK
                    masked[index] = MASK
                found_in_pass = True
            working = "".join(chars)
        if not found_in_pass:
            return findings, "".join(masked)


def scrub_text(text: str) -> str:
    """``text`` with every ID, phone, bank card, long number, e-mail local part and house number masked by ``*``."""
    return _scan(text)[1]


def contains_personal_data(text: str) -> bool:
    """Whether :func:`scrub_text` would mask anything: a public text must answer ``False``."""
    return bool(find_personal_data(text))

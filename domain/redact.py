"""Public outputs carry no personal data of natural persons: names become 张某, identifiers and house numbers stars.

Local disclosure practice (行政执法公示, see DOMAIN.md) redacts natural persons' names to 某, ID numbers, phone
numbers, addresses and bank accounts; legal persons stay named with their unified social credit code. So:

- :func:`mask_person_name` for a name field (张三 → 张某, 欧阳娜娜 → 欧阳某);
- :func:`scrub_text` for free text: every match of :data:`PATTERNS` has its digits (and the ID's X) replaced by
  ``*`` character for character, so a layout keeps its shape and no digit survives;
- :func:`contains_personal_data` to refuse or flag a public text that still carries any.

Valid unified social credit codes, SHA-256 digests and UUIDs are left alone (an all-digit credit code that is
also a valid ID number is treated as an ID: privacy wins a tie). Full-width digits (１３８…) are matched like
ASCII ones. Not detected: names inside free text (mask them where they are a field), passport and permit
numbers, Chinese-numeral house numbers (十二号), local numbers without an area code, minors' data as such.
"""

from __future__ import annotations

import re
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
    """One kind of personal data: ``regex`` finds it and its group ``secret`` is what gets masked."""

    name: str
    label: str
    regex: re.Pattern[str]
    why: str


def _pattern(name: str, label: str, regex: str, why: str) -> PersonalDataPattern:
    return PersonalDataPattern(name, label, re.compile(regex, re.ASCII), why)


_DATE = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"

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
        r"(?<!\d)(?P<secret>\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?)(?!\d)",
        "a personal account number",
    ),
    # Mainland mobile: 1[3-9] + 9 digits, optionally +86/0086 and 3-4-4 grouping.
    _pattern(
        "mobile",
        "手机号码",
        r"(?<!\d)(?P<secret>(?:(?:\+|00)86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2})(?!\d)",
        "reaches a natural person directly",
    ),
    # Landline with its area code (0xx / 0xxx, bare or in brackets), 7-8 digit local number, optional extension.
    _pattern(
        "landline",
        "固定电话",
        r"(?<!\d)(?P<secret>(?:\(0\d{2,3}\)|0\d{2,3})[ \-]?[2-9]\d{6,7}(?:(?:-|转)\d{1,6})?)(?!\d)",
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
    # Village group, building, unit, floor and room (8组, 3幢2单元402室, 12号楼).
    _pattern(
        "building_room",
        "楼栋、单元、房号",
        r"(?P<secret>\d+(?:[\-之]\d+)?)(?=号楼|号院|弄|组|幢|栋|单元|层|楼|室)",
        "with the road it locates a home",
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
            chars = list(working)
            for match in matches:
                start, end = match.span("secret")
                # Only letters and digits are masked; separators, brackets and 转 keep the layout readable.
                secret = [i for i in range(start, end) if chars[i].isascii() and chars[i].isalnum()]
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

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
numbers are not mistaken for one; old 15-digit IDs likewise, landlines after +86 (which drops the area code's
0), cards in space-separated groups of any length. House numbers are found after a road, lane, village, estate or
building name, in Arabic or Chinese numerals (中山路12号, 幸福小区3栋, 解放街十二号, 附5号), and a room written bare
after them (88号301, 3单元402). Minors' data (未成年人信息): an age under 18 (13岁, 十三周岁), a birth date
(2012年5月3日出生, 出生于2012年5月), a school grade or class (三年级二班, 初二(3)班) and the proper name of the
school a pupil attends (就读于南昌市第一中学, 系朝阳小学学生: the kind of school stays) are masked. A label makes a number personal whatever its shape: a local
number after 电话/手机/联系方式 (7+ digits: the 5-digit public hotlines 12345, 12315 stay), a document or account
after 护照/通行证/驾驶证/社保卡/QQ/微信/账号… (never after 执法证: an officer's certificate is public). Licence
plates (赣A12345 → 赣A*****) are masked: DOMAIN.md does not list them, and a person's plate leads to its keeper.
Names of persons inside free text are found by their neighbours — an honorific (王小明先生), particulars in a
bracket (李建国（男，…）) or a role before them (证人李四称, 法定代表人：赵建国，) — and keep only the surname;
the party's own registered name is masked where it is known (:func:`domain.disclosure.public_text`).
Not detected: a name written with no such neighbour, a local number without a label, a school named with no cue
of attending it (就读, 系…学生).
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


_ID15_SHAPE = re.compile(r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}", re.ASCII)


def _id15_shaped(text: str) -> bool:
    return _ID15_SHAPE.fullmatch(_separators_removed(text)) is not None


def _card_length(text: str) -> bool:
    return 16 <= len(_separators_removed(text)) <= 19


def _plate_shaped(text: str) -> bool:
    return sum(ch.isdigit() for ch in text) >= 3  # a plate carries digits; a word in capitals does not


_PHONE_LABELS = "联系电话|联系方式|电话号码|手机号码|手机号|移动电话|固定电话|电话|手机|座机|传真|(?<![A-Za-z0-9])[Tt][Ee][Ll](?![A-Za-z])"
_IDENTIFIER_LABELS = (
    "(?<!执法)证件号码|(?<!执法)证件号|身份证号码|身份证号|身份证|护照|往来港澳通行证|港澳通行证|台湾通行证|通行证|"
    "台胞证|回乡证|居住证|驾驶证|驾照|行驶证|社会保障卡|社保卡|医保卡|军官证|士兵证|户口簿|户口本|(?<![A-Za-z0-9+/])[Qq][Qq](?![A-Za-z])|微信号|微信|"
    "支付宝账号|支付宝|银行账号|银行账户|账号|帐号|账户|帐户|卡号|车架号|发动机号"
)
_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使"

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
    # The same written in groups (110105 491231 002): shape-checked once the separators are gone.
    _pattern(
        "id_card_15_grouped",
        "居民身份证号码（15位，分段书写）",
        rf"(?<![\dA-Za-z])(?P<secret>[1-9](?:{_SEP}?\d){{14}})(?![\dA-Za-z])(?!{_SEP}\d)",
        "identifies a natural person, however it is grouped",
        _id15_shaped,
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
    # Landline with its area code (0xx / 0xxx, bare or in brackets — never 00, the international prefix), 7-8 digit
    # local number, optional extension.
    _pattern(
        "landline",
        "固定电话",
        rf"(?<![\d.])(?P<secret>(?:\(0[1-9]\d{{1,2}}\)|0[1-9]\d{{1,2}}){_SEP}?[2-9](?:{_SEP}?\d){{6,7}}(?:(?:-|转)\d{{1,6}})?)(?!\d)",
        "a home or personal number",
    ),
    # Card numbers grouped otherwise (622202 1234567890123, 6222 021234 567890123): 16-19 digits in space-separated
    # groups of at least three (so dates and document numbers, whose groups are shorter or dashed, are not cards).
    _pattern(
        "bank_card_spaced",
        "银行卡号（空格分组）",
        r"(?<!\d)(?P<secret>\d{3,13}(?: \d{3,13}){1,5})(?!\d)",
        "a personal account number, however it is grouped",
        _card_length,
    ),
    # A landline written with the country code, which drops the area code's 0 (+86 10 6234 5678, 0086-791-88881234).
    _pattern(
        "landline_international",
        "固定电话（国际区号）",
        rf"(?<![\d.])(?P<secret>(?:\+|00)86{_SEP}?(?:\(0?[1-9]\d{{1,2}}\)|0?[1-9]\d{{1,2}}){_SEP}?[2-9](?:{_SEP}?\d){{6,7}}(?:(?:-|转)\d{{1,6}})?)(?!\d)",
        "a home or personal number",
    ),
    # A number after a phone label needs no area code to reach someone (电话 8888 1234, 联系方式：88881234).
    _pattern(
        "labelled_phone",
        "电话号码（标注）",
        rf"(?:{_PHONE_LABELS})(?:号码|号)?[为是:：\s]*(?P<secret>\d{{2,4}}[ .\-]\d{{3,4}}[ .\-]\d{{4}}|\d{{3,4}}[ .\-]\d{{4}}|\d{{7,12}})(?!\d)",
        "a local number reaches a person as well as a full one",
    ),
    # Documents and accounts named by their label: passport, permits, driving licence, social security card, QQ,
    # WeChat, account numbers, and the tail of an ID (身份证后四位). Not the officer's 执法证 nor a business licence.
    _pattern(
        "labelled_identifier",
        "证件号码、账号（标注）",
        rf"(?:{_IDENTIFIER_LABELS})(?:号码|号)?(?:(?:后|末)[四4六6]位)?[为是:：\s]*(?P<secret>[A-Za-z0-9][A-Za-z0-9_\-]{{3,}})",
        "a document or account number identifies its holder",
    ),
    # 机动车号牌: province, issuing letter, five or six characters (赣A12345, 京A·D12345, 粤B1234学); the plate of a
    # person's vehicle identifies its keeper (DOMAIN.md is silent on plates: privacy wins). The province and letter
    # stay (they name a city, not a person).
    _pattern(
        "licence_plate",
        "机动车号牌",
        rf"(?<=[{_PLATE_PROVINCES}])[A-HJ-NP-Za-hj-np-z]{_SEP}?(?P<secret>[A-HJ-NP-Za-hj-np-z0-9]{{5,6}}(?![A-Za-z0-9])|[A-HJ-NP-Za-hj-np-z0-9]{{4}}(?=[挂学警领港澳试超]))",
        "a vehicle's plate leads to its keeper",
        _plate_shaped,
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
        rf"(?<=[路街道巷弄村组里区苑园庄屯坊湾城府邸居厦寓院座附])(?P<secret>[\d{_CN_DIGITS}]+(?:[\-之][\d{_CN_DIGITS}]+)?)(?=号|栋|幢|单元|室)",
        "with the estate it locates a home (附5号 too)",
    ),
    # Village group, building, unit, floor and room (8组, 3幢2单元402室, 12号楼).
    _pattern(
        "building_room",
        "楼栋、单元、房号",
        r"(?P<secret>\d+(?:[\-之]\d+)?)(?=号楼|号院|弄|组|幢|栋|单元|层|楼|室)",
        "with the road it locates a home",
    ),
    # A room written bare after the house, building or unit (中山路88号301, 3单元402, 2号楼1103, 5楼502): 2-5 digits
    # right after one of those words that itself follows a number — not a date written with 号 (3月12号1030), a
    # time, an amount or a count.
    _pattern(
        "room_bare",
        "房号（紧随门牌、楼栋、单元）",
        rf"(?:(?<=[\d{_CN_DIGITS}*]号)|(?<=[\d{_CN_DIGITS}*]号楼)|(?<=[\d{_CN_DIGITS}*]号院)|(?<=[\d{_CN_DIGITS}*]单元)"
        rf"|(?<=[\d{_CN_DIGITS}*]栋)|(?<=[\d{_CN_DIGITS}*]幢)|(?<=[\d{_CN_DIGITS}*]楼))(?<!月\d号)(?<!月\d\d号)(?<!日\d号)"
        r"(?P<secret>\d{2,5})(?![\d.年月日时点分秒元万千百条款项%％份件个次人])",
        "with the house it locates a home",
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
        r"(?P<secret>(?:19|20)\d{2}(?:年\d{1,2}月(?:\d{1,2}日)?|[\-./]\d{1,2}[\-./]\d{1,2}))(?=出生|生人|生)",
        "a birth date identifies a person, and shows a minor",
    ),
    _pattern(
        "birth_date_labelled",
        "出生日期（标注）",
        r"(?:出生于|生于|出生日期|出生年月日?|生日)[为是:：\s]*(?P<secret>(?:19|20)\d{2}(?:年\d{1,2}月(?:\d{1,2}日)?|[\-./]\d{1,2}(?:[\-./]\d{1,2})?))",
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


def is_public_credit_code(token: str) -> bool:
    """A valid unified social credit code that may be published: not one that is also a valid resident ID number
    (an all-digit code can have an ID's shape; if its ID check digit also holds, privacy wins the tie)."""
    if not is_valid_uscc(token):
        return False
    return not (_ID18_SHAPE.fullmatch(token) and id_card_checksum_ok(token))


_is_protected_uscc = is_public_credit_code


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


# -- names of natural persons inside free text ----------------------------------------------------------------------
# A name field is masked whole (mask_person_name); in free text a name is found by what stands next to it: an
# honorific after it (王小明先生, 欧阳娜娜女士), a bracket that goes on with a person's particulars (李建国（男，
# 身份证…）), or a role before it (证人李四称, 法定代表人：赵建国，). Only the given name is masked, one mark per
# character (王小明 → 王某某 in public texts), so the surname and the sentence stay readable.
#
# Single-character surnames: the common ones, less those that mostly begin an ordinary word after a role
# (成立, 单位, 关于, 安全, 包括, 尚未, 符合, 申请, 管理, 经营, 时年 …): a person with such a surname is still found
# by an honorific or a bracket, and by the party's own name (domain.disclosure.public_text).
SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤温"
    "施牛樊葛邢易乔伍庞颜倪庄聂章鲁岳翟殷詹耿俞左柳祝宁舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝辛靳柴蒙鲍华"
    "喻祁蒲房滕屈饶牟艾尤穆卓吉缪芦麦褚娄窦戚岑费卜晏卫柏瞿桂佟臧闵苟邬卞姬仇栾隋刁巫寇桑郎甄丛仲虞敖巩佘邝"
)
HONORIFICS = ("先生", "女士", "小姐", "同志", "师傅", "老师", "同学", "夫妇", "老人", "大爷", "大妈", "阿姨")
# Roles after which a natural person's name follows (当事人 included: a company's name never passes the checks below).
PERSON_ROLES = (
    "委托代理人", "法定代表人", "实际控制人", "被申请人", "法人代表", "当事人", "经营者", "负责人", "投诉人", "举报人",
    "申请人", "受害人", "被害人", "监护人", "代理人", "见证人", "联系人", "收款人", "持卡人", "开户人", "承租人",
    "出租人", "驾驶员", "驾驶人", "未成年人", "消费者", "证人", "股东", "业主", "户主", "车主", "店主", "摊主", "房东",
    "房主", "租户", "司机", "员工", "职工", "雇员", "店员", "营业员", "厨师", "顾客", "患者", "学生", "村民", "居民",
    "其父", "其母", "父亲", "母亲", "其子", "其女", "儿子", "女儿", "妻子", "丈夫", "配偶", "户名", "姓名", "名叫",
    "董事长", "总经理", "经理", "店长", "厂长", "老板", "会计", "出纳", "收银员", "服务员", "保安", "工人", "房客",
)  # fmt: skip
# Not the titles of public office (局长, 队长, 执法人员): an official acting in office is named in public.
# What may follow a name after a role (besides punctuation, a digit or the end): speech, presence and the acts of
# a case. A role + surname + given name followed by anything else is left alone (当事人江西某某商贸有限公司).
_AFTER_NAME = (
    "称", "说", "反映", "表示", "陈述", "承认", "证实", "供述", "介绍", "签字", "签名", "确认", "到场", "在场", "于",
    "因", "系", "等", "的", "驾驶", "经营", "销售", "未", "擅自", "私自", "拒绝", "拒不", "在", "将", "与", "和", "及",
    "是", "为", "已", "曾", "向", "对", "从", "把", "被", "持", "携带", "现", "当场", *HONORIFICS,
)  # fmt: skip
# Characters that are (almost) never part of a given name but often follow a role in legal prose (当事人高价销售,
# 当事人方面称, 当事人时年35岁): a candidate name containing one is not a name.
_NOT_GIVEN = frozenset(
    "某面因营过查核其称认知次期时任场日即后动部够服然事用规驶售产存输供嫌照限式店司厂号路街市区县省镇乡村组楼室等"
    "的了和与及对向将把被由为从到所以并且或者人员处罚款个名位年月内外上下前该此本各每未已经在是有无不没也又就现说"
    "于之价额品物货食费务律条述辩诉"
)
_PERSON_PARTICULARS = ("男", "女", "身份证", "公民身份", "证件", "住", "户籍", "电话", "手机", "联系", "出生", "生于", "汉族", "族")
# Prepositions and conjunctions that are also surnames: 向李女士 is Ms Li, not a Mr 向李.
_FUNCTION_SURNAMES = frozenset("向于和与同对给跟由将把被为经从及找问请叫让帮")
_HONORIFIC_RE = re.compile("|".join(HONORIFICS))
_PARTICULARS_RE = re.compile(r"[(（](?:" + "|".join(_PERSON_PARTICULARS) + r"|\d)")
_ROLE_RE = re.compile("(?:" + "|".join(PERSON_ROLES) + r")[:：\s]*")


_RARER_SURNAMES = frozenset("成单解关安常包尚符申管连党项简农阳席米冷边池迟麻宗景游荣沙宫苑应全车路文时明")


def looks_like_person_name(name: str) -> bool:
    """Whether ``name`` reads as a natural person's name (2–4 Chinese characters starting with a surname), as a
    sole trader registered without a business name (字号) is named after its operator."""
    name = name.strip()
    if not 2 <= len(name) <= 4 or not all(_han(ch) for ch in name) or "某" in name[1:]:
        return False
    return name[:2] in COMPOUND_SURNAMES or name[0] in SINGLE_SURNAMES or name[0] in _RARER_SURNAMES


def _han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _is_surname(text: str) -> bool:
    return text in COMPOUND_SURNAMES if len(text) == 2 else text in SINGLE_SURNAMES


def _given_ok(text: str) -> bool:
    return all(_han(ch) and ch not in _NOT_GIVEN for ch in text)


def _name_before(text: str, end: int) -> tuple[int, int] | None:
    """The given name of a person whose name ends at ``end`` (an honorific or particulars follow), if any."""
    for surname_len, given_len in ((2, 2), (2, 1), (1, 2), (1, 1)):
        start = end - given_len - surname_len
        if start < 0:
            continue
        surname, given = text[start : start + surname_len], text[start + surname_len : end]
        if not (_is_surname(surname) and _given_ok(given)):
            continue
        if surname_len == 1 and surname in _FUNCTION_SURNAMES and given[0] in SINGLE_SURNAMES:
            continue  # 向李女士: the shorter reading (a bare surname) is the one meant
        return start + surname_len, end
    return None


def _name_after(text: str, start: int) -> tuple[int, int] | None:
    """The given name of a person whose name starts at ``start`` (a role precedes), if the name ends cleanly."""
    for surname_len, given_len in ((2, 2), (2, 1), (1, 2), (1, 1)):
        given_start = start + surname_len
        end = given_start + given_len
        if end > len(text) or text.startswith(HONORIFICS, given_start):
            continue  # 当事人李女士: a bare surname
        if not (_is_surname(text[start:given_start]) and _given_ok(text[given_start:end])):
            continue
        if end == len(text) or not _han(text[end]) or text.startswith(_AFTER_NAME, end):
            return given_start, end
    return None


def _person_names(text: str) -> list[tuple[int, int]]:
    """Spans of given names of natural persons in ``text`` (see above), left to right."""
    spans: list[tuple[int, int]] = []
    if not any(_han(ch) for ch in text):
        return spans
    for regex in (_HONORIFIC_RE, _PARTICULARS_RE):
        for match in regex.finditer(text):
            found = _name_before(text, match.start())
            if found is not None:
                spans.append(found)
    for match in _ROLE_RE.finditer(text):
        found = _name_after(text, match.end())
        if found is not None:
            spans.append(found)
    for match in _SCHOOL_RE.finditer(text):
        spans.append(match.span("secret" if match.group("secret") is not None else "pupil"))
    return sorted(set(spans))


# 未成年人信息: the school a pupil attends (就读于南昌市第一中学, 系朝阳小学三年级学生) identifies a minor with the facts
# of a case. Its proper name is masked like a given name (就读于某某某某某中学); the kind of school stays.
_SCHOOL_KINDS = "小学|中学|初中|高中|初级中学|高级中学|完全中学|幼儿园|学校|职业技术学校|技工学校|职业中学|中专"
_SCHOOL_RE = re.compile(
    r"(?:(?:就读于|就读|在读于|在读|求学于|上学于|学籍在|所在学校[为是:：]?)"
    rf"(?P<secret>[\u4e00-\u9fff\d]{{2,20}}?)(?={_SCHOOL_KINDS})"
    rf"|(?<=[系是为])(?P<pupil>[\u4e00-\u9fff\d]{{2,20}}?)(?=(?:{_SCHOOL_KINDS})(?:[初高]?[一二三四五六七八九\d]{{1,2}}年级|[初高][一二三])?"
    r"(?:[\d一二三四五六七八九十]{1,2}班)?(?:在校|在读)?学生))"
)


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


PERSON_NAME = "person_name"
"""The finding's pattern name for a natural person's given name in free text (not in :data:`PATTERNS`: it is
found by its neighbours, not by a regular expression alone)."""


def _scan(text: str, name_mask: str = MASK) -> tuple[list[PersonalDataFinding], str]:
    working = _protect(text.translate(_FULL_WIDTH))
    masked = list(text)
    findings: list[PersonalDataFinding] = []
    spans = _person_names(working)
    if spans:
        chars = list(working)
        for start, end in spans:
            findings.append(PersonalDataFinding(PERSON_NAME, start, end))
            for index in range(start, end):
                chars[index] = "某"  # never a given name again, and never a digit for the patterns below
                masked[index] = name_mask
        working = "".join(chars)
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


def scrub_text(text: str, *, name_mask: str = MASK) -> str:
    """``text`` with every ID, phone, bank card, plate, long number, e-mail local part and house number masked by
    ``*``, character for character; given names of persons found in it (王小明先生) by ``name_mask`` per character
    (public texts pass 某: 王某某先生)."""
    if len(name_mask) != 1:
        raise ValueError("a name is masked one character for one")
    return _scan(text, name_mask)[1]


def contains_personal_data(text: str) -> bool:
    """Whether :func:`scrub_text` would mask anything: a public text must answer ``False``."""
    return bool(find_personal_data(text))

"""Builds one valid business-registration dossier (procedure ``2.001610``) as a JSON dict, optionally
with an awkward-but-valid trick, in the shape ``docs/business-registration-form.md`` fixes.

Companies of Quảng Ngãi (with the former Kon Tum): "CÔNG TY TNHH " + a trade + a place or a word of
good fortune; business lines drawn from the VSIC level-4 catalogue, the main one fitting the trade; the
head office in a 2025 commune; the owner, who files the dossier, an adult whose identity number agrees
with sex and birth year; the owner or a hired director as legal representative. Names never repeat in
one batch, nor copy a name the business-registration portal already holds.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flows.business_registration.model import ASSET_LABELS, PROCEDURE_CODE, PROCEDURE_NAME, vsic_catalogue
from flows.business_registration.rules import format_vnd
from rpa.domain.adminunits import same_unit
from rpa.domain.text import nfc
from rpa.sandbox import seed_names as names
from rpa.sandbox.records import SeedFile
from rpa.sandbox.registered_names import REGISTERED_NAMES
from rpa.sandbox.seed_dossier import _kinh_name, _received_at, working_days_after
from rpa.sandbox.seed_files import _pdf, identity_scan
from rpa.sandbox.seed_person import NameCycle, Person, birth_date, identity
from rpa.sandbox.seed_places import HOME_PROVINCES, Home, address_text, pick_home
from rpa.sandbox.seed_text import ascii_fold, nfd

__all__ = [
    "DUE_WORKING_DAYS",
    "PROCEDURE_CODE",
    "PROCEDURE_NAME",
    "TRADES",
    "BusinessSeeder",
    "business_files",
    "name_key",
]

DUE_WORKING_DAYS = 3  # the certificate is due within 3 working days

# (Vietnamese trade words, English words of the foreign name, VSIC codes that fit the trade)
TRADES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("THƯƠNG MẠI DỊCH VỤ", "TRADING SERVICE", ("4620", "4632", "4649", "4690", "4722", "4933")),
    ("XÂY DỰNG", "CONSTRUCTION", ("4101", "4102", "4210", "4290", "4312", "4663")),
    ("VẬN TẢI", "TRANSPORT", ("4933", "4932", "5210", "5229", "4520")),
    ("DU LỊCH", "TOURISM", ("7911", "7912", "5510", "5610", "4932")),
    ("THỦY SẢN", "SEAFOOD", ("0311", "0321", "1020", "4632", "4620")),
    ("NÔNG SẢN", "AGRICULTURAL PRODUCTS", ("0111", "0118", "0125", "1061", "4620")),
    ("CƠ KHÍ", "MECHANICAL ENGINEERING", ("2592", "2599", "3311", "4659")),
    ("NỘI THẤT", "FURNITURE", ("3100", "1622", "4649", "4759")),
    ("CÀ PHÊ", "COFFEE", ("0126", "1077", "4632", "5630")),
    ("DƯỢC LIỆU", "HERBAL MEDICINE", ("0128", "2100", "4632", "4772")),
    ("CÔNG NGHỆ", "TECHNOLOGY", ("6201", "6202", "6209", "4651", "6311")),
    ("MAY MẶC", "GARMENT", ("1410", "1430", "4641", "4771")),
    ("VẬT LIỆU XÂY DỰNG", "BUILDING MATERIALS", ("2395", "2392", "4663", "4752")),
    ("TƯ VẤN ĐẦU TƯ", "INVESTMENT CONSULTING", ("7020", "6619", "7110", "8299")),
    ("THỰC PHẨM", "FOOD", ("1075", "1079", "4632", "4722")),
)
# Places of Quảng Ngãi and the former Kon Tum that companies are named after.
PLACES = (
    "SA HUỲNH", "DUNG QUẤT", "LÝ SƠN", "THIÊN ẤN", "TRÀ KHÚC", "MỸ KHÊ", "THẠCH BÍCH", "BA TƠ",
    "MINH LONG", "SƠN TỊNH", "TƯ NGHĨA", "MỘ ĐỨC", "ĐỨC PHỔ", "BÌNH SƠN", "NGHĨA HÀNH", "TRÀ BỒNG",
    "SÔNG VỆ", "CÀ ĐAM", "KON TUM", "NGỌC LINH", "MĂNG ĐEN", "ĐĂK TÔ", "NGỌC HỒI", "SA THẦY", "ĐĂK HÀ",
    "KON PLÔNG", "ĐĂK GLEI", "BỜ Y"
)  # fmt: skip
# Words of good fortune, the other common proper name of a Vietnamese company.
FORTUNE = (
    "AN PHÁT", "HƯNG THỊNH", "PHÚ QUÝ", "TÂN TIẾN", "MINH KHANG", "ĐẠI PHÁT", "THIÊN PHÚC",
    "HOÀNG LONG", "NGỌC MINH", "TRƯỜNG SƠN", "BẢO NGỌC", "VẠN AN", "KIM NGÂN", "PHƯỚC LỘC",
    "THỊNH VƯỢNG", "NHẬT QUANG"
)  # fmt: skip
# Places with many diacritics, for the name_diacritics_ampersand trick.
_DIACRITIC_PLACES = ("ĐỨC PHỔ", "ĐĂK TÔ", "NGỌC HỒI", "THIÊN ẤN", "MỸ KHÊ", "TRÀ BỒNG", "KON PLÔNG")
_DIGITS = ("3T", "68", "86", "247", "2025", "T&T 9")
_AREA_CODES = {"51": "0255", "62": "0260"}  # landline area codes of Quảng Ngãi and the former Kon Tum


_TYPE_WORDS = ("CONG TY TRACH NHIEM HUU HAN", "CONG TY TNHH", "MOT THANH VIEN")


def name_key(name: str) -> str:
    """What two company names are compared on: the proper name without the company type ("CÔNG TY
    TNHH", "MỘT THÀNH VIÊN"), case, accents or signs (Law on Enterprises 2020, Art. 41 counts names
    read alike, or differing by "&" or "-", as confusingly similar)."""
    words = " ".join("".join(c if c.isalnum() else " " for c in ascii_fold(nfc(name)).upper()).split())
    for type_words in _TYPE_WORDS:
        if words.startswith(type_words + " ") or words == type_words:
            words = words[len(type_words) :].strip()
    return words


def _initials(words: str) -> str:
    return "".join(word[0] for word in words.split())


def _slug(text: str) -> str:
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


@dataclass
class _Company:
    name: str
    proper: str  # the proper name (a place or a word of good fortune)
    english: str  # the trade in English
    trade: tuple[str, str, tuple[str, ...]]


@dataclass
class BusinessSeeder:
    """Builds the business dossiers of one ``generate`` run: company names never repeat within it.

    ``rng`` is the run's shared random source; ``cycle`` its given-name cycle.
    """

    taken: set[str] = field(default_factory=lambda: {name_key(n) for n in REGISTERED_NAMES})

    # -- the company ------------------------------------------------------------------------------

    def _company(self, rng: random.Random, trick: str | None) -> _Company:
        for _ in range(200):
            trade = rng.choice(TRADES)
            proper = rng.choice(PLACES) if rng.random() < 0.6 else rng.choice(FORTUNE)
            words = trade[0]
            if trick == "name_diacritics_ampersand":
                other = rng.choice([t for t in TRADES if t is not trade])
                words, proper = f"{trade[0]} & {other[0]}", rng.choice(_DIACRITIC_PLACES)
            elif rng.random() < 0.15:
                proper = f"{rng.choice(FORTUNE)} {rng.choice(PLACES)}"
            long_form = rng.random() < 0.1
            prefix = "CÔNG TY TRÁCH NHIỆM HỮU HẠN" if long_form else "CÔNG TY TNHH"
            if rng.random() < 0.2:
                prefix += " MỘT THÀNH VIÊN"
            name = f"{prefix} {words} {proper}"
            if name_key(name) not in self.taken:
                self.taken.add(name_key(name))
                return _Company(name, proper, trade[1], trade)
        raise RuntimeError("no new company name left")  # 15 trades x ~500 proper names: never in practice

    def _names(self, rng: random.Random, company: _Company, trick: str | None) -> dict[str, Any]:
        proper = ascii_fold(company.proper)
        foreign = abbreviation = None
        if trick == "foreign_name_digits":
            foreign = f"{rng.choice(_DIGITS)} {proper} {company.english} CO., LTD"
        elif rng.random() < 0.5:
            foreign = f"{proper} {company.english} COMPANY LIMITED"
        if foreign is not None and rng.random() < 0.7:
            abbreviation = f"{proper} {_initials(company.english)}C"
        return {"company_name": company.name, "foreign_name": foreign, "abbreviation": abbreviation}

    @staticmethod
    def _industries(rng: random.Random, company: _Company, trick: str | None) -> list[dict[str, Any]]:
        catalogue = sorted(vsic_catalogue())
        fitting = [code for code in company.trade[2] if code in vsic_catalogue()] or catalogue
        wanted = 10 if trick == "ten_industries" else rng.choice((1, 2, 3, 3, 4, 5, 6))
        codes = rng.sample(fitting, min(len(fitting), wanted))
        while len(codes) < wanted:
            extra = rng.choice(catalogue)
            if extra not in codes:
                codes.append(extra)
        main = rng.randrange(min(len(codes), 3))  # the main line is usually among the first added
        return [{"code": code, "main": i == main} for i, code in enumerate(codes)]

    @staticmethod
    def _capital(rng: random.Random, trick: str | None) -> tuple[int, list[dict[str, Any]]]:
        million = 1_000_000
        if trick == "capital_five_assets":
            amounts = (4_000, 1_500, 500, 3_000, 1_000)
            kinds = ("vnd", "foreign_currency", "gold", "land_use_right", "intellectual_property")
            return 10_000 * million, [
                {"asset": a, "amount": v * million} for a, v in zip(kinds, amounts, strict=True)
            ]
        capital = rng.choice((100, 300, 500, 800, 1_000, 1_500, 2_000, 3_000, 5_000)) * million
        others = rng.choices(((), ("gold",), ("land_use_right",), ("other",), ("foreign_currency", "gold")),
                             (6, 1, 2, 1, 1))[0]  # fmt: skip
        lines, left, step = [], capital, 10 * million
        for asset in others:  # each other kind at most a half share: the VND line stays positive
            amount = rng.randint(1, capital // (2 * len(others)) // step) * step
            lines.append({"asset": asset, "amount": amount})
            left -= amount
        return capital, [{"asset": "vnd", "amount": left}, *lines]

    # -- the people -------------------------------------------------------------------------------

    @staticmethod
    def _person(
        rng: random.Random, cycle: NameCycle, received: date, ages: tuple[int, int], applicant: bool
    ) -> Person:
        sex = rng.choice(("male", "female"))
        born = birth_date(rng, received.year - rng.randint(*ages))
        if born.month == 2 and born.day == 29:
            born = born.replace(day=28)
        return Person(_kinh_name(rng, cycle, sex, applicant=applicant), sex, born)

    @staticmethod
    def _document(rng: random.Random, person: Person, today: date) -> dict[str, Any]:
        return identity(rng, person, rng.choices(HOME_PROVINCES, (7, 3))[0], today)

    @staticmethod
    def _head_office(rng: random.Random, home_code: str, trick: str | None) -> tuple[Home, dict[str, Any]]:
        home = pick_home(rng, home_code)
        if trick == "merged_commune":  # the old commune's name still in the street line, as people write
            for _ in range(50):
                if not same_unit(home.legacy["commune"], home.current["commune"]):
                    break
                home = pick_home(rng, home_code)
            street = f"{home.current['street']} ({home.legacy['commune']} cũ)"
        else:
            street = home.current["street"]
        office = {key: home.current[key] for key in ("province_code", "province", "commune_code", "commune")}
        return home, {"street": street, **office}

    def build(self, rng: random.Random, cycle: NameCycle, today: date, trick: str | None) -> dict[str, Any]:
        """A valid dossier; ``code`` and ``attachments`` are filled in later by the caller."""
        received = _received_at(rng, today)
        day = received.date()
        home_code = rng.choices(HOME_PROVINCES, (7, 3))[0]
        home, office = self._head_office(rng, home_code, trick)
        company = self._company(rng, trick)
        owner = self._person(rng, cycle, day, (22, 65), applicant=True)
        document = self._document(rng, owner, today)
        lives = pick_home(rng, home_code)
        permanent = lives.legacy if rng.random() < 0.3 else lives.current
        contact = permanent if rng.random() < 0.6 else {**home.current, "street": office["street"]}
        owner_data = {
            "full_name": owner.full_name,
            "sex": owner.sex,
            "birth_date": owner.birth_text,
            "nationality": "VN",
            "ethnicity": "01",
            "identity": document,
            "permanent_address": permanent,
            "contact_address": contact,
        }
        capital, contributions = self._capital(rng, trick)
        data: dict[str, Any] = {
            "code": "",
            "procedure_code": PROCEDURE_CODE,
            "procedure_name": PROCEDURE_NAME,
            "received_at": received.isoformat(),
            "due_at": working_days_after(received, DUE_WORKING_DAYS).isoformat(),
            "status": 1 if rng.random() < 0.1 else 2,
            "channel": rng.choices(("online", "direct", "post"), (6, 3, 1))[0],
            "applicant": {
                "full_name": owner.full_name,
                "other_name": None,
                "sex": owner.sex,
                "birth_date": owner.birth_text,
                "birth_place": address_text({**lives.legacy, "street": None}),
                "nationality": "VN",
                "ethnicity": "01",
                "identity": document,
                "permanent_address": permanent,
                "temporary_address": None,
                "phone": rng.choice(names.PHONE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}",
                "email": None,
            },
            "attachments": [],
            "payload": {
                "kind": "business_registration",
                **self._names(rng, company, trick),
                "head_office": office,
                **self._contact(rng, company, home_code),
                "industries": self._industries(rng, company, trick),
                "charter_capital": capital,
                "contributions": contributions,
                "contribution_deadline": _text(day + timedelta(days=rng.randint(30, 90))),
                "owner": owner_data,
                "representatives": self._representatives(rng, cycle, received, owner_data, trick, today),
                "tax": self._tax(rng, cycle, day),
            },
        }
        data = copy.deepcopy(data)  # no dict shared between places: a flaw changes one place only
        if trick == "nfd_text":
            payload = data["payload"]
            payload["company_name"] = nfd(payload["company_name"])
            payload["owner"]["full_name"] = nfd(payload["owner"]["full_name"])
            data["applicant"]["full_name"] = nfd(data["applicant"]["full_name"])
            payload["head_office"]["street"] = nfd(payload["head_office"]["street"])
            payload["head_office"]["commune"] = nfd(payload["head_office"]["commune"])
        return data

    @staticmethod
    def _contact(rng: random.Random, company: _Company, home_code: str) -> dict[str, Any]:
        if rng.random() < 0.6:
            number = f"3{rng.randint(0, 999_999):06d}"
            phone = f"{_AREA_CODES[home_code]} {number[:4]} {number[4:]}"
        else:
            phone = rng.choice(names.PHONE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
        slug = _slug(company.proper) + _slug(_initials(company.english))
        website = f"www.{slug}.vn" if rng.random() < 0.3 else None
        email = f"lienhe@{slug}.vn" if website else f"{slug}{rng.randint(1, 99)}@gmail.com"
        return {"phone": phone, "email": email if rng.random() < 0.9 else None, "website": website}

    def _representatives(
        self,
        rng: random.Random,
        cycle: NameCycle,
        received: datetime,
        owner: dict[str, Any],
        trick: str | None,
        today: date,
    ) -> list[dict[str, Any]]:
        as_owner = {key: owner[key] for key in ("full_name", "sex", "birth_date", "nationality", "identity")}
        chairman = {**as_owner, "title": "Chủ tịch công ty", "contact_address": owner["contact_address"]}
        alone = rng.random() < 0.45
        if trick == "owner_only_representative" or (alone and trick != "two_representatives"):
            return [{**chairman, "title": rng.choice(("Chủ tịch công ty", "Giám đốc"))}]
        person = self._person(rng, cycle, received.date(), (25, 60), applicant=False)
        director = {
            "full_name": person.full_name,
            "sex": person.sex,
            "birth_date": person.birth_text,
            "nationality": "VN",
            "identity": self._document(rng, person, today),
            "title": rng.choice(("Giám đốc", "Giám đốc", "Tổng giám đốc")),
            "contact_address": pick_home(rng, "51").current,
        }
        return [chairman, director] if trick == "two_representatives" else [director]

    def _tax(self, rng: random.Random, cycle: NameCycle, day: date) -> dict[str, Any]:
        accountant = None
        if rng.random() < 0.5:
            person = self._person(rng, cycle, day, (23, 50), applicant=False)
            phone = rng.choice(names.PHONE_PREFIXES) + f"{rng.randint(0, 9_999_999):07d}"
            accountant = {"full_name": person.full_name, "phone": phone}
        return {
            "start_date": _text(day + timedelta(days=rng.randint(0, 30))),
            "accounting": "independent" if rng.random() < 0.95 else "dependent",
            "vat_method": rng.choices(("deduction", "direct_on_revenue", "direct_on_vat"), (8, 2, 0.2))[0],
            "fiscal_year_start": "01/01",
            "employees": rng.choice((1, 2, 3, 5, 5, 8, 10, 15, 25, 40)),
            "chief_accountant": accountant,
        }


def _text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _vnd(amount: Any) -> str:
    """Money as the form writes it; a flawed dossier's odd value as it is."""
    return format_vnd(amount) if isinstance(amount, int) else str(amount)


def business_files(data: dict[str, Any], jpeg: bool) -> list[SeedFile]:
    """The owner's identity-card scan and the filled application (giấy đề nghị), from the (maybe flawed)
    dossier as it stands."""
    owner = data["payload"]["owner"]
    scan = identity_scan(owner["identity"]["number"], owner["full_name"], owner["birth_date"], jpeg)
    return [scan, _application(data)]


def _application(data: dict[str, Any]) -> SeedFile:
    payload = data["payload"]
    office, owner = payload["head_office"], payload["owner"]
    lines = [
        ("Mã hồ sơ", data["code"]),
        ("Tên công ty viết bằng tiếng Việt", payload["company_name"]),
        ("Tên công ty viết bằng tiếng nước ngoài", payload["foreign_name"] or ""),
        ("Tên công ty viết tắt", payload["abbreviation"] or ""),
        ("Địa chỉ trụ sở chính", ", ".join((office["street"], office["commune"], office["province"]))),
        ("Điện thoại", payload["phone"]),
        ("Thư điện tử", payload["email"] or ""),
    ]
    catalogue = vsic_catalogue()
    for line in payload["industries"]:
        main = " (ngành chính)" if line["main"] else ""
        lines.append((f"Ngành {line['code']}{main}", catalogue.get(line["code"], "")))
    lines.append(("Vốn điều lệ", _vnd(payload["charter_capital"])))
    for line in payload["contributions"]:
        lines.append((f"Góp vốn bằng {ASSET_LABELS.get(line['asset'], line['asset'])}", _vnd(line["amount"])))
    lines += [
        ("Thời hạn góp vốn", payload["contribution_deadline"]),
        ("Chủ sở hữu", f"{owner['full_name']}, sinh ngày {owner['birth_date']}"),
        ("Số giấy tờ pháp lý của cá nhân", owner["identity"]["number"]),
    ]
    for person in payload["representatives"]:
        lines.append(("Người đại diện theo pháp luật", f"{person['full_name']} – {person['title']}"))
    lines.append(("Ngày bắt đầu hoạt động", payload["tax"]["start_date"]))
    title = "GIẤY ĐỀ NGHỊ ĐĂNG KÝ DOANH NGHIỆP CÔNG TY TNHH MỘT THÀNH VIÊN"
    return SeedFile("giay_de_nghi_dang_ky_doanh_nghiep.pdf", "application/pdf", _pdf(title, lines))

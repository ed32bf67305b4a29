"""Attachment bytes for seeded dossiers: an identity-card scan (PNG or JPEG) and PDF forms.

Fonts: neither Pillow (its built-in Aileron has no Vietnamese letters) nor fpdf2 ships a font that can
write Vietnamese, so the DejaVu Sans TTF of the operating system is used when present (Debian/Ubuntu,
Fedora and Arch paths are tried). To keep PDF generation fast, the font is cut once per process down to
the Latin and Vietnamese letters with fontTools (an fpdf2 dependency). Without DejaVu the files are still
produced, deterministically, with the text folded to ASCII ("Nguyen Van Anh") and built-in fonts. Output
is byte-identical for the same input on the same machine; a machine with and one without DejaVu differ.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import tempfile
import unicodedata
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fontTools import subset
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from rpa.sandbox.records import SeedFile
from rpa.sandbox.seed_text import ascii_fold

__all__ = ["application_form", "attachment_meta", "authorisation_letter", "identity_scan"]

_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
_PDF_DATE = datetime(2025, 1, 1, tzinfo=UTC)
# ASCII, Latin-1 (TCVN3 mojibake is Latin-1), Ă ă Đ đ Ĩ ĩ Ũ ũ Ơ ơ Ư ư, tone marks, Vietnamese letters, dashes.
_UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+01AF-01B0,"
    "U+0300-0303,U+0309,U+0323,U+1EA0-1EF9,U+2013-2014,U+2026"
)


@cache
def _font_file() -> Path | None:
    return next((p for p in _FONT_CANDIDATES if p.is_file()), None)


@cache
def _pdf_font() -> Path | None:
    """A small subset of DejaVu Sans written to a private temporary directory, or None without DejaVu."""
    source = _font_file()
    if source is None:
        return None
    folder = tempfile.TemporaryDirectory(prefix="rpa-seed-font-")
    atexit.register(folder.cleanup)
    target = Path(folder.name) / "DejaVuSans-vi.ttf"
    options = subset.Options()
    options.hinting = False  # smaller glyphs, faster per-document subsetting by fpdf2
    options.drop_tables += ["FFTM"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(_UNICODES))
    subsetter.subset(font)
    subset.save_font(font, str(target), options)
    return target


@cache
def _image_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    source = _font_file()
    return ImageFont.truetype(str(source), size) if source else ImageFont.load_default(size)


def _text(value: str) -> str:
    """NFC text, folded to ASCII when no Vietnamese-capable font is available."""
    value = unicodedata.normalize("NFC", value)
    return value if _font_file() else ascii_fold(value)


def identity_scan(number: str, full_name: str, birth: str, jpeg: bool) -> SeedFile:
    """A small, card-sized picture of the front of a CCCD."""
    image = Image.new("L", (340, 214), 235)  # a grey photocopy-like scan
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 335, 209), outline=90, width=2)
    draw.rectangle((16, 60, 96, 160), fill=200, outline=120)
    draw.text((70, 14), _text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), fill=30, font=_image_font(10))
    draw.text((90, 32), _text("CĂN CƯỚC CÔNG DÂN"), fill=60, font=_image_font(16))
    draw.text((108, 62), _text(f"Số / No.: {number}"), fill=0, font=_image_font(13))
    draw.text((108, 92), _text(f"Họ và tên: {full_name.upper()}"), fill=0, font=_image_font(11))
    draw.text((108, 118), _text(f"Ngày sinh: {birth}"), fill=0, font=_image_font(11))
    buffer = io.BytesIO()
    if jpeg:
        image.save(buffer, "JPEG", quality=70)
        return SeedFile("cccd_mat_truoc.jpg", "image/jpeg", buffer.getvalue())
    image.save(buffer, "PNG")
    return SeedFile("cccd_mat_truoc.png", "image/png", buffer.getvalue())


def _pdf(title: str, lines: list[tuple[str, str]]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(_PDF_DATE)
    pdf.set_producer("rpa sandbox seed")
    pdf.set_compression(True)
    pdf.add_page()
    font = _pdf_font()
    if font is not None:
        pdf.add_font("DejaVu", fname=font)
        family = "DejaVu"
    else:
        family = "Helvetica"
    pdf.set_font(family, size=10)
    pdf.cell(0, 6, _text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, _text("Độc lập - Tự do - Hạnh phúc"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=13)
    pdf.cell(0, 12, _text(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=10)
    for label, value in lines:
        text = _text(f"{label}: {value}")
        if pdf.get_string_width(text) < pdf.epw:  # multi_cell's line breaking is slow: only when needed
            pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def application_form(data: dict[str, Any]) -> SeedFile:
    """The filled "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", from the dossier's own (maybe flawed) data."""
    applicant, payload = data["applicant"], data["payload"]
    address = applicant["permanent_address"]
    lines = [
        ("Mã hồ sơ", data["code"]),
        ("Họ và tên", applicant["full_name"]),
        ("Giới tính", "Nam" if applicant["sex"] == "male" else "Nữ"),
        ("Ngày sinh", applicant["birth_date"]),
        ("Nơi sinh", applicant["birth_place"]),
        ("Số giấy tờ tùy thân", applicant["identity"]["number"]),
        (
            "Nơi thường trú",
            ", ".join(p for p in (address["street"], address["commune"], address["province"]) if p),
        ),
        ("Điện thoại", applicant["phone"] or ""),
    ]
    for key, label in (("father", "Họ tên cha"), ("mother", "Họ tên mẹ"), ("spouse", "Họ tên vợ/chồng")):
        if payload[key]:
            lines.append((label, f"{payload[key]['full_name']} ({payload[key]['birth_date']})"))
    for row in payload["residence_history"]:
        period = f"{row['from_date']} - {row['to_date'] or 'nay'}"
        lines.append((f"Cư trú {period}", f"{row['address']}; {row['occupation'] or ''}"))
    lines += [
        ("Loại phiếu", f"Phiếu số {payload['certificate_type']}"),
        ("Mục đích", payload["purpose"]),
        ("Số lượng", str(payload["copies"])),
    ]
    return SeedFile(
        "to_khai_lltp.pdf", "application/pdf", _pdf("TỜ KHAI YÊU CẦU CẤP PHIẾU LÝ LỊCH TƯ PHÁP", lines)
    )


def authorisation_letter(data: dict[str, Any]) -> SeedFile:
    applicant, person = data["applicant"], data["payload"]["authorised_person"]
    lines = [
        ("Người ủy quyền", applicant["full_name"]),
        ("Số CCCD", applicant["identity"]["number"]),
        ("Người được ủy quyền", person["full_name"]),
        ("Số CCCD", person["identity"]["number"]),
        ("Quan hệ", person["relationship"]),
        ("Nội dung", "Làm thủ tục yêu cầu cấp Phiếu lý lịch tư pháp số 1"),
        ("Ngày ủy quyền", person["authorisation_date"]),
    ]
    return SeedFile("van_ban_uy_quyen.pdf", "application/pdf", _pdf("VĂN BẢN ỦY QUYỀN", lines))


def attachment_meta(file: SeedFile) -> dict[str, Any]:
    """The ``Attachment`` JSON for a file (no local ``file`` yet)."""
    return {
        "name": file.name,
        "media_type": file.media_type,
        "size": len(file.content),
        "sha256": hashlib.sha256(file.content).hexdigest(),
        "file": None,
    }

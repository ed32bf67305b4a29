"""Image CAPTCHAs of the sandbox portals: five distorted characters a person can read, drawn locally
with Pillow.

Each CAPTCHA has a random id that the login page carries in a hidden input (``captchaId``); the answer
never appears in any page and is readable only through ``GET /_sandbox/captcha/{id}``.
"""

from __future__ import annotations

import io
import random
import secrets
import threading
import time
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter, ImageFont

__all__ = ["ALPHABET", "Captcha", "CaptchaStore", "render_png"]

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: a person must be able to read it
LENGTH = 5
TTL_S = 600.0


@dataclass(frozen=True)
class Captcha:
    id: str
    answer: str
    created: float


class CaptchaStore:
    """Issued CAPTCHAs; each one can be checked once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, Captcha] = {}
        self._latest: str | None = None

    def new(self) -> Captcha:
        item = Captcha(
            secrets.token_urlsafe(12),
            "".join(secrets.choice(ALPHABET) for _ in range(LENGTH)),
            time.monotonic(),
        )
        with self._lock:
            cutoff = time.monotonic() - TTL_S
            self._items = {k: v for k, v in self._items.items() if v.created >= cutoff}
            self._items[item.id] = item
            self._latest = item.id
        return item

    def get(self, captcha_id: str) -> Captcha | None:
        with self._lock:
            return self._items.get(captcha_id)

    def latest(self) -> Captcha | None:
        with self._lock:
            return self._items.get(self._latest) if self._latest else None

    def check(self, captcha_id: str, answer: str) -> bool:
        """True when ``answer`` matches (case-insensitive); the CAPTCHA is used up either way."""
        with self._lock:
            item = self._items.pop(captcha_id, None)
        return item is not None and answer.strip().upper() == item.answer

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._latest = None


def render_png(answer: str, seed: str) -> bytes:
    """Draw ``answer`` with rotated glyphs, noise lines and dots; deterministic for one ``seed``."""
    rng = random.Random(seed)
    width, height = 200, 64
    image = Image.new("RGB", (width, height), (238, 242, 247))
    draw = ImageDraw.Draw(image)
    for _ in range(220):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.point((x, y), fill=(rng.randrange(120, 200),) * 3)
    font = ImageFont.load_default(size=34)
    x = 14
    for char in answer:
        glyph = Image.new("RGBA", (46, 52), (0, 0, 0, 0))
        colour = (rng.randrange(10, 90), rng.randrange(20, 90), rng.randrange(80, 160), 255)
        ImageDraw.Draw(glyph).text((8, 4), char, font=font, fill=colour)
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (x, rng.randrange(2, 12)), glyph)
        x += rng.randrange(30, 37)
    for _ in range(4):
        points = [(rng.randrange(width), rng.randrange(height)) for _ in range(2)]
        shade = tuple(rng.randrange(90, 160) for _ in range(3))
        draw.line(points, fill=shade, width=2)
    image = image.filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()

"""The digest's two charts as PNG bytes: the weekly escalation rate and the top drivers.

E-mail clients show PNG images (not SVG, not scripts), so the charts are drawn with Pillow,
which Streamlit already installs; no browser, kaleido or Chrome is needed at run time. Drawn at
twice the size they are shown at (:data:`SCALE`), so they stay sharp on high-density screens.

Example
-------
>>> import datetime as dt
>>> from lib.digest.model import TrendPoint
>>> png = trend_png([TrendPoint(dt.date(2024, 1, d), 10, 2, 0.2) for d in (1, 8, 15)])
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

from lib.digest.model import DriverLine, TrendPoint

#: Shown size of a chart in CSS pixels; the PNG is drawn at :data:`SCALE` times this.
WIDTH, HEIGHT, SCALE = 600, 220, 2
INK, MUTED, GRID = (28, 25, 23), (87, 83, 78), (231, 229, 228)
RATE, BARS, REVIEW = (194, 65, 12), (214, 211, 209), (255, 237, 213)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size * SCALE)


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), "white")
    return img, ImageDraw.Draw(img)


def _nice_top(value: float) -> float:
    """A round upper bound for an axis (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten).

    >>> _nice_top(0.137), _nice_top(41), _nice_top(0)
    (0.15, 50.0, 1.0)
    """
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    step = next(k for k in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if value <= k * power * (1 + 1e-9))
    return float(round(step * power, 10))


def trend_png(
    trend: Sequence[TrendPoint], *, review: tuple[dt.date, dt.date] | None = None
) -> bytes:
    """Weekly tickets (grey bars, right scale) and share escalated (line, left scale); weeks
    inside ``review`` are shaded."""
    img, d = _canvas()
    s = SCALE
    small = _font(11)
    left, right, top, bottom = 46 * s, (WIDTH - 44) * s, 14 * s, (HEIGHT - 28) * s
    rates = [p.rate for p in trend if p.rate is not None]
    rate_top = _nice_top(max(rates, default=0.1) * 1.1)
    n_top = _nice_top(max((p.tickets for p in trend), default=1) * 1.1)
    for i in range(5):
        y = bottom - (bottom - top) * i / 4
        d.line([(left, y), (right, y)], fill=GRID, width=s)
        d.text(
            (left - 6 * s, y), f"{100 * rate_top * i / 4:.0f}%", fill=RATE, font=small, anchor="rm"
        )
        d.text((right + 6 * s, y), f"{n_top * i / 4:,.0f}", fill=MUTED, font=small, anchor="lm")
    if not trend:
        d.text(
            ((left + right) / 2, (top + bottom) / 2),
            "No tickets",
            fill=MUTED,
            font=_font(13),
            anchor="mm",
        )
        return _png(img)
    step = (right - left) / len(trend)
    points: list[tuple[float, float]] = []
    for i, p in enumerate(trend):
        x0 = left + i * step
        if (
            review is not None
            and review[0] <= p.start + dt.timedelta(days=6)
            and p.start <= review[1]
        ):
            d.rectangle([x0, top, x0 + step, bottom], fill=REVIEW)
        h = (bottom - top) * p.tickets / n_top
        d.rectangle([x0 + step * 0.2, bottom - h, x0 + step * 0.8, bottom], fill=BARS)
        if p.rate is not None:
            points.append((x0 + step / 2, bottom - (bottom - top) * p.rate / rate_top))
        if i % max(1, len(trend) // 6) == 0:
            d.text(
                (x0 + step / 2, bottom + 6 * s),
                p.start.strftime("%d %b"),
                fill=MUTED,
                font=small,
                anchor="mt",
            )
    if len(points) > 1:
        d.line(points, fill=RATE, width=3 * s, joint="curve")
    for x, y in points:
        d.ellipse([x - 3.5 * s, y - 3.5 * s, x + 3.5 * s, y + 3.5 * s], fill=RATE)
    return _png(img)


def drivers_png(drivers: Sequence[DriverLine]) -> bytes:
    """Escalations in the review period by category (horizontal bars, most first)."""
    rows = list(drivers)[:6]
    height = max(60, 30 + 28 * len(rows))
    img = Image.new("RGB", (WIDTH * SCALE, height * SCALE), "white")
    d = ImageDraw.Draw(img)
    s = SCALE
    font = _font(12)
    label_w, left, right = 200 * s, 210 * s, (WIDTH - 60) * s
    if not rows:
        d.text(
            (WIDTH * s / 2, height * s / 2), "No escalations", fill=MUTED, font=font, anchor="mm"
        )
        return _png(img)
    most = max(r.escalations for r in rows) or 1
    for i, r in enumerate(rows):
        y = (14 + 28 * i) * s
        name = r.category if len(r.category) <= 28 else r.category[:27] + "…"
        d.text((label_w, y + 10 * s), name, fill=INK, font=font, anchor="rm")
        w = (right - left) * r.escalations / most
        d.rectangle([left, y, left + max(w, s), y + 20 * s], fill=RATE)
        d.text(
            (left + w + 6 * s, y + 10 * s), f"{r.escalations:,}", fill=INK, font=font, anchor="lm"
        )
    return _png(img)

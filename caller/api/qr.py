"""QR codes drawn for pages: an SVG with a viewBox, so the page sizes it (segno)."""

from __future__ import annotations

import io

import segno


def qr_svg(text: str) -> str:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", border=2, omitsize=True)  # a viewBox: the page sizes it
    return out.getvalue().decode()

"""Chinese on Kivy screens: registers an installed CJK font as Kivy's default (kiosk and lobby board)."""

from __future__ import annotations

import logging
from pathlib import Path

from kivy.core.text import DEFAULT_FONT, LabelBase

log = logging.getLogger(__name__)

CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def register_cjk_font() -> None:
    for path in CJK_FONTS:
        if Path(path).exists():
            LabelBase.register(DEFAULT_FONT, path)
            return
    log.error("no CJK font found (%s): Chinese will not render; install fonts-wqy-microhei", ", ".join(CJK_FONTS))

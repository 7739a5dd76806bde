"""The CJK font for charts (matplotlib): Chinese labels render only in a font that has the glyphs."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)
CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def cjk_font() -> str | None:
    """Register the first CJK font found with matplotlib and give its family name (None, said once, if none)."""
    from matplotlib import font_manager

    for path in CJK_FONTS:
        if Path(path).exists():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    log.error("no CJK font found (%s): chart labels will not render; install fonts-wqy-microhei", ", ".join(CJK_FONTS))
    return None

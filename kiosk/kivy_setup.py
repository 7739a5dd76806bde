"""What both Kivy apps (kiosk and lobby board) set up before their window opens: the window's size and
Kivy's options, and a CJK font so that Chinese renders."""

from __future__ import annotations

import logging
import os
from pathlib import Path

os.environ.setdefault("KIVY_NO_ARGS", "1")  # before Kivy is imported: our command lines are not Kivy's

from kivy.config import Config  # noqa: E402
from kivy.core.text import DEFAULT_FONT, LabelBase  # noqa: E402

log = logging.getLogger(__name__)

CJK_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def configure_window(width: int, height: int, fullscreen: bool = False) -> None:
    """Call before the app's window is created (before kivy.core.window is imported)."""
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("kivy", "log_level", "info")


def register_cjk_font() -> None:
    for path in CJK_FONTS:
        if Path(path).exists():
            LabelBase.register(DEFAULT_FONT, path)
            return
    log.error("no CJK font found (%s): Chinese will not render; install fonts-wqy-microhei", ", ".join(CJK_FONTS))

"""预约签到 / 查询: the camera looks for a QR code (in a worker); what is found goes to check-in or status."""

from __future__ import annotations

from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets import GREY, BigButton, Text
from kiosk.strings import t


class CheckInScreen(KioskScreen):
    def build(self, purpose: str = "check_in", message: str = "", **data) -> None:  # noqa: ANN003
        self.page.add_widget(Text(t("scan_case_qr") if purpose == "pickup" else t("scan_qr"), size=56, bold=True))
        self.page.add_widget(Text(message or t("scanning"), size=36))
        buttons = [BigButton(t("back"), "back", self.app.go_home, color=GREY, size=40)]
        if purpose == "check_in":
            buttons.append(BigButton(t("walk_in"), "walk_in", self.app.go_home, size=40))
        self.page.add_widget(self.bottom(*buttons))

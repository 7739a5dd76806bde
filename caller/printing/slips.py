"""A ticket's slip, printed by the caller on a window's or the desk's printer (a URL in the hall file)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from caller.engine.model import Priority, QueueError
from caller.hall import Hall
from caller.queue.standing import TicketView
from kiosk.hardware.printer import PrinterFault, PrintError, open_printer
from kiosk.hardware.ticket_slip import Slip, render

log = logging.getLogger(__name__)
PAPER_MM = 80  # desk and window printers are 80 mm ones
FAULTS = {PrinterFault.PAPER_OUT: "缺纸", PrinterFault.COVER_OPEN: "纸仓盖未合上", PrinterFault.OFFLINE: "离线",
          PrinterFault.UNREACHABLE: "无法连接"}
PRIORITY_NAMES = {Priority.GREEN: "绿色通道", Priority.APPOINTMENT: "预约"}


class NoPrinter(QueueError):
    status = 409


class PrinterFailed(QueueError):
    status = 409


@dataclass(frozen=True)
class SlipFor:
    view: TicketView
    masked_name: str | None
    phone_url: str | None
    mark: str  # 补打 at a window, 咨询台 at the desk: printed under the number


def slip(hall: Hall, what: SlipFor) -> Slip:
    ticket = what.view.ticket
    category = hall.category(ticket.category)
    seconds = what.view.estimated_wait_s
    return Slip(
        hall_name=hall.hall.name,
        number=ticket.number,
        category_name=category.name if category else ticket.category,
        issued_at=hall.local(ticket.issued_at),
        ahead=what.view.ahead,
        estimated_wait_min=None if seconds is None else max(1, round(seconds / 60)),
        materials=tuple(category.guide.materials) if category else (),
        status_url=what.phone_url,
        masked_name=what.masked_name,
        priority_name=PRIORITY_NAMES.get(ticket.priority),
        lines=(what.mark,),
        served_now=what.view.served_now is not False,
    )


def print_on(url: str | None, data: bytes, where: str) -> None:
    """Print on the printer at `url`; a missing printer or a fault is a refusal the staff screen shows."""
    if not url:
        raise NoPrinter("no_printer", f"{where}未配置打印机，请在 hall 文件中设置 printer / no printer configured")
    printer = open_printer(url, paper_mm=PAPER_MM, timeout_s=2.0)
    try:
        printer.print_slip(data)
    except PrintError as exc:
        log.warning("%s printer: %s", where, exc)
        raise PrinterFailed("printer_fault", f"{where}打印机{FAULTS.get(exc.fault, exc.fault.value)}，未打印 / "
                            f"the printer reports {exc.fault.value}") from None
    except (OSError, ValueError) as exc:
        log.warning("%s printer: %s", where, exc)
        raise PrinterFailed("printer_fault", f"{where}打印机无法连接，未打印 / the printer cannot be reached") from None
    finally:
        printer.close()


def render_slip(hall: Hall, what: SlipFor) -> bytes:
    return render(slip(hall, what), PAPER_MM)

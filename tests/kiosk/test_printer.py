"""The printer over its real transports: a simulated network printer on loopback, a file, a pty serial port."""

import datetime as dt
import os
import select
import tty

import pytest

from kiosk.hardware.printer import PrinterFault, PrintError, open_printer
from kiosk.hardware.simulated_printer import SimulatedPrinter
from kiosk.hardware.ticket_slip import Slip, render
from tests.kiosk.escpos_reader import read

SLIP = render(Slip("示例县政务服务中心", "A012", "社保", dt.datetime(2026, 11, 23, 9, 0), 3, 8, ("居民身份证原件",),
                   "http://127.0.0.1:8300/t/abc"), 58)


@pytest.fixture
def device():
    printer = SimulatedPrinter()
    yield printer
    printer.close()


def test_a_slip_printed_over_tcp_arrives_whole_and_the_status_is_ready(device):
    printer = open_printer(device.url)
    assert printer.status().ready and printer.status().known
    printer.print_slip(SLIP)
    assert bytes(device.printed) == SLIP and "A012" in read(bytes(device.printed)).text
    printer.close()


def test_out_of_paper_or_cover_open_is_refused_before_printing(device):
    printer = open_printer(device.url)
    device.paper_left = 0
    with pytest.raises(PrintError) as caught:
        printer.print_slip(SLIP)
    assert caught.value.fault is PrinterFault.PAPER_OUT and not device.printed
    device.load_paper()
    device.cover_open = True
    with pytest.raises(PrintError) as caught:
        printer.print_slip(SLIP)
    assert caught.value.fault is PrinterFault.COVER_OPEN


def test_paper_running_out_mid_slip_is_a_failure_not_a_printed_slip(device):
    printer = open_printer(device.url)
    device.paper_left = len(SLIP) // 2
    with pytest.raises(PrintError) as caught:
        printer.print_slip(SLIP)
    assert caught.value.fault is PrinterFault.PAPER_OUT and 0 < len(device.printed) < len(SLIP)
    device.load_paper()
    printer.print_slip(SLIP)  # reprinted after a new roll
    assert bytes(device.printed).endswith(SLIP)


def test_a_printer_that_is_gone_is_unreachable_and_found_again_when_back(device):
    printer = open_printer(device.url, timeout_s=0.3)
    printer.print_slip(SLIP)
    port = device.port
    device.close()
    with pytest.raises(PrintError) as caught:
        printer.print_slip(SLIP)
    assert caught.value.fault is PrinterFault.UNREACHABLE
    back = SimulatedPrinter(port)  # the same printer, same address, powered on again
    try:
        printer.print_slip(SLIP)
        assert bytes(back.printed) == SLIP
    finally:
        back.close()


def test_a_printer_that_does_not_answer_status_still_prints(device):
    device.answers_status = False
    printer = open_printer(device.url, timeout_s=0.2)
    assert not printer.status().known
    printer.print_slip(SLIP)
    assert bytes(device.printed) == SLIP


def test_file_and_serial_urls_write_the_same_bytes(tmp_path):
    out = tmp_path / "slips.bin"
    open_printer(f"file://{out}").print_slip(SLIP)
    assert out.read_bytes() == SLIP
    master, slave = os.openpty()
    tty.setraw(master)
    try:
        printer = open_printer(f"serial://{os.ttyname(slave)}?baudrate=115200", timeout_s=0.2)
        printer.print_slip(SLIP)  # nobody answers status on this port: unknown, printed
        received = b""
        while SLIP not in received and select.select([master], [], [], 2)[0]:
            received += os.read(master, 65536)
        assert SLIP in received
        printer.close()
    finally:
        os.close(master)
        os.close(slave)
    with pytest.raises(ValueError):
        open_printer("lpt://1")

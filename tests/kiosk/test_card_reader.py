"""The card reader driver against the simulated reader on a real pty pair: reads, timeouts, noise, replug."""

import datetime as dt
import os

import pytest

from kiosk.hardware.card_reader import CardReader, CardReadError, ReadFailure
from kiosk.hardware.sam_protocol import answer, Status
from kiosk.hardware.simulated_card_reader import SimulatedCardReader


@pytest.fixture
def device():
    reader = SimulatedCardReader()
    yield reader
    reader.close()


def failure_of(reader):
    with pytest.raises(CardReadError) as caught:
        reader.read_card()
    return caught.value.failure


def test_a_card_on_the_reader_is_read_and_without_one_it_says_so(device):
    reader = CardReader(device.path, timeout_s=1)
    assert failure_of(reader) is ReadFailure.NO_CARD
    device.insert(name="王小明", birth=dt.date(1955, 2, 1), id_number="110105195502010010")
    card = reader.read_card()
    assert (card.name, card.id_number, card.birth) == ("王小明", "110105195502010010", dt.date(1955, 2, 1))
    assert [r[:2] for r in device.requests[-3:]] == [b"\x20\x01", b"\x20\x02", b"\x30\x01"]
    reader.close()


def test_noise_and_a_torn_frame_before_each_answer_are_skipped(device):
    device.insert()
    device.noise_before = b"\x13\x37garbage" + answer(Status.OK, bytes(600))[:301]
    assert CardReader(device.path, timeout_s=1).read_card().name == "张三"


def test_a_silent_reader_times_out_and_a_missing_one_is_disconnected(device):
    device.insert()
    device.silent = True
    assert failure_of(CardReader(device.path, timeout_s=0.3)) is ReadFailure.TIMEOUT
    assert failure_of(CardReader("/dev/does-not-exist", timeout_s=0.3)) is ReadFailure.DISCONNECTED


def test_the_reader_unplugged_and_plugged_back_is_reopened_by_itself(tmp_path):
    link = tmp_path / "ttyID0"  # like /dev/serial/by-id/...: one name for the device, whatever pty is behind it
    first = SimulatedCardReader()
    first.insert()
    os.symlink(first.path, link)
    reader = CardReader(str(link), timeout_s=0.5)
    assert reader.read_card().name == "张三"
    first.close()  # unplugged
    link.unlink()
    assert failure_of(reader) in (ReadFailure.DISCONNECTED, ReadFailure.TIMEOUT)
    assert failure_of(reader) is ReadFailure.DISCONNECTED  # nothing at the name now
    second = SimulatedCardReader()  # plugged back
    second.insert(name="李四")
    os.symlink(second.path, link)
    try:
        assert reader.read_card().name == "李四"
    finally:
        reader.close()
        second.close()


def test_closing_the_simulated_reader_twice_leaves_other_files_alone():
    """A second close (a test that unplugs the reader, then its fixture's teardown) once closed whatever file had
    been given the pty's numbers since: in the full suite, Playwright's event loop lost its self-pipe."""
    device = SimulatedCardReader()
    numbers = {device.master, device._slave}
    device.close()
    reopened = []
    while not numbers <= set(reopened) and len(reopened) < 4096:  # take the freed numbers back, as others would
        reopened.append(os.open(os.devnull, os.O_RDONLY))
    try:
        assert numbers <= set(reopened)
        device.close()
        for fd in reopened:
            os.fstat(fd)  # EBADF if the second close took any of them
    finally:
        for fd in reopened:
            os.close(fd)

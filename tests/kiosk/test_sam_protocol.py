"""The SAM frame parser against noise, torn frames and corrupt checksums: 10,000 random cases, nothing lost."""

import datetime as dt
import random

import pytest

from kiosk.hardware.sam_protocol import (
    PREAMBLE,
    BadCardData,
    FrameParser,
    Status,
    answer,
    encode_base_info,
    frame,
    parse_base_info,
    status_of,
)

CARD = encode_base_info("欧阳娜娜", "女", dt.date(1956, 12, 1), "11010519561201002X", dt.date(2036, 5, 1))


def test_a_base_info_answer_round_trips_and_keeps_no_photo():
    card = parse_base_info(status_of(parse_one(answer(Status.OK, CARD)))[1])
    assert (card.name, card.sex, card.birth, card.id_number, card.valid_to) == (
        "欧阳娜娜", "女", dt.date(1956, 12, 1), "11010519561201002X", dt.date(2036, 5, 1))
    assert "11010519561201002X" not in repr(card) and "欧阳娜娜" not in str(card)
    assert card.age_on(dt.date(2026, 11, 30)) == 69 and card.age_on(dt.date(2026, 12, 1)) == 70
    forever = parse_base_info(encode_base_info("李四", "男", dt.date(1940, 1, 1), "110105194001010013", None))
    assert forever.valid_to is None


def parse_one(data: bytes) -> bytes:
    (payload,) = list(FrameParser().feed(data))
    return payload


@pytest.mark.parametrize("bad", [b"", b"\x00" * 3, b"\x01\x00\x04\x00" + b"\xff" * 300])
def test_unreadable_base_info_is_a_clear_error(bad):
    with pytest.raises(BadCardData):
        parse_base_info(bad)


def test_random_noise_torn_and_corrupt_frames_never_hide_a_good_frame():
    """10,000 rounds: noise, then a torn or corrupted frame, then a good one, fed in random chunks."""
    rng = random.Random(467)
    parser = FrameParser()
    got, sent = [], []
    for round_no in range(10_000):
        good = answer(rng.choice(list(Status)), rng.randbytes(rng.choice([0, 4, 8, 40])) + round_no.to_bytes(4, "big"))
        junk = rng.randbytes(rng.randrange(0, 40)).replace(PREAMBLE, b"")
        kind = rng.random()
        if kind < 0.3:  # torn: the reader stopped mid-frame
            other = answer(Status.OK, rng.randbytes(rng.randrange(0, 1300)))
            junk += other[: rng.randrange(1, len(other))]
        elif kind < 0.5:  # corrupted: one byte flipped after the preamble
            other = bytearray(answer(Status.OK, rng.randbytes(rng.randrange(1, 60))))
            other[rng.randrange(len(PREAMBLE), len(other))] ^= 1 << rng.randrange(8)
            junk += bytes(other)
        stream = junk + good
        sent.append(status_of(good[7:-1]))
        at = 0
        while at < len(stream):
            step = rng.randrange(1, 64)
            got.extend(status_of(p) for p in parser.feed(stream[at : at + step]))
            at += step
        assert len(parser.buffer) <= parser.max_buffer + 64
    assert got == sent


def test_a_frame_split_anywhere_is_read_once():
    data = frame(b"\x00\x00\x90" + b"abc")
    for cut in range(1, len(data)):
        parser = FrameParser()
        assert list(parser.feed(data[:cut])) == [] and list(parser.feed(data[cut:])) == [b"\x00\x00\x90abc"]


def test_control_characters_on_a_card_do_not_come_through():
    from kiosk.hardware.sam_protocol import encode_base_info, parse_base_info

    card = parse_base_info(encode_base_info("\x1b张\x10三", "男", dt.date(1980, 5, 2), "110105198005020027", None))
    assert card.name == "张三"

"""Speech through the real espeak-ng engine into WAV files, measured."""

import wave

import pytest

from kiosk.hardware.speech import Speaker, spoken_number


def seconds(path):
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_numbers_are_spoken_digit_by_digit():
    assert spoken_number("A012") == "A 零一二" and spoken_number("B1000") == "B 一零零零"


def test_prompts_are_written_in_order_and_longer_text_takes_longer(tmp_path):
    speaker = Speaker(f"wav://{tmp_path}")
    speaker.say("请取走您的号票")
    speaker.say("请取走您的号票。您的号码是 A 零一二，前面还有五人，请在大厅等候叫号")
    assert speaker.wait_idle(30)
    short, long = speaker.written
    assert short.name < long.name and 0.8 < seconds(short) < seconds(long) - 1
    speaker.close()


def test_unknown_urls_are_refused():
    with pytest.raises(ValueError):
        Speaker("mp3:///tmp")

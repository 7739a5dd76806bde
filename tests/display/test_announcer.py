"""The announcer through real espeak-ng into WAV files: order, repeats, bursts, recorded clips."""

import wave

import numpy as np
import pytest

from display.announcer import RATE, Announcer, Call, chime, sentence


def seconds(path):
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def test_a_call_is_a_chime_then_the_sentence_twice_with_digits_read_one_by_one(tmp_path):
    assert sentence(Call("A012", 3)) == "请 A 零一二 号 到 3 号窗口办理"
    announcer = Announcer(f"wav://{tmp_path}")
    announcer.announce(Call("A012", 3))
    assert announcer.wait_idle(30)
    once = announcer.render(Call("A012", 3), 1)
    (call, twice, _), = list(announcer.spoken)
    assert call.number == "A012" and seconds(twice) > seconds(once) + 1.5 > 3
    announcer.close()


def test_fifty_calls_in_a_burst_are_all_spoken_in_order_and_the_backlog_is_said_once(tmp_path):
    announcer = Announcer(f"wav://{tmp_path}")
    calls = [Call(f"B{n:03d}", n % 11 + 1) for n in range(50)]
    for call in calls:
        announcer.announce(call)
    assert announcer.wait_idle(120)
    spoken = list(announcer.spoken)
    assert [c.number for c, _, _ in spoken] == [c.number for c in calls]  # none dropped, none reordered
    lengths = [seconds(path) for _, path, _ in spoken]
    typical = sorted(lengths)[len(lengths) // 2]
    assert lengths[-1] > 1.4 * typical  # the last one, with nothing behind it, is said twice again
    assert sum(1 for length in lengths if length < lengths[-1] * 0.75) >= 40  # the backlog was said once
    announcer.close()


def test_recorded_clips_are_joined_instead_of_synthetic_speech(tmp_path):
    clips = tmp_path / "clips"
    clips.mkdir()
    names = ["qing", "hao_dao", "hao_chuangkou_banli", "A", *"0123456789"]
    for index, name in enumerate(names):  # a distinct tone per clip stands in for a recorded word
        t = np.arange(int(RATE * 0.3)) / RATE
        tone = (np.sin(2 * np.pi * (300 + 40 * index) * t) * 8000).astype(np.int16)
        with wave.open(str(clips / f"{name}.wav"), "wb") as w:
            w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE), w.writeframes(tone.tobytes())
    announcer = Announcer(f"wav://{tmp_path / 'out'}", clips=clips, repeat=1)
    path = announcer.render(Call("A012", 3), 1)
    expected = len(chime()) / RATE + 0.25 + 0.3 * 8 + 0.2  # 请 A 0 1 2 号到 3 号窗口办理
    assert abs(seconds(path) - expected) < 0.05
    announcer.close()


def test_unknown_urls_are_refused():
    with pytest.raises(ValueError):
        Announcer("mp3://x")


def test_a_recall_sounds_different_from_a_first_call(tmp_path):
    from display.announcer import sentence

    assert sentence(Call("A012", 3)) == "请 A 零一二 号 到 3 号窗口办理"
    assert sentence(Call("A012", 3, recall=True)) == "请 A 零一二 号 再次 到 3 号窗口办理"
    first, again = chime(), chime(recall=True)
    spectrum = lambda tone: np.abs(np.fft.rfft(tone.astype(float)))  # noqa: E731
    peak = lambda tone: np.argmax(spectrum(tone)) * RATE / len(tone)  # noqa: E731
    assert abs(peak(first[len(first) // 2:]) - 1046.5) < 20  # 叮咚 ends low
    assert abs(peak(again[-len(again) // 3:]) - 1568.0) < 20  # the recall's three tones end high
    announcer = Announcer(f"wav://{tmp_path / 'out'}", repeat=1)
    heard = []
    announcer.on_speaking = heard.append
    announcer.announce(Call("A012", 3, recall=True))
    assert announcer.wait_idle(30) and heard == [Call("A012", 3, recall=True)]
    announcer.close()

"""QR codes through a real cv2.VideoCapture of image files and a video, with both decoders."""

import random

import cv2
import numpy as np
import pytest

from kiosk.hardware.camera import CameraError, QrScanner
from kiosk.hardware.simulated_camera import blank_frame, qr_frame, write_sequence


@pytest.mark.parametrize("decoder", ["zxing-cpp", "pyzbar"])
def test_a_code_after_empty_frames_is_read_from_an_image_sequence(tmp_path, decoder):
    rng = random.Random(5)
    frames = [blank_frame(rng) for _ in range(3)] + [qr_frame("ImFiYyI.sig-123", rng, blur=1.0, tilt=0.05)]
    scanner = QrScanner(write_sequence(tmp_path, frames), decoder)
    assert scanner.scan(timeout_s=5) == "ImFiYyI.sig-123"
    scanner.close()


def test_a_video_file_is_read_like_a_camera(tmp_path):
    path = str(tmp_path / "clip.avi")
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), 10, (640, 480))
    rng = random.Random(7)
    for _ in range(5):
        writer.write(blank_frame(rng))
    writer.write(qr_frame("https://hall.example/t/xyz", rng, scale=6))
    writer.release()
    assert QrScanner(path).scan(timeout_s=5) == "https://hall.example/t/xyz"


def test_no_code_in_view_is_none_and_a_missing_camera_is_a_clear_error(tmp_path):
    assert QrScanner(write_sequence(tmp_path, [blank_frame()]), loop=True).scan(timeout_s=0.3) is None
    with pytest.raises(CameraError):
        QrScanner(str(tmp_path / "nothing_%03d.png")).scan(timeout_s=0.3)
    with pytest.raises(ValueError):
        QrScanner("rtsp2://x")


def test_garbage_and_non_text_codes_are_not_mistaken_for_ours(tmp_path):
    noise = [np.random.default_rng(n).integers(0, 256, (480, 640, 3), dtype=np.uint8) for n in range(2)]
    assert QrScanner(write_sequence(tmp_path, noise)).scan(timeout_s=0.3) is None

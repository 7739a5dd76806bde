import datetime as dt
import logging
import sys

from caller.engine.identity import (
    birth_date,
    check_digit,
    is_valid_id_number,
    mask_id_number,
    mask_name,
    mask_text,
)
from caller.logs import MaskingFormatter

# a well-known published sample number (GB 11643 examples use this shape)
VALID = "11010519491231002X"


def test_a_valid_number_passes_and_any_changed_digit_fails():
    assert is_valid_id_number(VALID)
    assert is_valid_id_number(VALID.lower())
    for i in range(17):
        changed = VALID[:i] + str((int(VALID[i]) + 1) % 10) + VALID[i + 1 :]
        assert not is_valid_id_number(changed), changed


def test_the_check_digit_follows_iso_7064_mod_11_2():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


def test_a_number_with_an_impossible_birth_date_fails():
    first17 = "11010519490230002"  # 30 February
    assert not is_valid_id_number(first17 + check_digit(first17))
    assert birth_date(VALID).isoformat() == "1949-12-31"


def test_masks_keep_only_what_a_person_needs():
    assert mask_id_number(VALID) == "1101**********002X"
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "*"


def with_check_digit(first17):
    return first17 + check_digit(first17)


def test_absurd_numbers_fail_though_their_check_digit_is_right():
    today = dt.date(2026, 11, 23)
    assert is_valid_id_number(VALID, today)
    assert not is_valid_id_number(with_check_digit("11010520990101001"), today)  # born in 2099
    assert not is_valid_id_number(with_check_digit("11010520261124001"), today)  # born tomorrow
    assert is_valid_id_number(with_check_digit("11010520261123001"), today)  # born today
    assert not is_valid_id_number(with_check_digit("11010518991231001"), today)  # before 1900
    assert not is_valid_id_number(with_check_digit("00000019800101001"), today)  # area code 000000
    assert not is_valid_id_number(with_check_digit("10010519800101001"), today)  # no region 10
    assert not is_valid_id_number(with_check_digit("11000019800101001"), today)  # region 11, no area


def test_free_text_has_its_id_and_phone_numbers_masked():
    text = mask_text(f"张三 {VALID} 电话 13812345678、+86 139-1234-5678，座机 0571-88886666，旧证 110105491231002")
    assert VALID not in text and "1101**********002X" in text
    assert "13812345678" not in text and "138****5678" in text and "139****5678" in text
    assert "88886666" not in text and "0571-****6666" in text
    assert "110105491231002" not in text
    assert mask_text("A012 到 3 号窗口，等候 12 分钟") == "A012 到 3 号窗口，等候 12 分钟"  # numbers that are not personal


def test_the_log_formatter_masks_the_message_and_the_traceback():
    formatter = MaskingFormatter("%(levelname)s %(message)s")
    try:
        raise RuntimeError(f"INSERT … VALUES ('{VALID}', '13812345678')")  # as a driver error quotes a statement
    except RuntimeError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "card %s failed", (VALID,), sys.exc_info())
    written = formatter.format(record)
    assert "Traceback" in written and "RuntimeError" in written
    assert VALID not in written and "13812345678" not in written and written.count("1101**********002X") == 2

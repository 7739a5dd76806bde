import logging

from caller.engine.identity import (
    birth_date,
    check_digit,
    is_valid_id_number,
    mask_id_number,
    mask_name,
)
from caller.logs import MaskingFilter

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


def test_the_log_filter_masks_id_numbers_in_any_record(caplog):
    logger = logging.getLogger("test.masking")
    handler = caplog.handler
    handler.addFilter(MaskingFilter())
    try:
        logger.warning("card read: %s for %s", VALID, "window 3")
    finally:
        handler.removeFilter(handler.filters[-1])
    assert VALID not in caplog.text
    assert "1101**********002X" in caplog.text

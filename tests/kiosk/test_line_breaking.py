"""Chinese line breaking: no line starts with closing punctuation or ends with opening, no widows, numbers whole."""

from kiosk.line_breaking import NO_LINE_END, NO_LINE_START, break_lines


def width(columns):
    return lambda line: sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) <= columns


def test_no_line_starts_with_closing_punctuation():
    lines = break_lines("暂无窗口办理，窗口开放后依次叫号", width(12))  # a plain cut would start a line with ，
    assert "".join(lines) == "暂无窗口办理，窗口开放后依次叫号"
    assert all(line[0] not in NO_LINE_START for line in lines), lines
    assert all(width(12)(line) for line in lines)


def test_no_line_ends_with_opening_punctuation():
    lines = break_lines("读卡区上已有一张身份证（李*）。", width(22))
    assert all(line[-1] not in NO_LINE_END for line in lines), lines


def test_no_character_is_left_alone_on_the_last_line():
    lines = break_lines("手动输入身份证号", width(14))  # a plain cut leaves 号 alone
    assert lines == ["手动输入身份", "证号"]
    assert break_lines("请取回身份证", width(12)) == ["请取回身份证"]


def test_numbers_and_latin_runs_stay_whole_and_paragraphs_stay_apart():
    lines = break_lines("请 A012 号到 3 号窗口办理\n谢谢", width(10))
    assert any("A012" in line for line in lines) and lines[-1] == "谢谢"
    assert all(width(10)(line) for line in lines)

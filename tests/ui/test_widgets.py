"""Shared pieces of screen: a table as a phone reads it (ui.widgets.rows_as_list)."""
from __future__ import annotations

import pandas as pd

from core.format import md_unescape
from ui.text import Md
from ui.widgets import rows_as_list


def test_a_table_on_a_phone_is_a_list_with_every_cell_in_full_and_names_as_typed():
    frame = pd.DataFrame({"Ngày": ["20/03/2023", "02/11/2023"], "Bước": ["Quần chúng ưu tú", "Đã kết nạp"],
                          "Số văn bản": ["", "65-NQ/CB"], "Ghi chú": [None, "*không* [link](http://x.vn)"]})
    listed = rows_as_list(frame)
    assert isinstance(listed, Md)
    assert md_unescape(listed).split("\n\n") == [
        "**20/03/2023**  \nBước: Quần chúng ưu tú",  # empty cells left out
        "**02/11/2023**  \nBước: Đã kết nạp · Số văn bản: 65-NQ/CB · Ghi chú: *không* [link](http://x.vn)",
    ]
    assert "\\*không\\*" in listed and "\\[link\\]" in listed  # typed text shown as typed, never as Markdown

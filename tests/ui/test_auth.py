"""The sign-in cookie's Secure flag follows the address the browser shows (issue 14, item 9)."""
from __future__ import annotations

import pytest

from ui.auth import cookie_is_secure


@pytest.mark.parametrize(("url", "secure"), [
    ("https://ptdv.example.vn/tong-quan", True),
    ("HTTPS://PTDV.EXAMPLE.VN", True),
    ("http://127.0.0.1:8501", False),
    ("http://localhost:8501/", False),
    (None, False),
    ("", False),
])
def test_the_cookie_is_secure_exactly_when_served_over_https(url, secure):
    assert cookie_is_secure(url) is secure

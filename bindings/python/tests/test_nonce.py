import string

import wxpay

ALPHANUMERIC = set(string.ascii_letters + string.digits)


def test_nonce_is_32_letters_and_digits():
    for _ in range(100):
        n = wxpay.nonce()
        assert isinstance(n, str) and len(n) == 32 and set(n) <= ALPHANUMERIC


def test_nonces_do_not_repeat():
    seen = {wxpay.nonce() for _ in range(10_000)}
    assert len(seen) == 10_000


def test_nonce_uses_the_whole_alphabet():
    # 2,000 nonces are 64,000 characters: each of 62 symbols shows up ~1,000 times.
    chars = "".join(wxpay.nonce() for _ in range(2_000))
    assert set(chars) == ALPHANUMERIC

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from reference import KEY, hmac_sign, md5_sign, unified_order

import wxpay
from wxpay import SignType, XmlError


THREADS = 8
ROUNDS = 2_000


def worker(index: int):
    order = unified_order()
    mismatches = 0
    for i in range(ROUNDS):
        order["out_trade_no"] = f"{index}-{i}"
        algorithm = SignType.MD5 if i % 2 else SignType.HMAC_SHA256
        order["sign_type"] = "MD5" if algorithm is SignType.MD5 else "HMAC-SHA256"
        expected = md5_sign(order) if algorithm is SignType.MD5 else hmac_sign(order)
        got = wxpay.sign(order, KEY)
        if got != expected:
            mismatches += 1
        if wxpay.verify(dict(order, sign=got), KEY) is not algorithm:
            mismatches += 1
    return mismatches


def test_concurrent_signing_gives_correct_results():
    with ThreadPoolExecutor(THREADS) as pool:
        assert list(pool.map(worker, range(THREADS))) == [0] * THREADS


def test_each_thread_sees_its_own_error():
    # Threads fail in different ways at the same time; each must read its own message.
    barrier = threading.Barrier(THREADS)
    docs = {
        0: ("<root/>", "WXPAY_RESULT_XML_ROOT"),
        1: ("<xml><a><b/></a></xml>", "WXPAY_RESULT_XML_NESTED"),
        2: ("<xml><a>1</a><a>1</a></xml>", "WXPAY_RESULT_XML_DUPLICATE"),
        3: ("<xml><a>&x;</a></xml>", "WXPAY_RESULT_XML_ENTITY"),
    }

    def fail(index):
        doc, expected = docs[index % len(docs)]
        barrier.wait()
        wrong = 0
        for _ in range(500):
            try:
                wxpay.parse_xml(doc)
            except XmlError as e:
                wrong += e.code_name != expected
            else:
                wrong += 1  # no exception at all is as wrong as another thread's
            wxpay.sign({"a": "1"}, KEY)  # a success between failures leaves the thread's error alone
        return wrong

    with ThreadPoolExecutor(THREADS) as pool:
        assert list(pool.map(fail, range(THREADS))) == [0] * THREADS

"""Repeated calls must not grow the process: everything the library hands out is freed.

RSS is read from /proc/self/statm after a warm-up; the assertion is on growth,
with a margin for allocator noise, never on speed.
"""

import os

import pytest
from reference import KEY, unified_order

import wxpay
from wxpay import SignatureError, XmlError

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm")

PAGE = os.sysconf("SC_PAGE_SIZE")
MARGIN = 2 * 1024 * 1024


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def assert_flat(step, total: int, warmup: int, samples: int = 10):
    for i in range(warmup):
        step(i)
    baseline = rss()
    readings = []
    per_sample = (total - warmup) // samples
    done = warmup
    for _ in range(samples):
        for i in range(done, done + per_sample):
            step(i)
        done += per_sample
        readings.append(rss())
    growth = max(readings) - baseline
    assert growth < MARGIN, f"RSS grew by {growth} bytes over {total} calls (readings {readings}, baseline {baseline})"


def test_sign_and_verify_200k_calls_do_not_grow():
    """The module functions and a Signer."""
    order = unified_order()
    signed = dict(order, sign=wxpay.sign(order, KEY))
    signer = wxpay.Signer(KEY)
    forged = dict(signed, total_fee="89")

    def step(i):
        order["out_trade_no"] = str(i)
        wxpay.sign(order, KEY)
        wxpay.verify(signed, KEY)
        signer.sign(order)
        signer.verify(signed)
        if i % 16 == 0:
            try:
                signer.verify(forged)
            except SignatureError:
                pass

    assert_flat(step, total=200_000, warmup=20_000)


def test_signers_made_and_dropped_do_not_grow():
    """Signers closed and collected free their native half; one-call signing with new keys keeps nothing."""
    order = unified_order()
    doc = wxpay.build_xml(dict(order, sign=wxpay.sign(order, KEY))).encode()

    def step(i):
        signer = wxpay.Signer(KEY, wxpay.SignType.HMAC_SHA256 if i % 2 else wxpay.SignType.AUTO)
        if i % 2:
            signer.sign({"a": str(i)})
        else:
            signer.verify_xml(doc)
        if i % 3:
            signer.close()
        wxpay.sign(order, f"{i:032d}")

    assert_flat(step, total=40_000, warmup=5_000)


def test_xml_and_failure_paths_do_not_grow():
    order = unified_order()
    order["sign"] = wxpay.sign(order, KEY)
    doc = wxpay.build_xml(order).encode()
    forged = doc.replace(b"<![CDATA[88]]>", b"<![CDATA[89]]>")

    def step(i):
        wxpay.build_xml(order)
        wxpay.parse_xml(doc)
        wxpay.verify_xml(doc, KEY)
        wxpay.nonce()
        try:
            wxpay.verify_xml(forged, KEY)
        except SignatureError:
            pass
        try:
            wxpay.parse_xml(b"<xml><a>1</a><a>2</a></xml>")
        except XmlError:
            pass

    assert_flat(step, total=40_000, warmup=5_000)


def test_5000_requests_do_not_grow(sim):
    """Successes and failures through one client: responses, error responses
    and the native buffers behind them are all freed."""
    with wxpay.Client(**sim.client_options(p12=str(sim.file("apiclient_cert.p12")))) as client:
        client.unified_order(
            body="leak",
            out_trade_no="leak-order",
            total_fee="1",
            spbill_create_ip="127.0.0.1",
            notify_url="https://127.0.0.1:9/n",
            trade_type="NATIVE",
            product_id="p",
        )

        def step(i):
            if i % 5:
                assert client.order_query(out_trade_no="leak-order")["trade_state"] == "NOTPAY"
            else:
                try:
                    client.order_query(out_trade_no=f"leak-missing-{i}")
                except wxpay.BusinessError as e:
                    assert e.err_code == "ORDERNOTEXIST"

        assert_flat(step, total=5_000, warmup=1_000)


def test_clients_made_and_closed_do_not_grow(sim):
    """Half closed, half left to the finalizer: native clients, their
    certificates and log callbacks all go. (Making a client loads the
    system's root store, about 0.1 s, hence the small count.)"""
    options = sim.client_options(p12=str(sim.file("apiclient_cert.p12")))

    def step(i):
        client = wxpay.Client(**options)
        if i % 2:
            client.close()

    assert_flat(step, total=150, warmup=30)


def test_flows_without_network_do_not_grow(sim, tmp_path):
    """Notifications (verified and refused), replies, pay parameters, bills,
    certificate inspection and the MCC table: every field set, table and
    string the library hands out is freed, on success and on failure."""
    import gzip

    bill = (
        "交易时间,商户订单号,应结订单金额\n`2026-11-24 20:31:02,`o1,`1.01\n`2026-11-24 20:32:02,`o2,`2.02\n"
        "总交易单数,应结订单总金额\n`2,`3.03\n"
    ).encode()
    zipped = gzip.compress(bill)
    p12 = sim.file("apiclient_cert.p12").read_bytes()
    with wxpay.Client(**sim.client_options()) as client:
        fields = {
            "return_code": "SUCCESS",
            "result_code": "SUCCESS",
            "appid": "wx2421b1c4370ec43b",
            "mch_id": "1900000109",
            "nonce_str": "n",
            "out_trade_no": "leak-1",
            "total_fee": "1",
        }
        fields["sign"] = wxpay.sign(fields, KEY)
        genuine = wxpay.build_xml(fields).encode()
        forged = genuine.replace(b"leak-1", b"leak-2")

        def step(i):
            assert client.parse_notification(genuine).paid
            try:
                client.parse_notification(forged)
            except SignatureError:
                pass
            try:
                client.decrypt_refund_notification(genuine)
            except wxpay.InvalidResponse:
                pass
            wxpay.notification_reply(bool(i % 2), "m")
            client.jsapi_params("wxprepay", timestamp=1, nonce="n")
            assert len(wxpay.parse_bill(bill if i % 2 else zipped).rows) == 2
            try:
                wxpay.parse_bill(b"no bill")
            except wxpay.InvalidResponse:
                pass
            if i % 20 == 0:
                wxpay.cert_info(p12, password="1900000109")
                wxpay.mcc_list()

        assert_flat(step, total=20_000, warmup=2_000)


def test_micropay_flows_do_not_grow(sim):
    """Flows with several steps (polling, reversal): the steps table and the deciding response are freed."""
    with wxpay.Client(**sim.client_options(p12=str(sim.file("apiclient_cert.p12")))) as client:

        def step(i):
            code = "134612345678901234" if i % 2 else "134912345678901234"
            result = client.micropay_flow(
                body="leak",
                out_trade_no=f"leak-mp-{os.getpid()}-{i}",
                total_fee="1",
                spbill_create_ip="127.0.0.1",
                auth_code=code,
                poll_interval=0.001,
            )
            assert result.paid

        assert_flat(step, total=1_500, warmup=300)

"""The merchant's flows (issue #4) against the real simulator.

Notifications are delivered by the simulator to an HTTP listener this test
runs on 127.0.0.1, verified there and answered; forged ones are built from
genuine ones and must be refused.
"""

import base64
import datetime
import gzip
import http.server
import itertools
import json
import os
import queue
import threading
import time
import urllib.request

import pytest
from reference import hmac_sign, md5_sign
from simulator import KEY, MCH_ID

import wxpay
from wxpay import (
    CertificateRequired,
    DecryptionError,
    InvalidInput,
    InvalidResponse,
    MerchantMismatch,
    MicropayState,
    MissingField,
    ProtocolError,
    SignatureError,
    SignatureMissing,
    XmlError,
)

_numbers = itertools.count(1)


def order_no(prefix="fl"):
    # "f", not test_client_sim's "x": both modules talk to one simulator and
    # share prefixes, so their numbers must differ by more than the counter.
    return f"{prefix}{os.getpid()}f{next(_numbers)}"


class Listener:
    """A merchant's notify_url: every POST is handed to ``answer`` and its return value sent back."""

    def __init__(self, answer):
        self.received = queue.Queue()
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                reply = answer(self.path, body)
                listener.received.put((self.path, body, reply))
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def next(self, timeout=20):
        return self.received.get(timeout=timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def handled(client):
    """A listener that verifies with the client and answers as a merchant would."""

    def answer(path, body):
        try:
            if path == "/refund":
                client.decrypt_refund_notification(body)
            else:
                client.parse_notification(body)
        except wxpay.WxPayError as e:
            return wxpay.notification_reply(False, e.code_name)
        return wxpay.notification_reply(True)

    listener = Listener(answer)
    yield listener
    listener.close()


def unified_order(client, no, notify_url, **extra):
    fields = dict(
        body="wxpay Python flows",
        out_trade_no=no,
        total_fee="101",
        spbill_create_ip="127.0.0.1",
        notify_url=notify_url,
        trade_type="NATIVE",
        product_id="p1",
    )
    fields.update(extra)
    return client.unified_order(fields)


def deliveries(sim, no):
    return json.loads(sim.control(f"notifications?out_trade_no={no}", method="GET"))


def wait_until(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    return predicate()


def genuine_notification(sim, client, handled):
    no = order_no("nt")
    unified_order(client, no, handled.url + "/pay")
    sim.control(f"pay?out_trade_no={no}")
    path, body, reply = handled.next()
    return no, body, reply


# -- payment notifications ------------------------------------------------------------


def test_a_delivered_notification_is_verified_and_acknowledged(sim, client, handled):
    no, body, reply = genuine_notification(sim, client, handled)
    notification = client.parse_notification(body)
    assert notification.paid is True and isinstance(notification, dict)
    assert notification["out_trade_no"] == no and notification["mch_id"] == MCH_ID
    assert notification["total_fee"] == "101" and notification["sign"]
    assert wxpay.parse_xml(reply) == {"return_code": "SUCCESS", "return_msg": "OK"}
    # The simulator took the answer as an acknowledgement and stopped.
    state = wait_until(lambda: [d for d in deliveries(sim, no) if d["state"] == "delivered"])
    assert state and state[0]["attempt_count"] == 1 and state[0]["attempts"][0]["acknowledged"]
    # A retried notification (the same body) verifies again.
    assert client.parse_notification(body) == notification


def test_an_hmac_order_notifies_with_hmac(sim, client, handled):
    no = order_no("nh")
    unified_order(client, no, handled.url + "/pay", sign_type="HMAC-SHA256")
    sim.control(f"pay?out_trade_no={no}")
    _, body, reply = handled.next()
    fields = client.parse_notification(body)
    assert fields["sign_type"] == "HMAC-SHA256" and len(fields["sign"]) == 64
    assert wxpay.parse_xml(reply)["return_code"] == "SUCCESS"


def reforge(body, change):
    fields = wxpay.parse_xml(body)
    change(fields)
    return wxpay.build_xml(fields)


def test_forged_notifications_are_refused(sim, client, handled):
    _, body, _ = genuine_notification(sim, client, handled)
    cases = [
        (lambda f: f.update(total_fee="1"), SignatureError, "WXPAY_RESULT_SIGNATURE_MISMATCH"),
        (lambda f: f.pop("sign"), SignatureMissing, "WXPAY_RESULT_SIGNATURE_MISSING"),
        (lambda f: f.update(coupon_fee="100"), SignatureError, "WXPAY_RESULT_SIGNATURE_FIELDS_ADDED"),
        (lambda f: f.update(sign_type="HMAC-SHA256"), SignatureError, "WXPAY_RESULT_SIGN_TYPE_MISMATCH"),
        (lambda f: f.update(sign_type="SHA1"), InvalidInput, "WXPAY_RESULT_UNKNOWN_SIGN_TYPE"),
    ]
    for change, error, code_name in cases:
        with pytest.raises(error) as err:
            client.parse_notification(reforge(body, change))
        assert err.value.code_name == code_name, (code_name, err.value)
        assert KEY not in str(err.value)


def test_another_merchants_notification_is_refused(sim, client, handled):
    _, body, _ = genuine_notification(sim, client, handled)

    def other_merchant(fields):
        fields["mch_id"] = "1900000999"
        del fields["sign"]
        fields["sign"] = wxpay.sign(fields, KEY)

    with pytest.raises(MerchantMismatch) as err:
        client.parse_notification(reforge(body, other_merchant))
    assert err.value.code == 204


def test_a_forged_notification_posted_to_the_listener_is_answered_fail(sim, client, handled):
    """The whole merchant side: the listener verifies, refuses and answers FAIL."""
    _, body, _ = genuine_notification(sim, client, handled)
    forged = reforge(body, lambda f: f.update(total_fee="99999")).encode()
    request = urllib.request.Request(handled.url + "/pay", data=forged, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = wxpay.parse_xml(response.read())
    assert answer == {"return_code": "FAIL", "return_msg": "WXPAY_RESULT_SIGNATURE_MISMATCH"}


def test_threads_share_a_client_for_notifications(sim, client, handled):
    """Each thread gets its own verdict and its own error, whatever the others do."""
    _, body, _ = genuine_notification(sim, client, handled)
    forged = reforge(body, lambda f: f.update(total_fee="2")).encode()
    failures = []

    def work(n):
        for i in range(200):
            if (i + n) % 2:
                if not client.parse_notification(body).paid:
                    failures.append("genuine not paid")
            else:
                try:
                    client.parse_notification(forged)
                    failures.append("forged accepted")
                except SignatureError as e:
                    if e.code_name != "WXPAY_RESULT_SIGNATURE_MISMATCH":
                        failures.append(e.code_name)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_failure_and_malformed_notifications(client):
    with pytest.raises(ProtocolError) as err:
        client.parse_notification(b"<xml><return_code>FAIL</return_code><return_msg>bad</return_msg></xml>")
    assert err.value.return_msg == "bad"
    with pytest.raises(InvalidResponse):
        client.parse_notification(b"<xml><appid>x</appid></xml>")
    with pytest.raises(XmlError):
        client.parse_notification(b"<xml><return_code>SUCCESS</return_code>")
    with pytest.raises(XmlError):
        client.parse_notification(b'<!DOCTYPE x [<!ENTITY e "e">]><xml><a>&e;</a></xml>')
    with pytest.raises(InvalidInput):
        client.parse_notification(12)


def test_a_genuine_notification_of_a_failed_payment_is_not_paid(client):
    fields = {
        "return_code": "SUCCESS",
        "result_code": "FAIL",
        "err_code": "NOTENOUGH",
        "appid": "wx2421b1c4370ec43b",
        "mch_id": MCH_ID,
        "nonce_str": "n1",
        "out_trade_no": "failed-1",
    }
    fields["sign"] = wxpay.sign(fields, KEY)
    notification = client.parse_notification(wxpay.build_xml(fields))
    assert notification.paid is False and notification["err_code"] == "NOTENOUGH"


def test_notification_reply():
    assert wxpay.parse_xml(wxpay.notification_reply(True)) == {"return_code": "SUCCESS", "return_msg": "OK"}
    assert wxpay.parse_xml(wxpay.notification_reply(False)) == {"return_code": "FAIL", "return_msg": "FAIL"}
    odd = "签名失败 ]]> <x>&"
    assert wxpay.parse_xml(wxpay.notification_reply(False, odd)) == {"return_code": "FAIL", "return_msg": odd}
    for bad in ((1,), ("yes",), (False, "a\0b"), (True, 5)):
        with pytest.raises(InvalidInput):
            wxpay.notification_reply(*bad)


# -- refund notifications ---------------------------------------------------------------


def refund_notification(sim, client, handled):
    no = order_no("rn")
    unified_order(client, no, handled.url + "/pay")
    sim.control(f"pay?out_trade_no={no}")
    handled.next()
    client.refund(
        out_trade_no=no, out_refund_no=no + "r", total_fee="101", refund_fee="40", notify_url=handled.url + "/refund"
    )
    path, body, reply = handled.next()
    assert path == "/refund"
    return no, body, reply


def test_a_refund_notification_is_decrypted(sim, client, handled):
    no, body, reply = refund_notification(sim, client, handled)
    info = client.decrypt_refund_notification(body)
    assert info["out_trade_no"] == no and info["out_refund_no"] == no + "r"
    assert info["refund_fee"] == "40" and info["refund_status"] == "SUCCESS"
    assert "refund_recv_accout" in info
    assert info.outer["mch_id"] == MCH_ID and info.outer["req_info"]
    assert wxpay.parse_xml(reply)["return_code"] == "SUCCESS"


def test_damaged_or_foreign_refund_notifications(sim, client, handled):
    _, body, _ = refund_notification(sim, client, handled)
    with pytest.raises(DecryptionError) as err:
        client.decrypt_refund_notification(reforge(body, lambda f: f.update(req_info="AAAA")))
    assert err.value.code_name == "WXPAY_RESULT_CIPHERTEXT_CORRUPT"
    garbage = base64.b64encode(bytes(range(32))).decode()
    with pytest.raises(DecryptionError) as err:
        client.decrypt_refund_notification(reforge(body, lambda f: f.update(req_info=garbage)))
    assert err.value.code_name == "WXPAY_RESULT_DECRYPT_FAILED"
    with pytest.raises(InvalidResponse):
        client.decrypt_refund_notification(reforge(body, lambda f: f.pop("req_info")))
    # Another API key for the same merchant: the merchant check passes, decryption does not.
    with wxpay.Client(**sim.client_options(api_key="A" * 32)) as other:
        with pytest.raises(DecryptionError) as err:
            other.decrypt_refund_notification(body)
        assert err.value.code_name == "WXPAY_RESULT_DECRYPT_FAILED"
        assert "A" * 32 not in str(err.value)


# -- pay parameters ---------------------------------------------------------------------


def test_jsapi_params_are_signed_for_the_page(client):
    params = client.jsapi_params("wx201410272009395522657a690389285100", timestamp=1414561699, nonce="e61463f8efa9")
    assert list(params) == ["appId", "timeStamp", "nonceStr", "package", "signType", "paySign"]
    assert params["appId"] == "wx2421b1c4370ec43b" and params["timeStamp"] == "1414561699"
    assert params["package"] == "prepay_id=wx201410272009395522657a690389285100"
    assert params["signType"] == "MD5"
    unsigned = {k: v for k, v in params.items() if k != "paySign"}
    assert params["paySign"] == md5_sign(unsigned)


def test_choose_wx_pay_params_carry_the_jsapi_signature(client):
    args = dict(timestamp=1414561699, nonce="e61463f8efa9")
    jsapi = client.jsapi_params("wx201410272009395522657a690389285100", **args)
    params = client.choose_wx_pay_params("wx201410272009395522657a690389285100", **args)
    assert list(params) == ["timestamp", "nonceStr", "package", "signType", "paySign"]
    assert params["timestamp"] == "1414561699" and params["paySign"] == jsapi["paySign"]
    assert params["paySign"] == md5_sign({k: v for k, v in jsapi.items() if k != "paySign"})


def test_app_params_and_defaults(client):
    before = int(time.time())
    params = client.app_params("wx2014prepay", appid="wxOtherApp")
    assert list(params) == ["appid", "partnerid", "prepayid", "package", "noncestr", "timestamp", "sign"]
    assert params["appid"] == "wxOtherApp" and params["partnerid"] == MCH_ID
    assert params["package"] == "Sign=WXPay" and len(params["noncestr"]) == 32
    assert before <= int(params["timestamp"]) <= int(time.time())
    assert params["sign"] == md5_sign({k: v for k, v in params.items() if k != "sign"})
    assert client.app_params("wx2014prepay")["noncestr"] != params["noncestr"]


def test_hmac_client_signs_pay_params_with_hmac(sim):
    with wxpay.Client(**sim.client_options(sign_type="HMAC-SHA256")) as c:
        params = c.jsapi_params("wxprepay1", timestamp=1, nonce="n")
    assert params["signType"] == "HMAC-SHA256"
    assert params["paySign"] == hmac_sign({k: v for k, v in params.items() if k != "paySign"})


@pytest.mark.parametrize(
    "kwargs", [{"timestamp": 0}, {"timestamp": -5}, {"timestamp": "1"}, {"nonce": "a\0b"}, {"appid": 5}]
)
def test_pay_params_argument_shapes(client, kwargs):
    with pytest.raises(InvalidInput):
        client.jsapi_params("wxprepay", **kwargs)


# -- micropay -----------------------------------------------------------------------


def micropay(client, auth_code, **options):
    return client.micropay_flow(
        body="wxpay Python micropay",
        out_trade_no=order_no("mp"),
        total_fee="300",
        spbill_create_ip="127.0.0.1",
        auth_code=auth_code,
        poll_interval=options.pop("poll_interval", 0.02),
        **options,
    )


def paths(result):
    return [step["path"] for step in result.steps]


def test_micropay_paid_at_once(client):
    result = micropay(client, "134912345678901234")
    assert result.state is MicropayState.PAID and result.paid
    assert result.fields["result_code"] == "SUCCESS" and result.fields["transaction_id"]
    assert paths(result) == ["pay/micropay"]
    step = result.steps[0]
    assert step["outcome"] == "SUCCESS" and step["error"] == "" and int(step["elapsed_ms"]) >= 0


def test_micropay_paid_after_the_customer_confirms(client):
    result = micropay(client, "134612345678901234", poll_deadline=10)
    assert result.state is MicropayState.PAID
    assert paths(result) == ["pay/micropay", "pay/orderquery", "pay/orderquery"]
    assert [s["outcome"] for s in result.steps] == ["USERPAYING", "USERPAYING", "SUCCESS"]
    assert result.fields["trade_state"] == "SUCCESS"


def test_micropay_definite_failure(client):
    result = micropay(client, "134012345678901234")
    assert result.state is MicropayState.FAILED and not result.paid
    assert result.fields["err_code"] == "NOTENOUGH" and paths(result) == ["pay/micropay"]


def test_micropay_never_confirmed_is_reversed(client):
    result = micropay(client, "134712345678901234", poll_deadline=0.15, reverse_interval=0.01)
    assert result.state is MicropayState.REVERSED
    assert paths(result)[0] == "pay/micropay" and paths(result)[-1] == "secapi/pay/reverse"
    assert "pay/orderquery" in paths(result)


def test_micropay_reversal_retried_while_recall(client):
    result = micropay(client, "134512345678901234", poll_deadline=0.1, reverse_interval=0.01)
    assert result.state is MicropayState.REVERSED
    reversals = [s for s in result.steps if s["path"] == "secapi/pay/reverse"]
    assert [s["recall"] for s in reversals] == ["Y", "N"]


def test_micropay_reversal_not_achieved_is_unknown(client):
    result = micropay(client, "134512345678901234", poll_deadline=0.1, reverse_attempts=1)
    assert result.state is MicropayState.UNKNOWN
    assert paths(result).count("secapi/pay/reverse") == 1


def test_micropay_needs_the_certificate_and_the_fields_before_sending(sim, client):
    with wxpay.Client(**sim.client_options()) as no_cert:
        with pytest.raises(CertificateRequired):
            micropay(no_cert, "134912345678901234")
    with pytest.raises(MissingField):
        client.micropay_flow(body="x", out_trade_no=order_no(), total_fee="1", spbill_create_ip="127.0.0.1")


@pytest.mark.parametrize(
    "options",
    [
        {"reverse_attempts": 0},
        {"reverse_attempts": 1.5},
        {"reverse_attempts": 2**64},
        {"poll_deadline": 0},
        {"poll_deadline": 1e30},
        {"reverse_interval": -1},
        {"poll_interval": float("nan")},
    ],
)
def test_micropay_option_shapes(client, options):
    with pytest.raises(InvalidInput):
        micropay(client, "134912345678901234", **options)


# -- bills ---------------------------------------------------------------------------


def beijing_today():
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y%m%d")


def test_parsed_bill_lists_the_days_orders(client):
    paid = micropay(client, "134912345678901234")
    no = paid.fields["out_trade_no"]
    bill = client.parsed_bill(bill_date=beijing_today(), bill_type="ALL")
    assert bill.header[0] == "交易时间" and "商户订单号" in bill.header
    ours = [row for row in bill.rows if row["商户订单号"] == no]
    assert len(ours) == 1 and ours[0]["交易状态"] == "SUCCESS" and ours[0]["应结订单金额"] == "3.00"
    assert all(list(row) == bill.header for row in bill.rows)
    assert bill.summary_header[0] == "总交易单数" and int(bill.summary["总交易单数"]) == len(bill.rows)
    # The same text downloaded and parsed here gives the same bill, plain or gzipped.
    raw = client.download_bill(bill_date=beijing_today(), bill_type="ALL")
    assert wxpay.parse_bill(raw) == bill
    assert wxpay.parse_bill(gzip.compress(raw)) == bill


def test_parsed_fund_flow_bill(client):
    bill = client.parsed_bill(path="pay/downloadfundflow", bill_date=beijing_today(), account_type="Basic")
    assert bill.header[0] == "记账时间" and "资金流水总笔数" in bill.summary_header


def test_bill_failures(client):
    with pytest.raises(ProtocolError):
        client.parsed_bill(bill_date="20000101")
    for bad in (b"not a bill", b"", gzip.compress(b"a,b\n`1\n")[:-4], "交易时间\n`x,`y\n"):
        with pytest.raises(InvalidResponse):
            wxpay.parse_bill(bad)
    with pytest.raises(InvalidInput):
        wxpay.parse_bill(None)


# -- sandbox -------------------------------------------------------------------------


def test_sandbox_orders_are_the_sandboxes(sim):
    with wxpay.Client(**sim.client_options(sandbox=True)) as box:
        handled = Listener(lambda path, body: wxpay.notification_reply(bool(box.parse_notification(body))))
        no = order_no("sb")
        created = unified_order(box, no, handled.url + "/pay")
        assert created["result_code"] == "SUCCESS"
        assert box.order_query(out_trade_no=no)["trade_state"] == "NOTPAY"
        sandbox_orders = json.loads(sim.control("orders?sandbox=1", method="GET"))
        live_orders = json.loads(sim.control("orders", method="GET"))
        assert no in {o["out_trade_no"] for o in sandbox_orders}
        assert no not in {o["out_trade_no"] for o in live_orders}
        # Its notification is signed with the sandbox key: the sandbox client verifies it, a live one does not.
        sim.control(f"pay?out_trade_no={no}&sandbox=1")
        _, body, _ = handled.next()
        assert box.parse_notification(body)["out_trade_no"] == no
        with wxpay.Client(**sim.client_options()) as live:
            with pytest.raises(SignatureError):
                live.parse_notification(body)
        handled.close()


def test_sandbox_option_shapes(sim):
    with pytest.raises(InvalidInput):
        wxpay.Client(**sim.client_options(sandbox="yes"))
    with pytest.raises(InvalidInput):
        wxpay.Client(**sim.client_options(sandbox_key_ttl=0))


# -- Native mode 1 ---------------------------------------------------------------


def test_native_mode_1_link_scan_and_reply(client):
    url = client.native_url("88888", timestamp=1414488825, nonce="Wm3WZYTPz0wzccnW")
    assert url.startswith("weixin://wxpay/bizpayurl?sign=")
    query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    assert query["product_id"] == "88888" and query["time_stamp"] == "1414488825"
    assert query.pop("sign") == md5_sign(query)
    with pytest.raises(InvalidInput):
        client.native_url("a&b")

    # The callback WeChat POSTs when a user scans the code.
    scan = {"appid": query["appid"], "openid": "o8GeHuLAsgefS_80exEr1cTqekUs", "mch_id": MCH_ID,
            "is_subscribe": "Y", "nonce_str": "n1", "product_id": "88888"}
    body = wxpay.build_xml({**scan, "sign": md5_sign(scan)})
    fields = client.native_scan(body)
    assert fields["product_id"] == "88888" and fields["openid"] == scan["openid"]
    with pytest.raises(SignatureError):
        client.native_scan(wxpay.build_xml({**scan, "sign": md5_sign({**scan, "product_id": "99999"})}))

    order = client.unified_order(body="tea", out_trade_no=f"nat{os.getpid()}x{next(_numbers)}", total_fee="101",
                                 spbill_create_ip="127.0.0.1", notify_url="https://127.0.0.1:9/n",
                                 trade_type="NATIVE", product_id=fields["product_id"])
    reply = wxpay.parse_xml(client.native_reply(order["prepay_id"]))
    assert reply["prepay_id"] == order["prepay_id"] and reply["result_code"] == "SUCCESS"
    assert reply.pop("sign") == md5_sign(reply)
    refused = wxpay.parse_xml(client.native_reply(None, "sold out"))
    assert refused["result_code"] == "FAIL" and refused["err_code_des"] == "sold out"
    assert refused.pop("sign") == md5_sign(refused)


# -- automatic deduction (papay) -------------------------------------------------


def test_a_contract_is_signed_deducted_from_and_ended(sim, client):
    listener = Listener(lambda path, body: wxpay.notification_reply(True))
    try:
        code = order_no("pc")
        url = client.entrust_url(plan_id="12535", contract_code=code, request_serial="1000",
                                 contract_display_account="张三 & co", notify_url=listener.url + "/contract")
        assert url.startswith(sim.url + "/papay/entrustweb?")
        # The user opens the link in WeChat; the simulator agrees for them.
        with urllib.request.urlopen(url, context=sim._ssl, timeout=10) as page:
            assert page.status == 200
        _, body, _ = listener.next()
        signed = client.parse_contract_notification(body)
        assert signed.signed and signed["contract_code"] == code
        contract_id = signed["contract_id"]
        contract = client.query_contract(contract_id=contract_id, version="1.0")
        assert contract["contract_state"] == "0" and contract["contract_display_account"] == "张三 & co"

        trade = order_no("pap")
        deduction = dict(body="水电代扣", out_trade_no=trade, total_fee="888", spbill_create_ip="127.0.0.1",
                         notify_url=listener.url + "/pay", trade_type="PAP", contract_id=contract_id)
        client.pap_pay_apply(deduction)
        _, body, _ = listener.next()
        paid = client.parse_notification(body)
        assert paid.paid and paid["out_trade_no"] == trade and paid["trade_type"] == "PAP"
        assert client.pap_order_query(out_trade_no=trade)["trade_state"] == "SUCCESS"

        client.delete_contract(contract_id=contract_id, contract_termination_remark="退订", version="1.0")
        _, body, _ = listener.next()
        ended = client.parse_contract_notification(body)
        assert not ended.signed and ended["contract_id"] == contract_id
        with pytest.raises(SignatureError):
            client.parse_contract_notification(body.replace(b"DELETE", b"ADD"))
        with pytest.raises(wxpay.BusinessError) as e:
            client.pap_pay_apply({**deduction, "out_trade_no": order_no("pap")})
        assert e.value.response["err_code"] == "CONTRACT_NOT_EXIST"
    finally:
        listener.close()


def test_the_signing_link_is_checked_before_it_is_made(client):
    link = dict(plan_id="12535", contract_code="c1", request_serial="1", contract_display_account="a",
                notify_url="https://shop.example/n")
    with pytest.raises(MissingField):
        client.entrust_url({k: v for k, v in link.items() if k != "notify_url"})
    with pytest.raises(wxpay.ConflictingField):
        client.entrust_url(link, sign="0" * 32)
    with pytest.raises(InvalidInput):
        client.entrust_url(link, request_serial="1a")
    with pytest.raises(MissingField):
        client.query_contract(contract_code="c1", version="1.0")
    # Genuinely signed but without change_type: not a contract notification.
    note = {"return_code": "SUCCESS", "result_code": "SUCCESS", "mch_id": MCH_ID, "contract_id": "Wx1",
            "contract_code": "c1", "plan_id": "12535", "openid": "o1"}
    with pytest.raises(InvalidResponse):
        client.parse_contract_notification(wxpay.build_xml({**note, "sign": md5_sign(note)}))

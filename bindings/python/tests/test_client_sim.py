"""wxpay.Client against the real simulator over real (m)TLS on loopback.

Faults are injected per request with the simulator's ``attach=sim:fault=KIND``
field, so tests running on one simulator do not disturb each other.
"""

import datetime
import hashlib
import itertools
import json
import logging
import os
import shutil
import subprocess
import threading
import urllib.parse

import pytest
from reference import md5_sign
from simulator import APPID, KEY, MCH_ID

import wxpay
from wxpay import (
    BusinessError,
    CertificateError,
    ClientClosed,
    HttpStatusError,
    InvalidInput,
    ProtocolError,
    SignatureError,
    SignatureMissing,
    Timeout,
    TlsError,
    TransportError,
    WxPayError,
)

_numbers = itertools.count(1)


def order_no(prefix="py"):
    return f"{prefix}{os.getpid()}x{next(_numbers)}"


def new_order(client, **extra):
    no = order_no()
    fields = {
        "body": "wxpay Python test",
        "out_trade_no": no,
        "total_fee": "101",
        "spbill_create_ip": "127.0.0.1",
        "notify_url": "https://127.0.0.1:9/notify",
        "trade_type": "NATIVE",
        "product_id": "p1",
    }
    fields.update(extra)
    return no, client.unified_order(fields)


def paid_order(client):
    """An order paid at once: a micropay with an ordinary auth code."""
    no = order_no("mp")
    answer = client.request(
        "pay/micropay",
        dict(
            body="wxpay Python test",
            out_trade_no=no,
            total_fee="200",
            spbill_create_ip="127.0.0.1",
            auth_code="134912345678901234",
        ),
    )
    assert answer["result_code"] == "SUCCESS"
    return no


# -- every public method ---------------------------------------------------------


def test_unified_order_query_and_close(client):
    no, created = new_order(client)
    assert created["return_code"] == "SUCCESS" and created["result_code"] == "SUCCESS"
    assert created["prepay_id"] and created["code_url"]
    queried = client.order_query(out_trade_no=no)
    assert queried["trade_state"] == "NOTPAY" and queried["out_trade_no"] == no
    closed = client.close_order({"out_trade_no": no})
    assert closed["result_code"] == "SUCCESS"
    assert client.order_query(out_trade_no=no)["trade_state"] == "CLOSED"


def test_request_is_what_the_named_methods_call(client):
    no, _ = new_order(client)
    assert client.request("pay/orderquery", {"out_trade_no": no})["out_trade_no"] == no


def test_paid_by_the_simulator_control(sim, client):
    no, _ = new_order(client)
    sim.control(f"pay?out_trade_no={no}")
    assert client.order_query(out_trade_no=no)["trade_state"] == "SUCCESS"


def test_refund_and_refund_query(client):
    no = paid_order(client)
    refund = client.refund(out_trade_no=no, out_refund_no=no + "r", total_fee="200", refund_fee="50")
    assert refund["result_code"] == "SUCCESS" and refund["refund_fee"] == "50"
    query = client.refund_query(out_trade_no=no)
    assert query["result_code"] == "SUCCESS" and query["out_refund_no_0"] == no + "r"


def test_micropay_then_reverse(client):
    no = order_no("rv")
    with pytest.raises(BusinessError) as err:
        client.request(
            "pay/micropay",
            dict(
                body="x", out_trade_no=no, total_fee="1", spbill_create_ip="127.0.0.1", auth_code="134712345678901234"
            ),
        )
    assert err.value.err_code == "USERPAYING"
    assert err.value.retry is wxpay.Retry.RETRYABLE
    assert client.reverse(out_trade_no=no)["result_code"] == "SUCCESS"


def beijing_today():
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y%m%d")


def test_download_bill_returns_bytes(client):
    no = paid_order(client)
    today = beijing_today()
    bill = client.download_bill(bill_date=today, bill_type="ALL")
    assert isinstance(bill, bytes) and no.encode() in bill
    assert "交易时间" in bill.decode("utf-8")
    assert client.download("pay/downloadbill", {"bill_date": today, "bill_type": "ALL"}) == bill
    # Gzipped on the wire, unpacked by the library.
    assert client.download_bill(bill_date=today, bill_type="ALL", tar_type="GZIP") == bill


def test_download_fund_flow_over_mutual_tls(client):
    paid_order(client)
    flow = client.download_fund_flow(bill_date=beijing_today(), account_type="Basic")
    assert isinstance(flow, bytes) and "资金流水单号" in flow.decode("utf-8")
    assert len(flow.decode("utf-8").splitlines()) >= 2


def test_bill_failure_carries_the_response(client):
    with pytest.raises(ProtocolError) as err:
        client.download_bill(bill_date="19990101", bill_type="ALL")
    assert err.value.response is not None and err.value.return_msg


def test_report_and_transfer(client):
    answer = client.report(
        interface_url="https://api.mch.weixin.qq.com/pay/unifiedorder",
        execute_time_="1000",
        return_code="SUCCESS",
        result_code="SUCCESS",
        user_ip="127.0.0.1",
    )
    assert answer["return_code"] == "SUCCESS"
    transfer = client.transfers(
        partner_trade_no=order_no("tr"),
        openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        check_name="NO_CHECK",
        amount="100",
        desc="test",
        spbill_create_ip="127.0.0.1",
    )
    assert transfer["result_code"] == "SUCCESS" and transfer["payment_no"]


def test_a_red_packet_and_its_nested_receipt(client):
    billno = order_no("hb")
    packet = dict(
        mch_billno=billno, send_name="shop", re_openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", total_amount="150",
        total_num="1", wishing="thanks", client_ip="127.0.0.1", act_name="launch", remark="r",
    )
    sent = client.send_red_pack(packet)
    assert sent["mch_billno"] == billno and len(sent["send_listid"]) == 32
    info = client.get_hb_info(mch_billno=billno, bill_type="MCHT")
    assert info["status"] == "RECEIVED"
    # WeChat nests the receipt as <hblist><hbinfo>...; it comes out as numbered fields.
    assert (info["openid_0"], info["amount_0"]) == ("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "150")
    assert "openid_1" not in info and "hblist" not in info
    with pytest.raises(BusinessError) as err:
        client.send_red_pack({**packet, "mch_billno": order_no("hb"), "total_amount": "50"})
    assert err.value.err_code == "MONEY_LIMIT" and err.value.retry is wxpay.Retry.FINAL


def test_a_mini_program_red_packet_is_opened_with_its_package(client):
    packet = dict(
        mch_billno=order_no("mp"), send_name="shop", re_openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", total_amount="100",
        total_num="1", wishing="thanks", act_name="launch", remark="r", notify_way="MINI_PROGRAM_JSAPI",
    )
    package = client.send_mini_program_hb(packet)["package"]
    assert package.startswith("sendid=") and "&appid=" in package
    params = client.red_packet_params(package, timestamp=1490840662, nonce="n1")
    assert list(params) == ["timeStamp", "nonceStr", "package", "signType", "paySign"]
    assert params["package"] == urllib.parse.quote_plus(package) and params["signType"] == "MD5"
    signed = {"appId": APPID, "timeStamp": "1490840662", "nonceStr": "n1", "package": params["package"]}
    assert params["paySign"] == md5_sign(signed)


def test_a_coupon_is_sent_and_queried(client):
    trade_no = order_no("cp")
    sent = client.send_coupon(coupon_stock_id="1757", openid_count="1", partner_trade_no=trade_no, openid="oUser1")
    assert sent["ret_code"] == "SUCCESS" and len(sent["coupon_id"]) == 10
    stock = client.query_coupon_stock(coupon_stock_id="1757")
    assert stock["coupon_value"] == "100" and int(stock["is_send_num"]) >= 1
    info = client.query_coupons_info(coupon_id=sent["coupon_id"], openid="oUser1", stock_id="1757")
    assert info["coupon_state"] == "SENDED"
    with pytest.raises(BusinessError) as err:
        client.query_coupons_info(coupon_id=sent["coupon_id"], openid="oOther", stock_id="1757")
    assert err.value.err_code == "COUPON_NOT_EXIST" and err.value.response["err_code_des"] == "代金券不存在"


def test_profit_sharing_splits_a_paid_order(client):
    no = paid_order(client)
    transaction_id = client.order_query(out_trade_no=no)["transaction_id"]
    amount = client.profit_sharing_order_amount_query(transaction_id=transaction_id)
    assert amount["unsplit_amount"] == "200" and "appid" not in amount
    receiver = '{"type":"MERCHANT_ID","account":"190001001","name":"示例商户全称","relation_type":"STORE_OWNER"}'
    assert client.profit_sharing_add_receiver(receiver=receiver)["receiver"] == receiver
    out_order_no = order_no("split")
    split = client.multi_profit_sharing(
        transaction_id=transaction_id, out_order_no=out_order_no,
        receivers='[{"type":"MERCHANT_ID","account":"190001001","amount":50,"description":"分到商户"}]',
    )
    assert split["order_id"]
    query = client.profit_sharing_query(transaction_id=transaction_id, out_order_no=out_order_no)
    assert query["order_id"] == split["order_id"] and query["status"] == "FINISHED"
    assert json.loads(query["receivers"])[0]["amount"] == 50
    assert client.profit_sharing_order_amount_query(transaction_id=transaction_id)["unsplit_amount"] == "150"
    back = client.profit_sharing_return(
        order_id=split["order_id"], out_return_no=order_no("ret"), return_account_type="MERCHANT_ID",
        return_account="190001001", return_amount="20", description="refund to the buyer",
    )
    assert back["result"] == "SUCCESS" and back["return_amount"] == "20"
    found = client.profit_sharing_return_query(out_order_no=out_order_no, out_return_no=back["out_return_no"])
    assert found["return_no"] == back["return_no"]
    client.profit_sharing(
        transaction_id=transaction_id, out_order_no=order_no("split"),
        receivers='[{"type":"MERCHANT_ID","account":"190001001","amount":10,"description":"x"}]',
    )
    assert client.profit_sharing_order_amount_query(transaction_id=transaction_id)["unsplit_amount"] == "0"
    client.profit_sharing_remove_receiver(receiver=receiver)
    again = paid_order(client)
    tid = client.order_query(out_trade_no=again)["transaction_id"]
    with pytest.raises(BusinessError) as err:
        client.profit_sharing(
            transaction_id=tid, out_order_no=order_no("split"),
            receivers='[{"type":"MERCHANT_ID","account":"190001001","amount":10,"description":"x"}]',
        )
    assert err.value.response["err_code"] == "RECEIVER_INVALID"
    client.profit_sharing_finish(transaction_id=tid, out_order_no=order_no("fin"), amount="200", description="done")
    assert client.profit_sharing_order_amount_query(transaction_id=tid)["unsplit_amount"] == "0"


def test_pay_bank_encrypts_and_query_bank_finds_it(client):
    trade_no = order_no("bank")
    paid = client.pay_bank(
        partner_trade_no=trade_no, bank_no="6225880137250000", true_name="张三",
        bank_code="1001", amount="50000", desc="payout",
    )
    # The simulator answers SUCCESS only after decrypting both fields with its key.
    assert paid["result_code"] == "SUCCESS" and paid["amount"] == "50000"
    query = client.query_bank(partner_trade_no=trade_no)
    assert query["payment_no"] == paid["payment_no"]
    assert query["bank_no_md5"] == hashlib.md5(b"6225880137250000").hexdigest()
    assert query["true_name_md5"] == hashlib.md5("张三".encode()).hexdigest()


# -- every error type, from a real failure -------------------------------------------


def query_with_fault(client, kind):
    return client.order_query(out_trade_no=order_no(), attach=f"sim:fault={kind}")


@pytest.mark.parametrize(
    "kind, error, code_name",
    [
        ("reset", TransportError, "WXPAY_RESULT_TRANSPORT"),
        ("http500", HttpStatusError, "WXPAY_RESULT_HTTP_STATUS"),
        ("garbled", wxpay.XmlError, "WXPAY_RESULT_XML_MALFORMED"),
        ("badsign", SignatureError, "WXPAY_RESULT_SIGNATURE_MISMATCH"),
        ("nosign", SignatureMissing, "WXPAY_RESULT_SIGNATURE_MISSING"),
        ("returnfail", ProtocolError, "WXPAY_RESULT_PROTOCOL_FAIL"),
        ("systemerror", BusinessError, "WXPAY_RESULT_BUSINESS_FAIL"),
    ],
)
def test_simulator_faults_raise_typed_errors(client, kind, error, code_name):
    with pytest.raises(error) as err:
        query_with_fault(client, kind)
    assert err.value.code_name == code_name
    assert err.value.message


def test_protocol_and_business_failures_carry_the_response(client):
    with pytest.raises(ProtocolError) as proto:
        query_with_fault(client, "returnfail")
    assert proto.value.response["return_code"] == "FAIL" and proto.value.return_msg
    with pytest.raises(BusinessError) as business:
        query_with_fault(client, "systemerror")
    assert business.value.err_code == "SYSTEMERROR" and business.value.response["result_code"] == "FAIL"
    assert business.value.retry is wxpay.Retry.RETRYABLE
    with pytest.raises(BusinessError) as missing:
        client.order_query(out_trade_no=order_no("none"))
    assert missing.value.err_code == "ORDERNOTEXIST"
    assert missing.value.retry is wxpay.Retry.FINAL


def test_delay_beyond_the_timeout(sim):
    with wxpay.Client(**sim.client_options(timeout=0.3)) as client:
        with pytest.raises(Timeout) as err:
            client.order_query(out_trade_no=order_no(), attach="sim:fault=delay:3000")
    assert err.value.code_name == "WXPAY_RESULT_TIMEOUT"
    assert isinstance(err.value, TimeoutError)


def test_untrusted_server_without_root_ca(sim):
    options = sim.client_options()
    del options["root_ca"]
    with wxpay.Client(**options) as client:
        with pytest.raises(TlsError) as err:
            client.order_query(out_trade_no=order_no())
    assert err.value.code_name == "WXPAY_RESULT_TLS"


def test_certificate_endpoint_without_certificate_sends_nothing(sim):
    with wxpay.Client(**sim.client_options()) as client:
        with pytest.raises(wxpay.CertificateRequired):
            client.refund(out_trade_no="1", out_refund_no="1r", total_fee="1", refund_fee="1")


def test_wrong_p12_password_is_never_shown(sim, caplog):
    password = "Wr0ng-p12-Passw0rd-never-shown"
    caplog.set_level(logging.DEBUG, logger="wxpay")
    with pytest.raises(CertificateError) as err:
        wxpay.Client(**sim.client_options(p12=str(sim.file("apiclient_cert.p12")), p12_password=password))
    assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_PASSWORD"
    assert password not in str(err.value) and password not in repr(err.value)
    assert password not in caplog.text


def test_corrupt_p12_file(sim, tmp_path):
    corrupt = tmp_path / "corrupt.p12"
    good = sim.file("apiclient_cert.p12").read_bytes()
    corrupt.write_bytes(good[: len(good) // 2])
    with pytest.raises(CertificateError) as err:
        wxpay.Client(**sim.client_options(p12=str(corrupt)))
    assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_CORRUPT"


def test_key_of_another_certificate_is_refused(sim, tmp_path):
    other_key = tmp_path / "other_key.pem"
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available")
    subprocess.run(["openssl", "genrsa", "-out", str(other_key), "2048"], check=True, capture_output=True)
    with pytest.raises(CertificateError) as err:
        wxpay.Client(**sim.client_options(cert_pem=str(sim.file("apiclient_cert.pem")), key_pem=str(other_key)))
    assert err.value.code_name == "WXPAY_RESULT_CERTIFICATE_KEY_MISMATCH"


# -- bad input against a live server --------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [None, 101, 1.5, True, b"\xff\xfe\xfd", bytearray(b"1"), "\ud800"],
    ids=["None", "int", "float", "bool", "invalid-utf8-bytes", "bytearray", "lone-surrogate"],
)
def test_bad_values_are_refused_and_nothing_is_sent(client, value):
    with pytest.raises(InvalidInput):
        client.order_query(out_trade_no=value)


def test_nul_in_a_value_is_refused(client):
    with pytest.raises(InvalidInput) as err:
        client.order_query(out_trade_no="abc\0def")
    assert err.value.code_name == "WXPAY_RESULT_EMBEDDED_NUL"


def test_huge_input_is_a_clean_error(client):
    """16 MiB in one field: sent, and refused by the simulator's body limit,
    either with HTTP 413 or by closing the connection while the body is still
    being written (which one depends on timing). Either is a typed transport
    error, and the client goes on working."""
    attach = "x" * (16 * 1024 * 1024)
    with pytest.raises(TransportError) as err:
        client.order_query(out_trade_no=order_no(), attach=attach)
    if err.value.code_name == "WXPAY_RESULT_HTTP_STATUS":
        assert "413" in err.value.message
    else:
        assert err.value.code_name == "WXPAY_RESULT_TRANSPORT"
    assert len(attach) == 16 * 1024 * 1024
    no, _ = new_order(client)
    assert client.order_query(out_trade_no=no)["out_trade_no"] == no


def test_client_still_works_after_every_failure(client):
    for kind in ("reset", "http500", "garbled", "badsign"):
        with pytest.raises(WxPayError):
            query_with_fault(client, kind)
    no, _ = new_order(client)
    assert client.order_query(out_trade_no=no)["out_trade_no"] == no


# -- mutual TLS with each certificate form ---------------------------------------------


def certificate_options(sim, form):
    files = {
        "p12-modern-path": dict(p12=str(sim.file("apiclient_cert.p12"))),
        "p12-modern-bytes": dict(p12=sim.file("apiclient_cert.p12").read_bytes(), p12_password=MCH_ID),
        "p12-legacy-path": dict(p12=sim.file("apiclient_cert_legacy.p12")),
        "pem-pkcs8-paths": dict(
            cert_pem=str(sim.file("apiclient_cert.pem")), key_pem=str(sim.file("apiclient_key.pem"))
        ),
        "pem-pkcs1-bytes": dict(
            cert_pem=sim.file("apiclient_cert.pem").read_bytes(),
            key_pem=sim.file("apiclient_key_pkcs1.pem").read_bytes(),
        ),
        "pem-pkcs8-text": dict(
            cert_pem=sim.file("apiclient_cert.pem").read_text(), key_pem=sim.file("apiclient_key.pem").read_text()
        ),
    }
    return files[form]


@pytest.mark.parametrize(
    "form",
    ["p12-modern-path", "p12-modern-bytes", "p12-legacy-path", "pem-pkcs8-paths", "pem-pkcs1-bytes", "pem-pkcs8-text"],
)
def test_refund_over_mutual_tls(sim, form):
    with wxpay.Client(**sim.client_options(**certificate_options(sim, form))) as client:
        no = paid_order(client)
        refund = client.refund(out_trade_no=no, out_refund_no=no + "r", total_fee="200", refund_fee="200")
    assert refund["result_code"] == "SUCCESS"


def test_root_ca_as_bytes(sim):
    options = sim.client_options(root_ca=sim.file("ca.pem").read_bytes())
    with wxpay.Client(**options) as client:
        new_order(client)


def test_without_keep_alive(sim):
    with wxpay.Client(**sim.client_options(keep_alive=False)) as client:
        for _ in range(3):
            no, created = new_order(client)
            assert client.order_query(out_trade_no=no)["out_trade_no"] == no


def test_hmac_sha256_client(sim):
    with wxpay.Client(**sim.client_options(sign_type="HMAC-SHA256")) as client:
        no, created = new_order(client)
        assert created["result_code"] == "SUCCESS"
        assert client.order_query(out_trade_no=no)["trade_state"] == "NOTPAY"


# -- threads ------------------------------------------------------------------------------


def test_threads_share_one_client(client):
    errors = []
    answers = []

    def worker(n):
        try:
            for _ in range(20):
                no, _ = new_order(client)
                answers.append(client.order_query(out_trade_no=no)["out_trade_no"] == no)
            try:
                query_with_fault(client, "badsign")
            except SignatureError as e:
                answers.append(e.code_name == "WXPAY_RESULT_SIGNATURE_MISMATCH")
        except Exception as e:  # collected, asserted below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(answers) == 8 * 21 and all(answers)


def test_close_racing_with_requests(sim):
    """close() while 6 threads request: no crash, each thread ends with
    ClientClosed, the handle is freed once, after the last request returned."""
    client = wxpay.Client(**sim.client_options())
    ran = []
    ended = []
    started = threading.Barrier(7)

    def worker():
        started.wait()
        try:
            while True:
                try:
                    client.order_query(out_trade_no=order_no(), attach="sim:fault=delay:20")
                except BusinessError:
                    ran.append(1)
        except ClientClosed:
            ended.append(1)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    started.wait()
    while len(ran) < 12 and all(t.is_alive() for t in threads):
        threading.Event().wait(0.01)
    assert len(ran) >= 12, "the workers made no requests"
    client.close()
    for t in threads:
        t.join()
    assert not any(t.is_alive() for t in threads)
    assert len(ended) == 6 and client._native.frees == 1


FORK_SCRIPT = """
import os, sys, wxpay
client = wxpay.Client(mch_id=sys.argv[1], appid=sys.argv[2], api_key=sys.argv[3], host=sys.argv[4],
                      root_ca=sys.argv[5], timeout=20)
try:
    client.order_query(out_trade_no="fork-1")
except wxpay.BusinessError as e:
    print("parent before fork:", e.err_code, flush=True)
pid = os.fork()
if pid == 0:
    try:
        client.order_query(out_trade_no="fork-1")
        print("child: request ran", flush=True)
    except wxpay.ClientClosed as e:
        print("child:", e.code, e.code_name, flush=True)
    client.close()
    os._exit(0)
_, status = os.waitpid(pid, 0)
try:
    client.order_query(out_trade_no="fork-1")
except wxpay.BusinessError as e:
    print("parent after fork:", e.err_code, "child status", status, flush=True)
client.close()
"""


def test_a_client_made_before_fork_is_refused_in_the_child(sim, library_path):
    """The native client's I/O thread stays in the parent: in the child a request
    would wait out its timeout, and freeing would join a missing thread."""
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", FORK_SCRIPT, MCH_ID, "wx2421b1c4370ec43b", KEY, sim.url, str(sim.file("ca.pem"))],
        env=dict(os.environ, WXPAY_LIBRARY=library_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "parent before fork: ORDERNOTEXIST" in proc.stdout
    assert "child: 112 WXPAY_RESULT_CLIENT_FORKED" in proc.stdout
    assert "parent after fork: ORDERNOTEXIST child status 0" in proc.stdout
    assert "panicked" not in proc.stderr

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>Real requests over real TLS to the simulator: successes, mTLS, every failure family.</summary>
    [TestFixture]
    public class ClientSimulatorTests
    {
        private Simulator sim;
        private WxPayClient client;

        [SetUp]
        public void Start()
        {
            sim = Simulator.Shared;
            client = new WxPayClient(sim.OptionsWithP12());
        }

        [TearDown]
        public void Stop()
        {
            if (client != null)
            {
                client.Dispose();
            }
        }

        private Dictionary<string, string> PlaceOrder(WxPayClient c, string outTradeNo, int totalFee = 101)
        {
            IDictionary<string, string> r = c.UnifiedOrder(Simulator.Order(outTradeNo, totalFee));
            Assert.AreEqual("SUCCESS", r["return_code"]);
            Assert.AreEqual("SUCCESS", r["result_code"]);
            return new Dictionary<string, string>(r);
        }

        private static Dictionary<string, string> Fields(params string[] pairs)
        {
            var d = new Dictionary<string, string>();
            for (int i = 0; i + 1 < pairs.Length; i += 2)
            {
                d.Add(pairs[i], pairs[i + 1]);
            }
            return d;
        }

        private static Dictionary<string, string> RefundOf(string outTradeNo, string outRefundNo, int fee = 101)
        {
            return Fields("out_trade_no", outTradeNo, "out_refund_no", outRefundNo,
                "total_fee", fee.ToString(), "refund_fee", fee.ToString());
        }

        [Test]
        public void UnifiedOrderQueryCloseAndRefundQuery()
        {
            string no = sim.NextOrderNumber();
            Dictionary<string, string> order = PlaceOrder(client, no);
            Assert.IsNotEmpty(order["prepay_id"]);
            Assert.AreEqual(Simulator.AppId, order["appid"]);
            Assert.AreEqual(Simulator.MchId, order["mch_id"]);
            Assert.IsTrue(order.ContainsKey("sign"));

            IDictionary<string, string> query = client.OrderQuery(Fields("out_trade_no", no));
            Assert.AreEqual("NOTPAY", query["trade_state"]);
            Assert.AreEqual(no, query["out_trade_no"]);

            IDictionary<string, string> closed = client.CloseOrder(Fields("out_trade_no", no));
            Assert.AreEqual("SUCCESS", closed["result_code"]);
            Assert.AreEqual("CLOSED", client.OrderQuery(Fields("out_trade_no", no))["trade_state"]);

            var e = Assert.Throws<WxPayBusinessException>(() => client.RefundQuery(Fields("out_trade_no", no)));
            Assert.AreEqual("REFUNDNOTEXIST", e.ErrCode);
        }

        [Test]
        public void RequestTakesAPathWithALeadingSlashAndAnyPairSequence()
        {
            string no = sim.NextOrderNumber();
            PlaceOrder(client, no);
            var pairs = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>("out_trade_no", no) };
            Assert.AreEqual(no, client.Request("/pay/orderquery", pairs)["out_trade_no"]);
            using (var native = new WxPayFields(pairs))
            {
                Assert.AreEqual(no, client.Request("pay/orderquery", native)["out_trade_no"]);
            }
        }

        [Test]
        public void HmacSha256ClientSignsAndVerifiesWithIt()
        {
            WxPayClientOptions o = sim.Options();
            o.SignType = SignType.HmacSha256;
            using (var c = new WxPayClient(o))
            {
                string no = sim.NextOrderNumber();
                Dictionary<string, string> order = PlaceOrder(c, no);
                Assert.AreEqual(64, order["sign"].Length);
            }
        }

        [Test]
        public void WithoutKeepAliveEveryRequestStillSucceeds()
        {
            WxPayClientOptions o = sim.OptionsWithP12();
            o.KeepAlive = false;
            using (var c = new WxPayClient(o))
            {
                for (int i = 0; i < 5; i++)
                {
                    PlaceOrder(c, sim.NextOrderNumber());
                }
            }
        }

        [Test]
        public void SandboxKeyThenSandboxOrder()
        {
            IDictionary<string, string> key = client.Request("xdc/apiv2getsignkey/sign/getsignkey", new Dictionary<string, string>());
            Assert.AreEqual(32, key["sandbox_signkey"].Length);
            WxPayClientOptions o = sim.Options();
            o.ApiKey = key["sandbox_signkey"];
            string no = sim.NextOrderNumber("sb");
            using (var sandbox = new WxPayClient(o))
            {
                IDictionary<string, string> order = sandbox.Request("xdc/apiv2sandbox/pay/unifiedorder", Simulator.Order(no));
                Assert.AreEqual("SUCCESS", order["result_code"]);
                Assert.AreEqual(32, order["sign"].Length);
                Assert.AreEqual(no, sandbox.Request("xdc/apiv2sandbox/pay/orderquery",
                    new Dictionary<string, string> { { "out_trade_no", no } })["out_trade_no"]);
            }
            // The sandbox keeps orders of its own: the live side does not know this one.
            var e = Assert.Throws<WxPayBusinessException>(() => client.OrderQuery(new Dictionary<string, string> { { "out_trade_no", no } }));
            Assert.AreEqual("ORDERNOTEXIST", e.ErrCode);
        }

        [Test]
        public void MicropayAndReverse()
        {
            string no = sim.NextOrderNumber();
            IDictionary<string, string> paid = client.Micropay(Fields("body", "b", "out_trade_no", no, "total_fee", "1",
                "spbill_create_ip", "127.0.0.1", "auth_code", "130012345678901234"));
            Assert.AreEqual("SUCCESS", paid["result_code"]);
            var e = Assert.Throws<WxPayBusinessException>(() => client.Micropay(Fields("body", "b", "out_trade_no", sim.NextOrderNumber(),
                "total_fee", "1", "spbill_create_ip", "127.0.0.1", "auth_code", "134012345678901234")));
            Assert.AreEqual("NOTENOUGH", e.ErrCode);
            Assert.AreEqual(WxPayRetry.Final, e.Retry);
            Assert.IsNotNull(e.ErrCodeDes);
            Assert.AreEqual("FAIL", e.Response["result_code"]);

            string waiting = sim.NextOrderNumber();
            Assert.Throws<WxPayBusinessException>(() => client.Micropay(Fields("body", "b", "out_trade_no", waiting, "total_fee", "1",
                "spbill_create_ip", "127.0.0.1", "auth_code", "134712345678901234")));
            IDictionary<string, string> reversed = client.Reverse(Fields("out_trade_no", waiting));
            Assert.AreEqual("SUCCESS", reversed["result_code"]);
        }

        [Test]
        public void TransfersWithTheCertificate()
        {
            IDictionary<string, string> r = client.Transfers(Fields("partner_trade_no", sim.NextOrderNumber("t"),
                "openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "check_name", "NO_CHECK", "amount", "100", "desc", "测试",
                "spbill_create_ip", "127.0.0.1"));
            Assert.AreEqual("SUCCESS", r["result_code"]);
            Assert.IsNotEmpty(r["payment_no"]);
        }

        [Test]
        public void ARedPacketAndItsNestedReceipt()
        {
            string billno = sim.NextOrderNumber("h");
            IDictionary<string, string> sent = client.SendRedPack(Fields("mch_billno", billno, "send_name", "shop",
                "re_openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "total_amount", "150", "total_num", "1", "wishing", "thanks",
                "client_ip", "127.0.0.1", "act_name", "launch", "remark", "r"));
            Assert.AreEqual(billno, sent["mch_billno"]);
            Assert.AreEqual(32, sent["send_listid"].Length);
            IDictionary<string, string> info = client.GetHbInfo(Fields("mch_billno", billno, "bill_type", "MCHT"));
            Assert.AreEqual("RECEIVED", info["status"]);
            // WeChat nests the receipt as <hblist><hbinfo>...; it comes out as numbered fields.
            Assert.AreEqual("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", info["openid_0"]);
            Assert.AreEqual("150", info["amount_0"]);
            Assert.IsFalse(info.ContainsKey("openid_1"));
            Assert.IsFalse(info.ContainsKey("hblist"));
            var e = Assert.Throws<WxPayBusinessException>(() => client.SendRedPack(Fields("mch_billno", sim.NextOrderNumber("h"),
                "send_name", "shop", "re_openid", "o", "total_amount", "50", "total_num", "1", "wishing", "w",
                "client_ip", "127.0.0.1", "act_name", "a", "remark", "r")));
            Assert.AreEqual("MONEY_LIMIT", e.ErrCode);
            Assert.AreEqual(WxPayRetry.Final, e.Retry);
        }

        [Test]
        public void AMiniProgramRedPacketIsOpenedWithItsPackage()
        {
            string package = client.SendMiniProgramHb(Fields("mch_billno", sim.NextOrderNumber("m"), "send_name", "shop",
                "re_openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "total_amount", "100", "total_num", "1", "wishing", "thanks",
                "act_name", "launch", "remark", "r", "notify_way", "MINI_PROGRAM_JSAPI"))["package"];
            StringAssert.StartsWith("sendid=", package);
            IDictionary<string, string> p = client.PayParams(WxPayPayKind.RedPacket, package, null, 1490840662, "n1");
            CollectionAssert.AreEqual(new[] { "timeStamp", "nonceStr", "package", "signType", "paySign" }, p.Keys);
            Assert.AreEqual(Uri.EscapeDataString(package), p["package"]);
            Assert.AreEqual("MD5", p["signType"]);
            string sign = WxPay.Sign(Fields("appId", Simulator.AppId, "timeStamp", "1490840662", "nonceStr", "n1",
                "package", p["package"]), Simulator.Key, SignType.Md5);
            Assert.AreEqual(sign, p["paySign"]);
        }

        [Test]
        public void ACouponIsSentAndQueried()
        {
            IDictionary<string, string> sent = client.SendCoupon(Fields("coupon_stock_id", "1757", "openid_count", "1",
                "partner_trade_no", sim.NextOrderNumber("c"), "openid", "oUser1"));
            Assert.AreEqual("SUCCESS", sent["ret_code"]);
            Assert.AreEqual(10, sent["coupon_id"].Length);
            Assert.AreEqual("100", client.QueryCouponStock(Fields("coupon_stock_id", "1757"))["coupon_value"]);
            IDictionary<string, string> info = client.QueryCouponsInfo(Fields("coupon_id", sent["coupon_id"], "openid", "oUser1",
                "stock_id", "1757"));
            Assert.AreEqual("SENDED", info["coupon_state"]);
            var e = Assert.Throws<WxPayBusinessException>(() => client.QueryCouponsInfo(Fields("coupon_id", sent["coupon_id"],
                "openid", "oOther", "stock_id", "1757")));
            Assert.AreEqual("COUPON_NOT_EXIST", e.ErrCode);
            Assert.AreEqual("代金券不存在", e.Response["err_code_des"]);
        }

        [Test]
        public void ReportIsAnswered()
        {
            IDictionary<string, string> r = client.Report(Fields("interface_url", "https://api.mch.weixin.qq.com/pay/unifiedorder",
                "execute_time_", "1000", "return_code", "SUCCESS", "result_code", "SUCCESS", "user_ip", "127.0.0.1"));
            Assert.AreEqual("SUCCESS", r["return_code"]);
        }

        [Test]
        public void PayBankEncryptsAndQueryBankFindsIt()
        {
            string tradeNo = sim.NextOrderNumber("bank");
            // The simulator answers SUCCESS only after decrypting both fields with its key.
            IDictionary<string, string> paid = client.PayBank(Fields("partner_trade_no", tradeNo, "bank_no", "6225880137250000",
                "true_name", "张三", "bank_code", "1001", "amount", "50000", "desc", "payout"));
            Assert.AreEqual("SUCCESS", paid["result_code"]);
            Assert.AreEqual("50000", paid["amount"]);
            IDictionary<string, string> query = client.QueryBank(Fields("partner_trade_no", tradeNo));
            Assert.AreEqual(paid["payment_no"], query["payment_no"]);
            // MD5 of the plain values (hashlib), which the simulator computes after decrypting them.
            Assert.AreEqual("80a01ac3d63773b548d8e9ef1774145e", query["bank_no_md5"]);
            Assert.AreEqual("615db57aa314529aaa0fbe95b3e95bd3", query["true_name_md5"]);
            var e = Assert.Throws<WxPayInvalidInputException>(() => client.PayBank(Fields("partner_trade_no", tradeNo, "true_name", "张三")));
            Assert.AreEqual("WXPAY_RESULT_MISSING_FIELD", e.CodeName);
        }

        [Test]
        public void ProfitSharingSplitsAPaidOrder()
        {
            string transactionId = client.OrderQuery(Fields("out_trade_no", PayViaMicropay(client)))["transaction_id"];
            IDictionary<string, string> amount = client.ProfitSharingOrderAmountQuery(Fields("transaction_id", transactionId));
            Assert.AreEqual("101", amount["unsplit_amount"]);
            Assert.IsFalse(amount.ContainsKey("appid"));
            string receiver = "{\"type\":\"MERCHANT_ID\",\"account\":\"190001001\",\"name\":\"示例商户全称\",\"relation_type\":\"STORE_OWNER\"}";
            Assert.AreEqual(receiver, client.ProfitSharingAddReceiver(Fields("receiver", receiver))["receiver"]);
            string orderNo = sim.NextOrderNumber("split");
            IDictionary<string, string> split = client.MultiProfitSharing(Fields("transaction_id", transactionId, "out_order_no", orderNo,
                "receivers", "[{\"type\":\"MERCHANT_ID\",\"account\":\"190001001\",\"amount\":40,\"description\":\"分到商户\"}]"));
            IDictionary<string, string> query = client.ProfitSharingQuery(Fields("transaction_id", transactionId, "out_order_no", orderNo));
            Assert.AreEqual(split["order_id"], query["order_id"]);
            StringAssert.Contains("\"amount\":40", query["receivers"]);
            Assert.AreEqual("61", client.ProfitSharingOrderAmountQuery(Fields("transaction_id", transactionId))["unsplit_amount"]);
            IDictionary<string, string> back = client.ProfitSharingReturn(Fields("order_id", split["order_id"],
                "out_return_no", sim.NextOrderNumber("ret"), "return_account_type", "MERCHANT_ID", "return_account", "190001001",
                "return_amount", "20", "description", "refund to the buyer"));
            Assert.AreEqual("SUCCESS", back["result"]);
            IDictionary<string, string> found = client.ProfitSharingReturnQuery(Fields("out_order_no", orderNo, "out_return_no", back["out_return_no"]));
            Assert.AreEqual(back["return_no"], found["return_no"]);
            client.ProfitSharing(Fields("transaction_id", transactionId, "out_order_no", sim.NextOrderNumber("split"),
                "receivers", "[{\"type\":\"MERCHANT_ID\",\"account\":\"190001001\",\"amount\":1,\"description\":\"x\"}]"));
            Assert.AreEqual("0", client.ProfitSharingOrderAmountQuery(Fields("transaction_id", transactionId))["unsplit_amount"]);
            client.ProfitSharingRemoveReceiver(Fields("receiver", receiver));
            string other = client.OrderQuery(Fields("out_trade_no", PayViaMicropay(client)))["transaction_id"];
            var e = Assert.Throws<WxPayBusinessException>(() => client.ProfitSharing(Fields("transaction_id", other,
                "out_order_no", sim.NextOrderNumber("split"),
                "receivers", "[{\"type\":\"MERCHANT_ID\",\"account\":\"190001001\",\"amount\":1,\"description\":\"x\"}]")));
            Assert.AreEqual("RECEIVER_INVALID", e.ErrCode);
            Assert.AreEqual(WxPayRetry.Final, e.Retry);
            client.ProfitSharingFinish(Fields("transaction_id", other, "out_order_no", sim.NextOrderNumber("fin"), "amount", "101", "description", "done"));
            Assert.AreEqual("0", client.ProfitSharingOrderAmountQuery(Fields("transaction_id", other))["unsplit_amount"]);
        }

        [Test]
        public void DownloadBillAndFundFlow()
        {
            // The simulator's bills are by Beijing date and exist once an order was paid that day.
            PayViaMicropay(client);
            string today = DateTime.UtcNow.AddHours(8).ToString("yyyyMMdd");
            byte[] bill = client.DownloadBill(Fields("bill_date", today, "bill_type", "ALL"));
            Assert.IsNotEmpty(bill);
            StringAssert.Contains("交易时间", Encoding.UTF8.GetString(bill));
            byte[] viaDownload = client.Download("pay/downloadbill", Fields("bill_date", today, "bill_type", "ALL"));
            Assert.IsNotEmpty(viaDownload);
            byte[] flow = client.DownloadFundFlow(Fields("bill_date", today, "account_type", "Basic"));
            Assert.IsNotEmpty(flow);
            byte[] gz = client.DownloadBill(Fields("bill_date", today, "bill_type", "ALL", "tar_type", "GZIP"));
            CollectionAssert.AreEqual(bill, gz);
        }

        [Test]
        public void DownloadFailureComesAsAnException()
        {
            var e = Assert.Throws<WxPayProtocolException>(() => client.DownloadBill(Fields("bill_date", "19990101")));
            Assert.AreEqual("No Bill Exist", e.ReturnMsg);
            Assert.AreEqual("FAIL", e.Response["return_code"]);
        }

        // --- the merchant certificate in every accepted form ---

        private void RefundWith(WxPayClientOptions o)
        {
            using (var c = new WxPayClient(o))
            {
                string no = sim.NextOrderNumber();
                PlaceOrder(c, no);
                var e = Assert.Throws<WxPayBusinessException>(() => c.Refund(RefundOf(no, no + "r")));
                Assert.That(e.ErrCode, Is.Not.Null.And.Not.Empty);
                string paid = PayViaMicropay(c);
                IDictionary<string, string> refund = c.Refund(RefundOf(paid, paid + "r"));
                Assert.AreEqual("SUCCESS", refund["result_code"]);
                Assert.IsNotEmpty(refund["refund_id"]);
            }
        }

        private string PayViaMicropay(WxPayClient c)
        {
            string no = sim.NextOrderNumber();
            IDictionary<string, string> paid = c.Micropay(Fields("body", "b", "out_trade_no", no, "total_fee", "101",
                "spbill_create_ip", "127.0.0.1", "auth_code", "130012345678901234"));
            Assert.AreEqual("SUCCESS", paid["result_code"]);
            return no;
        }

        [Test]
        public void RefundWithModernP12File()
        {
            RefundWith(sim.OptionsWithP12());
        }

        [Test]
        public void RefundWithModernP12BytesAndExplicitPassword()
        {
            WxPayClientOptions o = sim.Options();
            o.P12 = File.ReadAllBytes(sim.P12);
            o.P12Password = Simulator.MchId;
            RefundWith(o);
        }

        [Test]
        public void RefundWithLegacyRc2P12()
        {
            WxPayClientOptions o = sim.Options();
            o.P12Path = sim.LegacyP12;
            RefundWith(o);
        }

        [Test]
        public void RefundWithPemPkcs8Files()
        {
            WxPayClientOptions o = sim.Options();
            o.CertPemPath = sim.CertPem;
            o.KeyPemPath = sim.KeyPkcs8;
            RefundWith(o);
        }

        [Test]
        public void RefundWithPemPkcs1Text()
        {
            WxPayClientOptions o = sim.Options();
            o.CertPem = File.ReadAllText(sim.CertPem);
            o.KeyPem = File.ReadAllText(sim.KeyPkcs1);
            o.RootCaPath = null;
            o.RootCaPem = File.ReadAllText(sim.CaPem);
            RefundWith(o);
        }

        [Test]
        public void WrongP12PasswordIsRefusedWithoutQuotingIt()
        {
            WxPayClientOptions o = sim.Options();
            o.P12Path = sim.P12;
            o.P12Password = "Not-The-Pa55word-4711";
            var e = Assert.Throws<WxPayCertificateException>(() => new WxPayClient(o).Dispose());
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_PASSWORD", e.CodeName);
            StringAssert.DoesNotContain("Pa55word", e.Message);
        }

        [Test]
        public void CorruptP12IsRefused()
        {
            byte[] p12 = File.ReadAllBytes(sim.P12);
            for (int i = p12.Length / 3; i < p12.Length / 3 + 64; i++)
            {
                p12[i] ^= 0x5a;
            }
            WxPayClientOptions o = sim.Options();
            o.P12 = p12;
            var e = Assert.Throws<WxPayCertificateException>(() => new WxPayClient(o).Dispose());
            // Bytes changed inside the MAC-protected part read as a failed MAC, which PKCS#12
            // cannot tell from a wrong password; either way it is refused as a certificate error.
            Assert.That(e.CodeName, Is.EqualTo("WXPAY_RESULT_CERTIFICATE_CORRUPT").Or.EqualTo("WXPAY_RESULT_CERTIFICATE_PASSWORD"));
            byte[] truncated = new byte[p12.Length / 2];
            Array.Copy(File.ReadAllBytes(sim.P12), truncated, truncated.Length);
            o.P12 = truncated;
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_CORRUPT",
                Assert.Throws<WxPayCertificateException>(() => new WxPayClient(o).Dispose()).CodeName);
        }

        [Test]
        public void KeyOfAnotherCertificateIsRefused()
        {
            // The CA's certificate with the merchant's key: a pair that does not belong together.
            WxPayClientOptions o = sim.Options();
            o.CertPemPath = sim.CaPem;
            o.KeyPemPath = sim.KeyPkcs8;
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_KEY_MISMATCH",
                Assert.Throws<WxPayCertificateException>(() => new WxPayClient(o).Dispose()).CodeName);
        }

        [Test]
        public void UntrustedServerIsATlsError()
        {
            WxPayClientOptions o = sim.Options();
            o.RootCaPath = null;
            using (var c = new WxPayClient(o))
            {
                var e = Assert.Throws<WxPayCertificateException>(() => c.OrderQuery(Fields("out_trade_no", "x")));
                Assert.AreEqual("WXPAY_RESULT_TLS", e.CodeName);
            }
        }

        [Test]
        public void CertificateEndpointWithoutCertificate()
        {
            using (var c = new WxPayClient(sim.Options()))
            {
                var e = Assert.Throws<WxPayCertificateException>(() => c.Refund(RefundOf("x", "y")));
                Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_REQUIRED", e.CodeName);
            }
        }

        // --- faults, injected per request through attach=sim:fault=KIND ---

        private WxPayException Fault(string kind, WxPayClient c = null)
        {
            Dictionary<string, string> order = Simulator.Order(sim.NextOrderNumber());
            order["attach"] = "sim:fault=" + kind;
            var e = Assert.Throws(Is.InstanceOf<WxPayException>(), () => (c ?? client).UnifiedOrder(order));
            return (WxPayException)e;
        }

        [Test]
        public void FaultReset()
        {
            WxPayException e = Fault("reset");
            Assert.IsInstanceOf<WxPayTransportException>(e);
            Assert.AreEqual("WXPAY_RESULT_TRANSPORT", e.CodeName);
        }

        [Test]
        public void FaultHttp500()
        {
            WxPayException e = Fault("http500");
            Assert.IsInstanceOf<WxPayTransportException>(e);
            Assert.AreEqual("WXPAY_RESULT_HTTP_STATUS", e.CodeName);
            StringAssert.Contains("500", e.Message);
        }

        [Test]
        public void FaultGarbled()
        {
            WxPayException e = Fault("garbled");
            Assert.IsInstanceOf<WxPayXmlException>(e);
            Assert.AreEqual("WXPAY_RESULT_XML_MALFORMED", e.CodeName);
        }

        [Test]
        public void FaultBadSign()
        {
            WxPayException e = Fault("badsign");
            Assert.IsInstanceOf<WxPaySignatureException>(e);
            Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISMATCH", e.CodeName);
        }

        [Test]
        public void FaultNoSign()
        {
            WxPayException e = Fault("nosign");
            Assert.IsInstanceOf<WxPaySignatureException>(e);
            Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISSING", e.CodeName);
        }

        [Test]
        public void FaultReturnFail()
        {
            var e = (WxPayProtocolException)Fault("returnfail");
            Assert.AreEqual("WXPAY_RESULT_PROTOCOL_FAIL", e.CodeName);
            Assert.AreEqual("FAIL", e.Response["return_code"]);
            Assert.IsNotEmpty(e.ReturnMsg);
        }

        [Test]
        public void FaultSystemError()
        {
            var e = (WxPayBusinessException)Fault("systemerror");
            Assert.AreEqual("WXPAY_RESULT_BUSINESS_FAIL", e.CodeName);
            Assert.AreEqual("SYSTEMERROR", e.ErrCode);
            Assert.AreEqual(WxPayRetry.Retryable, e.Retry);
            Assert.AreEqual("SUCCESS", e.Response["return_code"]);
        }

        [Test]
        public void DelayBeyondTheTimeoutIsATimeout()
        {
            WxPayClientOptions o = sim.Options();
            o.Timeout = TimeSpan.FromMilliseconds(300);
            using (var c = new WxPayClient(o))
            {
                WxPayException e = Fault("delay:5000", c);
                Assert.IsInstanceOf<WxPayTransportException>(e);
                Assert.AreEqual("WXPAY_RESULT_TIMEOUT", e.CodeName);
                // The client is still usable afterwards.
                PlaceOrder(c, sim.NextOrderNumber());
            }
        }

        [Test]
        public void DelayWithinTheTimeoutSucceeds()
        {
            Dictionary<string, string> order = Simulator.Order(sim.NextOrderNumber());
            order["attach"] = "sim:fault=delay:50";
            Assert.AreEqual("SUCCESS", client.UnifiedOrder(order)["result_code"]);
        }

        [Test]
        public void NothingListeningIsAConnectError()
        {
            WxPayClientOptions o = sim.Options();
            o.Host = "https://127.0.0.1:9";
            using (var c = new WxPayClient(o))
            {
                var e = Assert.Throws<WxPayTransportException>(() => c.OrderQuery(Fields("out_trade_no", "x")));
                Assert.AreEqual("WXPAY_RESULT_CONNECT", e.CodeName);
            }
        }

        [Test]
        public void RequestsGoThroughTheConfiguredProxy()
        {
            // Nothing listens on the proxy's port: the request fails there, though the simulator is up.
            WxPayClientOptions o = sim.Options();
            o.Proxy = "http://127.0.0.1:9";
            using (var c = new WxPayClient(o))
            {
                Assert.Throws<WxPayTransportException>(() => c.OrderQuery(Fields("out_trade_no", "x")));
            }
            o.Proxy = "none";
            using (var c = new WxPayClient(o))
            {
                Assert.Throws<WxPayBusinessException>(() => c.OrderQuery(Fields("out_trade_no", "no-such-order")));
            }
        }

        [Test]
        public void BackupHostTakesOverWhenTheMainHostIsDown()
        {
            WxPayClientOptions o = sim.Options();
            o.Host = "https://127.0.0.1:9";
            o.BackupHost = sim.Url;
            o.Failover = WxPayFailover.OnConnectError;
            using (var c = new WxPayClient(o))
            {
                PlaceOrder(c, sim.NextOrderNumber());
            }
            o.Failover = WxPayFailover.Never;
            using (var c = new WxPayClient(o))
            {
                Assert.Throws<WxPayTransportException>(() => c.OrderQuery(Fields("out_trade_no", "x")));
            }
        }

        [Test]
        public void ResponseLargerThanTheLimitIsRefused()
        {
            WxPayClientOptions o = sim.Options();
            o.MaxResponseSize = 64;
            using (var c = new WxPayClient(o))
            {
                var e = Assert.Throws<WxPayTransportException>(() => PlaceOrder(c, sim.NextOrderNumber()));
                Assert.AreEqual("WXPAY_RESULT_RESPONSE_TOO_LARGE", e.CodeName);
            }
        }

        [Test]
        public void WrongKeyMakesTheServerRefuseTheSignature()
        {
            WxPayClientOptions o = sim.Options();
            o.ApiKey = TestData.OtherKey;
            using (var c = new WxPayClient(o))
            {
                var e = Assert.Throws<WxPayProtocolException>(() => PlaceOrder(c, sim.NextOrderNumber()));
                Assert.IsNotEmpty(e.ReturnMsg);
                StringAssert.DoesNotContain(TestData.OtherKey, e.Message);
            }
        }

        [Test]
        public void HugeInputIsRefusedByTheServerAndNotChanged()
        {
            Dictionary<string, string> order = Simulator.Order(sim.NextOrderNumber());
            order["detail"] = new string('长', 2 * 1024 * 1024);
            var before = new Dictionary<string, string>(order);
            // The simulator, like WeChat Pay, does not read a 6 MB body: the connection breaks.
            var e = Assert.Throws<WxPayTransportException>(() => client.UnifiedOrder(order));
            Assert.AreEqual(5, e.Code / 100);
            CollectionAssert.AreEqual(before, order);
            // The client is still usable.
            PlaceOrder(client, sim.NextOrderNumber());
        }

        [Test]
        public void ManyFieldsCrossInOneCall()
        {
            Dictionary<string, string> order = Simulator.Order(sim.NextOrderNumber());
            order["detail"] = "{\"goods_detail\":[]}";
            order["attach"] = "附加数据 <&> ]]> \r\n";
            IDictionary<string, string> r = client.UnifiedOrder(order);
            Assert.AreEqual("SUCCESS", r["result_code"]);
        }
    }
}

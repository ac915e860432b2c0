using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>
    /// The merchant flows of issue #4 against wxpay-sim: notifications delivered to a listener in the
    /// test, refund decryption, pay parameters, the micropay flow with the simulator's documented auth
    /// codes, sandbox mode, and bills.
    /// </summary>
    [TestFixture]
    public class FlowTests
    {
        // Simulator auth codes, by their first four digits (docs/simulator.md).
        private const string PaysAtOnce = "130061098828009406";
        private const string NotEnough = "134061098828009406";
        private const string PaidButSystemError = "134261098828009406";
        private const string RecallThenReversed = "134561098828009406";
        private const string PaidOnSecondQuery = "134661098828009406";
        private const string PayingForever = "134761098828009406";

        private static readonly TimeSpan NotificationWait = TimeSpan.FromSeconds(30);

        private Simulator sim;
        private WxPayClient client;

        [SetUp]
        public void Connect()
        {
            sim = Simulator.Shared;
            client = new WxPayClient(sim.OptionsWithP12());
        }

        [TearDown]
        public void Disconnect()
        {
            client.Dispose();
        }

        private Dictionary<string, string> Payment(string outTradeNo, string authCode, string notifyUrl = null)
        {
            var fields = new Dictionary<string, string>
            {
                { "body", "测试商品 .NET" }, { "out_trade_no", outTradeNo }, { "total_fee", "101" },
                { "spbill_create_ip", "127.0.0.1" }, { "auth_code", authCode },
            };
            if (notifyUrl != null)
            {
                fields["notify_url"] = notifyUrl;
            }
            return fields;
        }

        private static WxPayMicropayOptions Quick()
        {
            return new WxPayMicropayOptions
            {
                PollInterval = TimeSpan.FromMilliseconds(20),
                PollDeadline = TimeSpan.FromMilliseconds(400),
                ReverseInterval = TimeSpan.FromMilliseconds(20),
            };
        }

        private byte[] DeliveredNotification(out string outTradeNo)
        {
            byte[] body = null;
            using (var listener = new NotificationListener(b =>
            {
                WxPayPaymentNotification n = client.ParsePaymentNotification(b);
                return WxPay.NotificationReply(n.Paid);
            }))
            {
                outTradeNo = sim.NextOrderNumber("ntf");
                client.Micropay(Payment(outTradeNo, PaysAtOnce, listener.Url));
                NotificationListener.Received got = listener.Next(NotificationWait);
                Assert.IsNotNull(got, "no notification reached " + listener.Url);
                Assert.IsNull(got.Failure, got.Failure == null ? "" : got.Failure.ToString());
                body = got.Body;
            }
            return body;
        }

        [Test]
        public void PaymentNotificationIsVerifiedAndAnswered()
        {
            string outTradeNo;
            byte[] body = DeliveredNotification(out outTradeNo);
            WxPayPaymentNotification n = client.ParsePaymentNotification(body);
            Assert.IsTrue(n.Paid);
            Assert.AreEqual(outTradeNo, n.Fields["out_trade_no"]);
            Assert.AreEqual("101", n.Fields["total_fee"]);
            Assert.AreEqual(Simulator.MchId, n.Fields["mch_id"]);
            // The same body again (WeChat retries with the same nonce and sign) verifies again.
            Assert.AreEqual(n.Fields, client.ParsePaymentNotification(Encoding.UTF8.GetString(body)).Fields);

            IDictionary<string, string> ok = WxPay.ParseXml(WxPay.NotificationReply(true));
            Assert.AreEqual("SUCCESS", ok["return_code"]);
            Assert.AreEqual("OK", ok["return_msg"]);
            IDictionary<string, string> fail = WxPay.ParseXml(WxPay.NotificationReply(false, "签名失败 <&>"));
            Assert.AreEqual("FAIL", fail["return_code"]);
            Assert.AreEqual("签名失败 <&>", fail["return_msg"]);
        }

        [Test]
        public void ForgedNotificationsAreRefused()
        {
            string outTradeNo;
            byte[] body = DeliveredNotification(out outTradeNo);
            Dictionary<string, string> genuine = TestData.Copy(WxPay.ParseXml(body));

            var changed = TestData.Copy(genuine);
            changed["total_fee"] = "1";
            Assert.AreEqual(201, Refused<WxPaySignatureException>(changed).Code);

            var extra = TestData.Copy(genuine);
            extra["coupon_fee"] = "100";
            WxPaySignatureException added = Refused<WxPaySignatureException>(extra);
            Assert.AreEqual(203, added.Code);
            StringAssert.Contains("coupon_fee", added.Message);

            var unsigned = TestData.Copy(genuine);
            unsigned.Remove("sign");
            Assert.AreEqual(200, Refused<WxPaySignatureException>(unsigned).Code);

            // Correctly signed with the key, but for another merchant.
            var other = TestData.Copy(genuine);
            other.Remove("sign");
            other["mch_id"] = "1900000999";
            other["sign"] = WxPay.Sign(other, Simulator.Key);
            Assert.AreEqual(204, Refused<WxPaySignatureException>(other).Code);

            var failed = new Dictionary<string, string> { { "return_code", "FAIL" }, { "return_msg", "签名失败" } };
            WxPayProtocolException protocol = Refused<WxPayProtocolException>(failed);
            Assert.AreEqual(600, protocol.Code);
            Assert.AreEqual("签名失败", protocol.ReturnMsg);

            string duplicated = Encoding.UTF8.GetString(body).Replace("</xml>", "<total_fee>1</total_fee></xml>");
            Assert.Throws<WxPayXmlException>(() => client.ParsePaymentNotification(duplicated));
            Assert.Throws<WxPayInvalidInputException>(() => client.ParsePaymentNotification((byte[])null));
        }

        [Test]
        public void GenuineNotificationOfAFailedPaymentIsNotPaid()
        {
            string outTradeNo;
            Dictionary<string, string> fields = TestData.Copy(WxPay.ParseXml(DeliveredNotification(out outTradeNo)));
            fields.Remove("sign");
            fields["result_code"] = "FAIL";
            fields["err_code"] = "NOTENOUGH";
            fields["sign"] = WxPay.Sign(fields, Simulator.Key);
            WxPayPaymentNotification n = client.ParsePaymentNotification(WxPay.BuildXml(fields));
            Assert.IsFalse(n.Paid);
            Assert.AreEqual("NOTENOUGH", n.Fields["err_code"]);
        }

        private T Refused<T>(Dictionary<string, string> fields) where T : WxPayException
        {
            return Assert.Throws<T>(() => client.ParsePaymentNotification(WxPay.BuildXml(fields)));
        }

        [Test]
        public void RefundNotificationIsDecrypted()
        {
            string outTradeNo = sim.NextOrderNumber("rfn");
            client.Micropay(Payment(outTradeNo, PaysAtOnce));
            WxPayRefundNotification decrypted = null;
            byte[] body;
            using (var listener = new NotificationListener(b =>
            {
                decrypted = client.ParseRefundNotification(b);
                return WxPay.NotificationReply(true);
            }))
            {
                client.Refund(new Dictionary<string, string>
                {
                    { "out_trade_no", outTradeNo }, { "out_refund_no", outTradeNo + "r" }, { "total_fee", "101" },
                    { "refund_fee", "60" }, { "notify_url", listener.Url },
                });
                NotificationListener.Received got = listener.Next(NotificationWait);
                Assert.IsNotNull(got, "no refund notification");
                Assert.IsNull(got.Failure, got.Failure == null ? "" : got.Failure.ToString());
                body = got.Body;
            }
            Assert.AreEqual(outTradeNo + "r", decrypted.Info["out_refund_no"]);
            Assert.AreEqual(outTradeNo, decrypted.Info["out_trade_no"]);
            Assert.AreEqual("60", decrypted.Info["refund_fee"]);
            Assert.AreEqual("SUCCESS", decrypted.Info["refund_status"]);
            Assert.IsTrue(decrypted.Info.ContainsKey("refund_recv_accout"));
            Assert.AreEqual(Simulator.MchId, decrypted.Outer["mch_id"]);

            Dictionary<string, string> outer = TestData.Copy(WxPay.ParseXml(body));
            var damaged = TestData.Copy(outer);
            damaged["req_info"] = "not base64 at all!";
            Assert.AreEqual(211, Assert.Throws<WxPayDecryptionException>(() => client.ParseRefundNotification(WxPay.BuildXml(damaged))).Code);
            var truncated = TestData.Copy(outer);
            truncated["req_info"] = outer["req_info"].Substring(0, 24);
            Assert.AreEqual(211, Assert.Throws<WxPayDecryptionException>(() => client.ParseRefundNotification(WxPay.BuildXml(truncated))).Code);
            var missing = TestData.Copy(outer);
            missing.Remove("req_info");
            Assert.AreEqual(601, Assert.Throws<WxPayProtocolException>(() => client.ParseRefundNotification(WxPay.BuildXml(missing))).Code);

            WxPayClientOptions wrongKey = sim.Options();
            wrongKey.ApiKey = TestData.OtherKey;
            using (var other = new WxPayClient(wrongKey))
            {
                Assert.AreEqual(210, Assert.Throws<WxPayDecryptionException>(() => other.ParseRefundNotification(body)).Code);
            }
        }

        /// <summary>Opens a link to the simulator as the user's browser would (a GET over TLS checked against the
        /// simulator's CA, in managed code); returns the status line.</summary>
        private string Open(string url)
        {
            var uri = new Uri(url);
            var ca = new System.Security.Cryptography.X509Certificates.X509Certificate2(sim.CaPem);
            using (var tcp = new System.Net.Sockets.TcpClient(uri.Host, uri.Port))
            using (var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (sender, cert, chain, errors) =>
            {
                var ours = new System.Security.Cryptography.X509Certificates.X509Chain();
                ours.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                ours.ChainPolicy.VerificationFlags =
                    System.Security.Cryptography.X509Certificates.X509VerificationFlags.AllowUnknownCertificateAuthority;
                ours.ChainPolicy.ExtraStore.Add(ca);
                var leaf = new System.Security.Cryptography.X509Certificates.X509Certificate2(cert);
                return ours.Build(leaf) && ours.ChainElements[ours.ChainElements.Count - 1].Certificate.Thumbprint == ca.Thumbprint;
            }))
            {
                tls.AuthenticateAsClient(uri.Host);
                byte[] request = Encoding.ASCII.GetBytes("GET " + uri.PathAndQuery + " HTTP/1.1\r\nHost: " + uri.Host +
                    "\r\nConnection: close\r\n\r\n");
                tls.Write(request, 0, request.Length);
                using (var reader = new System.IO.StreamReader(tls, Encoding.UTF8))
                {
                    return reader.ReadLine();
                }
            }
        }

        private static NotificationListener.Received Arrived(NotificationListener listener, string what)
        {
            NotificationListener.Received got = listener.Next(NotificationWait);
            Assert.IsNotNull(got, "no " + what);
            Assert.IsNull(got.Failure, got.Failure == null ? "" : got.Failure.ToString());
            return got;
        }

        // ManagedCrypto: the browser's TLS is .NET's own (see TestData.ManagedCrypto).
        [Test, Category(TestData.ManagedCrypto)]
        public void AContractIsSignedDeductedFromAndEnded()
        {
            using (var listener = new NotificationListener(b => WxPay.NotificationReply(true)))
            {
                string code = sim.NextOrderNumber("pc");
                string url = client.EntrustUrl(new Dictionary<string, string>
                {
                    { "plan_id", "12535" }, { "contract_code", code }, { "request_serial", "1000" },
                    { "contract_display_account", "张三 & co" }, { "notify_url", listener.Url },
                });
                StringAssert.StartsWith(sim.Url.TrimEnd('/') + "/papay/entrustweb?", url);
                // The user opens the link in WeChat; the simulator agrees for them.
                StringAssert.Contains(" 200 ", Open(url));
                WxPayContractNotification signed = client.ParseContractNotification(Arrived(listener, "contract notification").Body);
                Assert.IsTrue(signed.Signed);
                Assert.AreEqual(code, signed.Fields["contract_code"]);
                string contractId = signed.Fields["contract_id"];
                var byId = new Dictionary<string, string> { { "contract_id", contractId }, { "version", "1.0" } };
                IDictionary<string, string> contract = client.QueryContract(byId);
                Assert.AreEqual("0", contract["contract_state"]);
                Assert.AreEqual("张三 & co", contract["contract_display_account"]);

                string trade = sim.NextOrderNumber("pap");
                var deduction = new Dictionary<string, string>
                {
                    { "body", "水电代扣" }, { "out_trade_no", trade }, { "total_fee", "888" }, { "spbill_create_ip", "127.0.0.1" },
                    { "notify_url", listener.Url }, { "trade_type", "PAP" }, { "contract_id", contractId },
                };
                client.PapPayApply(deduction);
                WxPayPaymentNotification paid = client.ParsePaymentNotification(Arrived(listener, "payment notification").Body);
                Assert.IsTrue(paid.Paid);
                Assert.AreEqual("PAP", paid.Fields["trade_type"]);
                Assert.AreEqual("SUCCESS", client.PapOrderQuery(new Dictionary<string, string> { { "out_trade_no", trade } })["trade_state"]);

                client.DeleteContract(new Dictionary<string, string>
                {
                    { "contract_id", contractId }, { "contract_termination_remark", "退订" }, { "version", "1.0" },
                });
                byte[] body = Arrived(listener, "contract notification").Body;
                WxPayContractNotification ended = client.ParseContractNotification(body);
                Assert.IsFalse(ended.Signed);
                Assert.AreEqual(contractId, ended.Fields["contract_id"]);
                var forged = TestData.Copy(ended.Fields);
                forged["change_type"] = "ADD";
                Assert.Throws<WxPaySignatureException>(() => client.ParseContractNotification(WxPay.BuildXml(forged)));
                deduction["out_trade_no"] = sim.NextOrderNumber("pap");
                var e = Assert.Throws<WxPayBusinessException>(() => client.PapPayApply(deduction));
                Assert.AreEqual("CONTRACT_NOT_EXIST", e.Response["err_code"]);
            }
        }

        [Test]
        public void TheSigningLinkIsSignedAndCheckedBeforeItIsMade()
        {
            var link = new Dictionary<string, string>
            {
                { "plan_id", "12535" }, { "contract_code", "c1" }, { "request_serial", "1" }, { "contract_display_account", "a b" },
                { "notify_url", "https://shop.example/n?x=1" }, { "timestamp", "1414488825" },
            };
            string url = client.EntrustUrl(link);
            string query = url.Split(new[] { '?' }, 2)[1];
            StringAssert.Contains("contract_display_account=a+b&", query);
            StringAssert.Contains("notify_url=https%3A%2F%2Fshop.example%2Fn%3Fx%3D1&", query);
            var signedFields = TestData.Copy(link);
            signedFields["appid"] = Simulator.AppId;
            signedFields["mch_id"] = Simulator.MchId;
            signedFields["version"] = "1.0";
            Assert.IsTrue(query.EndsWith("&sign=" + WxPay.Sign(signedFields, Simulator.Key, SignType.Md5)), query);

            var missing = TestData.Copy(link);
            missing.Remove("notify_url");
            Assert.AreEqual(110, Assert.Throws<WxPayInvalidInputException>(() => client.EntrustUrl(missing)).Code);
            var signedAlready = TestData.Copy(link);
            signedAlready["sign"] = "x";
            Assert.AreEqual(111, Assert.Throws<WxPayInvalidInputException>(() => client.EntrustUrl(signedAlready)).Code);
            var notANumber = TestData.Copy(link);
            notANumber["request_serial"] = "1a";
            Assert.AreEqual(101, Assert.Throws<WxPayInvalidInputException>(() => client.EntrustUrl(notANumber)).Code);
            Assert.AreEqual(110, Assert.Throws<WxPayInvalidInputException>(() =>
                client.QueryContract(new Dictionary<string, string> { { "contract_code", "c1" }, { "version", "1.0" } })).Code);
        }

        [Test]
        public void NativeModeOneLinkScanAndReply()
        {
            string url = client.NativeUrl("88888", 1414488825, "Wm3WZYTPz0wzccnW");
            StringAssert.StartsWith("weixin://wxpay/bizpayurl?sign=", url);
            var query = url.Split(new[] { '?' }, 2)[1].Split('&').Select(p => p.Split(new[] { '=' }, 2))
                .ToDictionary(p => p[0], p => p[1]);
            CollectionAssert.AreEqual(new[] { "sign", "appid", "mch_id", "product_id", "time_stamp", "nonce_str" }, query.Keys.ToArray());
            Assert.AreEqual(SignType.Md5, WxPay.Verify(query, Simulator.Key));
            Assert.Throws<WxPayInvalidInputException>(() => client.NativeUrl("a&b"));

            // The callback WeChat POSTs when a user scans the code.
            var scan = new Dictionary<string, string>
            {
                { "appid", Simulator.AppId }, { "openid", "o8GeHuLAsgefS_80exEr1cTqekUs" }, { "mch_id", Simulator.MchId },
                { "is_subscribe", "Y" }, { "nonce_str", "n1" }, { "product_id", "88888" },
            };
            var signed = new Dictionary<string, string>(scan) { { "sign", WxPay.Sign(scan, Simulator.Key, SignType.Md5) } };
            IDictionary<string, string> fields = client.NativeScan(System.Text.Encoding.UTF8.GetBytes(WxPay.BuildXml(signed)));
            Assert.AreEqual("88888", fields["product_id"]);
            signed["product_id"] = "99999";
            Assert.Throws<WxPaySignatureException>(() => client.NativeScan(System.Text.Encoding.UTF8.GetBytes(WxPay.BuildXml(signed))));

            var order = Simulator.Order(sim.NextOrderNumber("nat"));
            order["trade_type"] = "NATIVE";
            order["product_id"] = "88888";
            order.Remove("openid");
            string prepayId = client.UnifiedOrder(order)["prepay_id"];
            IDictionary<string, string> reply = WxPay.ParseXml(client.NativeReply(prepayId));
            Assert.AreEqual(prepayId, reply["prepay_id"]);
            Assert.AreEqual("SUCCESS", reply["result_code"]);
            Assert.AreEqual(SignType.Md5, WxPay.Verify(reply, Simulator.Key));
            IDictionary<string, string> refused = WxPay.ParseXml(client.NativeReply(null, "sold out"));
            Assert.AreEqual("FAIL", refused["result_code"]);
            Assert.AreEqual("sold out", refused["err_code_des"]);
        }

        [Test]
        public void PayParamsAreSignedForTheClientSdks()
        {
            string prepayId = client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber("pp")))["prepay_id"];

            IDictionary<string, string> jsapi = client.PayParams(WxPayPayKind.Jsapi, prepayId, null, 1414561699, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
            CollectionAssert.AreEqual(new[] { "appId", "timeStamp", "nonceStr", "package", "signType", "paySign" }, jsapi.Keys.ToArray());
            Assert.AreEqual(Simulator.AppId, jsapi["appId"]);
            Assert.AreEqual("1414561699", jsapi["timeStamp"]);
            Assert.AreEqual("prepay_id=" + prepayId, jsapi["package"]);
            var signed = jsapi.Where(p => p.Key != "paySign").ToDictionary(p => p.Key, p => p.Value);
            Assert.AreEqual(WxPay.Sign(signed, Simulator.Key, SignType.Md5), jsapi["paySign"]);
            Assert.AreEqual(jsapi, client.PayParams(WxPayPayKind.Jsapi, prepayId, null, 1414561699, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS"));

            IDictionary<string, string> choose = client.PayParams(WxPayPayKind.ChooseWxPay, prepayId, null, 1414561699, "5K8264ILTKCH16CQ2502SI8ZNMTM67VS");
            CollectionAssert.AreEqual(new[] { "timestamp", "nonceStr", "package", "signType", "paySign" }, choose.Keys.ToArray());
            Assert.AreEqual("1414561699", choose["timestamp"]);
            Assert.AreEqual(jsapi["paySign"], choose["paySign"]);

            IDictionary<string, string> app = client.PayParams(WxPayPayKind.App, prepayId, "wxappother000001");
            CollectionAssert.AreEqual(new[] { "appid", "partnerid", "prepayid", "package", "noncestr", "timestamp", "sign" }, app.Keys.ToArray());
            Assert.AreEqual("wxappother000001", app["appid"]);
            Assert.AreEqual(Simulator.MchId, app["partnerid"]);
            Assert.AreEqual("Sign=WXPay", app["package"]);
            Assert.AreEqual(SignType.Md5, WxPay.Verify(app, Simulator.Key));
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            Assert.That(long.Parse(app["timestamp"]), Is.InRange(now - 600, now + 600), "timestamp 0 means now");
            Assert.AreNotEqual(app["noncestr"], client.PayParams(WxPayPayKind.App, prepayId)["noncestr"]);

            Assert.Throws<WxPayInvalidInputException>(() => client.PayParams((WxPayPayKind)7, prepayId));
            Assert.Throws<WxPayInvalidInputException>(() => client.PayParams(WxPayPayKind.App, null));
            Assert.Throws<WxPayInvalidInputException>(() => client.PayParams(WxPayPayKind.App, prepayId, null, -1));
        }

        [Test]
        public void MicropayPaidAtOnce()
        {
            WxPayMicropayResult r = client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), PaysAtOnce), Quick());
            Assert.AreEqual(WxPayMicropayState.Paid, r.State);
            Assert.AreEqual("SUCCESS", r.Response["result_code"]);
            Assert.AreEqual(1, r.Steps.Rows.Count);
            Assert.AreEqual("pay/micropay", r.Steps.ToRecords()[0]["path"]);
        }

        [Test]
        public void MicropayUserPayingThenPaidByQuery()
        {
            WxPayMicropayResult r = client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), PaidOnSecondQuery), Quick());
            Assert.AreEqual(WxPayMicropayState.Paid, r.State);
            List<Dictionary<string, string>> steps = r.Steps.ToRecords();
            CollectionAssert.AreEqual(new[] { "pay/micropay", "pay/orderquery", "pay/orderquery" }, steps.Select(s => s["path"]).ToArray());
            CollectionAssert.AreEqual(new[] { "USERPAYING", "USERPAYING", "SUCCESS" }, steps.Select(s => s["outcome"]).ToArray());
            Assert.AreEqual("SUCCESS", r.Response["trade_state"]);
            CollectionAssert.IsSubsetOf(new[] { "path", "outcome", "return_code", "result_code", "err_code", "trade_state",
                "recall", "error", "message", "elapsed_ms" }, r.Steps.Columns);
        }

        [Test]
        public void MicropaySystemErrorButPaidIsFoundByQuery()
        {
            WxPayMicropayResult r = client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), PaidButSystemError), Quick());
            Assert.AreEqual(WxPayMicropayState.Paid, r.State);
            Assert.AreEqual("SYSTEMERROR", r.Steps.ToRecords()[0]["outcome"]);
        }

        [Test]
        public void MicropayNotEnoughFailsWithoutReversal()
        {
            WxPayMicropayResult r = client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), NotEnough), Quick());
            Assert.AreEqual(WxPayMicropayState.Failed, r.State);
            Assert.AreEqual("NOTENOUGH", r.Response["err_code"]);
            Assert.AreEqual(1, r.Steps.Rows.Count);
        }

        [Test]
        public void MicropayNeverPaidIsReversed()
        {
            WxPayMicropayResult r = client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), PayingForever), Quick());
            Assert.AreEqual(WxPayMicropayState.Reversed, r.State);
            List<Dictionary<string, string>> steps = r.Steps.ToRecords();
            Assert.AreEqual("secapi/pay/reverse", steps.Last()["path"]);
            Assert.That(steps.Count(s => s["path"] == "pay/orderquery"), Is.GreaterThanOrEqualTo(1));
        }

        [Test]
        public void MicropayReverseRetriedWhileRecallIsY()
        {
            WxPayMicropayResult r = client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), RecallThenReversed), Quick());
            Assert.AreEqual(WxPayMicropayState.Reversed, r.State);
            List<Dictionary<string, string>> reversals = r.Steps.ToRecords().Where(s => s["path"] == "secapi/pay/reverse").ToList();
            Assert.AreEqual(2, reversals.Count);
            Assert.AreEqual("Y", reversals[0]["recall"]);

            WxPayMicropayOptions once = Quick();
            once.ReverseAttempts = 1;
            WxPayMicropayResult unknown = client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), RecallThenReversed), once);
            Assert.AreEqual(WxPayMicropayState.Unknown, unknown.State);
        }

        [Test]
        public void MicropayRefusedBeforeAnyIo()
        {
            using (var noCertificate = new WxPayClient(sim.Options()))
            {
                Assert.AreEqual(403, Assert.Throws<WxPayCertificateException>(
                    () => noCertificate.MicropayFlow(Payment(sim.NextOrderNumber("mp"), PaysAtOnce))).Code);
            }
            var noCode = Payment(sim.NextOrderNumber("mp"), PaysAtOnce);
            noCode.Remove("auth_code");
            Assert.Throws<WxPayInvalidInputException>(() => client.MicropayFlow(noCode));
            WxPayMicropayOptions zero = Quick();
            zero.ReverseAttempts = 0;
            Assert.Throws<WxPayInvalidInputException>(() => client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), PaysAtOnce), zero));
            zero.ReverseAttempts = null;
            zero.PollInterval = TimeSpan.FromSeconds(-1);
            Assert.Throws<WxPayInvalidInputException>(() => client.MicropayFlow(Payment(sim.NextOrderNumber("mp"), PaysAtOnce), zero));
        }

        [Test]
        public void SandboxOptionKeepsOrdersAndNotificationsApart()
        {
            WxPayClientOptions options = sim.OptionsWithP12();
            options.Sandbox = true;
            using (var sandbox = new WxPayClient(options))
            {
                string no = sim.NextOrderNumber("sbx");
                Assert.AreEqual("SUCCESS", sandbox.UnifiedOrder(Simulator.Order(no))["result_code"]);
                Assert.AreEqual("NOTPAY", sandbox.OrderQuery(new Dictionary<string, string> { { "out_trade_no", no } })["trade_state"]);
                var e = Assert.Throws<WxPayBusinessException>(() => client.OrderQuery(new Dictionary<string, string> { { "out_trade_no", no } }));
                Assert.AreEqual("ORDERNOTEXIST", e.ErrCode);

                byte[] body = null;
                using (var listener = new NotificationListener(b => WxPay.NotificationReply(sandbox.ParsePaymentNotification(b).Paid)))
                {
                    string paid = sim.NextOrderNumber("sbx");
                    sandbox.Micropay(Payment(paid, PaysAtOnce, listener.Url));
                    NotificationListener.Received got = listener.Next(NotificationWait);
                    Assert.IsNotNull(got, "no sandbox notification");
                    Assert.IsNull(got.Failure, got.Failure == null ? "" : got.Failure.ToString());
                    body = got.Body;
                }
                Assert.IsTrue(sandbox.ParsePaymentNotification(body).Paid);
                // Signed with the sandbox key: the live client refuses it.
                Assert.Throws<WxPaySignatureException>(() => client.ParsePaymentNotification(body));
            }
        }

        private static string BeijingToday()
        {
            return DateTime.UtcNow.AddHours(8).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        }

        [Test]
        public void BillIsParsedIntoHeaderRowsAndSummary()
        {
            string no = sim.NextOrderNumber("bill");
            client.Micropay(Payment(no, PaysAtOnce));
            var request = new Dictionary<string, string> { { "bill_date", BeijingToday() }, { "bill_type", "ALL" } };

            WxPayBill bill = client.DownloadAndParseBill("pay/downloadbill", request);
            Assert.AreEqual("交易时间", bill.Details.Columns[0]);
            Assert.AreEqual(27, bill.Details.Columns.Count);
            Dictionary<string, string> row = bill.Details.ToRecords().Single(r => r["商户订单号"] == no);
            Assert.AreEqual("SUCCESS", row["交易状态"]);
            Assert.AreEqual("1.01", row["应结订单金额"]);
            Assert.AreEqual("总交易单数", bill.Summary.Columns[0]);
            Assert.AreEqual(1, bill.Summary.Rows.Count);
            Assert.AreEqual(bill.Details.Rows.Count.ToString(), bill.Summary.Rows[0][0]);

            // The same bill downloaded as bytes, plain and gzipped, parses to the same tables.
            WxPayBill plain = WxPay.ParseBill(client.DownloadBill(request));
            var gzipRequest = TestData.Copy(request);
            gzipRequest["tar_type"] = "GZIP";
            WxPayBill gzipped = WxPay.ParseBill(client.DownloadBill(gzipRequest));
            foreach (WxPayBill other in new[] { plain, gzipped })
            {
                CollectionAssert.AreEqual(bill.Details.Columns, other.Details.Columns);
                CollectionAssert.AreEqual(bill.Details.Rows, other.Details.Rows);
                CollectionAssert.AreEqual(bill.Summary.Rows, other.Summary.Rows);
            }
        }

        [Test]
        public void NotABillIsRefused()
        {
            Assert.AreEqual(601, Assert.Throws<WxPayProtocolException>(() => WxPay.ParseBill(Encoding.UTF8.GetBytes("hello\nworld\n"))).Code);
            string narrowRow = "a,b,c\n`1,`2\n总数,金额\n`1,`2\n";
            Assert.AreEqual(601, Assert.Throws<WxPayProtocolException>(() => WxPay.ParseBill(Encoding.UTF8.GetBytes(narrowRow))).Code);
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.ParseBill(null));
            var e = Assert.Throws<WxPayProtocolException>(() => client.DownloadAndParseBill("pay/downloadbill",
                new Dictionary<string, string> { { "bill_date", "20000101" } }));
            StringAssert.Contains("No Bill Exist", e.ReturnMsg ?? e.Message);
        }

        [Test]
        public void FlowsAfterDisposeAreRefused()
        {
            client.Dispose();
            Assert.Throws<ObjectDisposedException>(() => client.ParsePaymentNotification(new byte[] { 1 }));
            Assert.Throws<ObjectDisposedException>(() => client.ParseRefundNotification(new byte[] { 1 }));
            Assert.Throws<ObjectDisposedException>(() => client.PayParams(WxPayPayKind.App, "wx201410272009395522657a690389285100"));
            Assert.Throws<ObjectDisposedException>(() => client.MicropayFlow(Payment("x", PaysAtOnce)));
            Assert.Throws<ObjectDisposedException>(() => client.DownloadAndParseBill("pay/downloadbill",
                new Dictionary<string, string> { { "bill_date", BeijingToday() } }));
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>Making clients: options the library refuses, certificates, dispose. No network.</summary>
    [TestFixture]
    public class ClientOptionsTests
    {
        private static WxPayClientOptions Minimal()
        {
            return new WxPayClientOptions { AppId = "wx2421b1c4370ec43b", MchId = "1900000109", ApiKey = TestData.DocKey, Host = "https://127.0.0.1:9" };
        }

        [Test]
        public void MaxFieldsLimitsANotification()
        {
            var fields = new Dictionary<string, string>
            {
                { "return_code", "SUCCESS" }, { "result_code", "SUCCESS" }, { "appid", "wx2421b1c4370ec43b" },
                { "mch_id", "1900000109" }, { "nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS" },
            };
            for (int i = 0; i < 7; i++)
            {
                fields["attach_" + i] = "x";
            }
            fields["sign"] = WxPay.Sign(fields, TestData.DocKey);
            string body = WxPay.BuildXml(fields);
            // 13 fields: accepted at 13, refused at 12 with its own code.
            WxPayClientOptions o = Minimal();
            o.MaxFields = 13;
            using (var client = new WxPayClient(o))
            {
                Assert.IsTrue(client.ParsePaymentNotification(body).Paid);
            }
            o.MaxFields = 12;
            using (var client = new WxPayClient(o))
            {
                var e = Assert.Throws<WxPayXmlException>(() => client.ParsePaymentNotification(body));
                Assert.AreEqual("WXPAY_RESULT_XML_TOO_MANY_FIELDS", e.CodeName);
                StringAssert.Contains("more than 12 fields", e.Message);
            }
        }

        private static T Refused<T>(WxPayClientOptions options) where T : WxPayException
        {
            return Assert.Throws<T>(() => new WxPayClient(options).Dispose());
        }

        [Test]
        public void AClientNeedsNoMoreThanMerchantIdAndKey()
        {
            using (var client = new WxPayClient(Minimal()))
            {
                Assert.IsFalse(client.IsDisposed);
            }
        }

        [Test]
        public void NullOptionsAreRefused()
        {
            var e = Assert.Throws<WxPayInvalidInputException>(() => new WxPayClient(null));
            Assert.AreEqual(100, e.Code);
        }

        [Test]
        public void MissingMerchantIdOrKeyIsRefusedByTheLibrary()
        {
            WxPayClientOptions noMch = Minimal();
            noMch.MchId = null;
            StringAssert.Contains("mch_id", Refused<WxPayInvalidInputException>(noMch).Message);
            WxPayClientOptions noKey = Minimal();
            noKey.ApiKey = null;
            Assert.AreEqual("WXPAY_RESULT_INVALID_ARGUMENT", Refused<WxPayInvalidInputException>(noKey).CodeName);
        }

        [TestCase("short")]
        [TestCase("192006250b4c09247ec02edce69f6a2d0")]
        [TestCase("192006250b4c09247ec02edce69f6a-d")]
        [TestCase("")]
        public void ABadKeyIsRefusedWithoutBeingQuoted(string key)
        {
            WxPayClientOptions o = Minimal();
            o.ApiKey = key;
            var e = Refused<WxPayInvalidInputException>(o);
            Assert.AreEqual("WXPAY_RESULT_INVALID_KEY", e.CodeName);
            if (key.Length > 0)
            {
                StringAssert.DoesNotContain(key, e.Message);
            }
        }

        [Test]
        public void AKeyWithANulIsRefusedWithoutBeingQuoted()
        {
            WxPayClientOptions o = Minimal();
            o.ApiKey = "192006250b4c0924\07ec02edce69f6a2d";
            var e = Refused<WxPayInvalidInputException>(o);
            Assert.AreEqual("WXPAY_RESULT_EMBEDDED_NUL", e.CodeName);
            StringAssert.DoesNotContain("192006250b4c0924", e.Message);
        }

        [Test]
        public void ALoneSurrogateInAnOptionIsRefused()
        {
            WxPayClientOptions o = Minimal();
            o.AppId = "wx\ud800";
            Assert.AreEqual("WXPAY_RESULT_INVALID_UTF8", Refused<WxPayInvalidInputException>(o).CodeName);
        }

        [Test]
        public void BadOptionValuesAreRefusedByTheLibrary()
        {
            var cases = new List<Action<WxPayClientOptions>>
            {
                o => o.Host = "ftp://example",
                o => o.BackupHost = "http://127.0.0.1:1",
                o => o.Proxy = "ftp://127.0.0.1:1",
                o => o.Timeout = TimeSpan.Zero,
                o => o.ConnectTimeout = TimeSpan.FromSeconds(-1),
                o => o.Failover = (WxPayFailover)7,
                o => o.MaxResponseSize = -1,
                o => o.MaxFields = 0,
            };
            foreach (Action<WxPayClientOptions> change in cases)
            {
                WxPayClientOptions o = Minimal();
                change(o);
                Assert.AreEqual(1, Refused<WxPayInvalidInputException>(o).Code / 100);
            }
            WxPayClientOptions badSignType = Minimal();
            badSignType.SignType = (SignType)9;
            Assert.AreEqual(1, Refused<WxPayInvalidInputException>(badSignType).Code / 100);
        }

        [Test]
        public void EveryOptionIsAcceptedWithAGoodValue()
        {
            var o = new WxPayClientOptions
            {
                AppId = "wx2421b1c4370ec43b",
                MchId = "1900000109",
                ApiKey = TestData.DocKey,
                SignType = SignType.HmacSha256,
                SubAppId = "wx0000000000000001",
                SubMchId = "1900000110",
                Host = "apihk",
                BackupHost = "api",
                Proxy = "http://user:secret@127.0.0.1:3128",
                Failover = WxPayFailover.OnNoResponse,
                // A fraction of a millisecond is rounded up, not down to the refused 0.
                ConnectTimeout = TimeSpan.FromTicks(2000),
                Timeout = TimeSpan.FromSeconds(3),
                MaxResponseSize = 4096,
                MaxDownloadSize = 1 << 20,
                KeepAlive = false,
                LogLevel = WxPayLogLevel.Debug,
                Log = (level, message) => { },
            };
            using (new WxPayClient(o))
            {
            }
            o.SignType = SignType.Md5;
            o.Failover = WxPayFailover.Never;
            o.Host = "https://127.0.0.1:8443/base/";
            using (new WxPayClient(o))
            {
            }
            o.Failover = WxPayFailover.OnConnectError;
            o.KeepAlive = true;
            using (new WxPayClient(o))
            {
            }
        }

        [Test]
        public void TwoCertificateSourcesAreRefused()
        {
            WxPayClientOptions o = Minimal();
            o.P12 = new byte[] { 1 };
            o.P12Path = "/nonexistent.p12";
            StringAssert.Contains("one certificate source", Refused<WxPayInvalidInputException>(o).Message);
            WxPayClientOptions half = Minimal();
            half.CertPem = "-----BEGIN CERTIFICATE-----";
            StringAssert.Contains("KeyPem", Refused<WxPayInvalidInputException>(half).Message);
            WxPayClientOptions halfFiles = Minimal();
            halfFiles.KeyPemPath = "/k.pem";
            StringAssert.Contains("CertPemPath", Refused<WxPayInvalidInputException>(halfFiles).Message);
            WxPayClientOptions twoCas = Minimal();
            twoCas.RootCaPath = "/ca.pem";
            twoCas.RootCaPem = "x";
            StringAssert.Contains("RootCaPem", Refused<WxPayInvalidInputException>(twoCas).Message);
        }

        [Test]
        public void UnreadableCertificateFilesAreCertificateErrors()
        {
            WxPayClientOptions p12 = Minimal();
            p12.P12Path = "/nonexistent/apiclient_cert.p12";
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_FILE", Refused<WxPayCertificateException>(p12).CodeName);
            WxPayClientOptions pem = Minimal();
            pem.CertPemPath = "/nonexistent/apiclient_cert.pem";
            pem.KeyPemPath = "/nonexistent/apiclient_key.pem";
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_FILE", Refused<WxPayCertificateException>(pem).CodeName);
            WxPayClientOptions ca = Minimal();
            ca.RootCaPath = "/nonexistent/rootca.pem";
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_FILE", Refused<WxPayCertificateException>(ca).CodeName);
        }

        [Test]
        public void CorruptCertificatesAreCertificateErrors()
        {
            WxPayClientOptions p12 = Minimal();
            p12.P12 = new byte[] { 0x30, 0x82, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef };
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_CORRUPT", Refused<WxPayCertificateException>(p12).CodeName);
            WxPayClientOptions pem = Minimal();
            pem.CertPem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
            pem.KeyPem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
            Assert.AreEqual(4, Refused<WxPayCertificateException>(pem).Code / 100);
            WxPayClientOptions ca = Minimal();
            ca.RootCaPem = "not a certificate";
            Assert.AreEqual(4, Refused<WxPayCertificateException>(ca).Code / 100);
        }

        [Test]
        public void DisposeTwiceIsHarmlessAndUseAfterDisposeThrows()
        {
            var client = new WxPayClient(Minimal());
            client.Dispose();
            Assert.IsTrue(client.IsDisposed);
            client.Dispose();
            Assert.IsTrue(client.IsDisposed);
            var fields = new Dictionary<string, string> { { "out_trade_no", "1" } };
            var e = Assert.Throws<ObjectDisposedException>(() => client.Request("pay/orderquery", fields));
            Assert.AreEqual("WxPayClient", e.ObjectName);
            Assert.Throws<ObjectDisposedException>(() => client.Download("pay/downloadbill", fields));
            Assert.Throws<ObjectDisposedException>(() => client.OrderQuery(fields));
            Assert.Throws<ObjectDisposedException>(() => client.DownloadBill(fields));
        }

        [Test]
        public void RequestsRefusedBeforeAnyNetworkIO()
        {
            // The host is a closed port: every refusal below happens before a connection is tried.
            using (var client = new WxPayClient(Minimal()))
            {
                var order = new Dictionary<string, string> { { "out_trade_no", "1" } };
                Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => client.Request(null, order)).Code);
                Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => client.Request("pay/orderquery", null)).Code);
                Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => client.Download(null, order)).Code);
                Assert.AreEqual("WXPAY_RESULT_EMBEDDED_NUL",
                    Assert.Throws<WxPayInvalidInputException>(() => client.Request("pay/order\0query", order)).CodeName);
                Assert.AreEqual("WXPAY_RESULT_INVALID_UTF8",
                    Assert.Throws<WxPayInvalidInputException>(() => client.Request("pay/orderquery",
                        new Dictionary<string, string> { { "out_trade_no", "\udc00" } })).CodeName);
                Assert.AreEqual("WXPAY_RESULT_NULL_ARGUMENT",
                    Assert.Throws<WxPayInvalidInputException>(() => client.Request("pay/orderquery",
                        new Dictionary<string, string> { { "out_trade_no", null } })).CodeName);
                Assert.AreEqual("WXPAY_RESULT_EMBEDDED_NUL",
                    Assert.Throws<WxPayInvalidInputException>(() => client.Request("pay/orderquery",
                        new Dictionary<string, string> { { "out_trade_no", "a\0b" } })).CodeName);
                Assert.AreEqual("WXPAY_RESULT_MISSING_FIELD",
                    Assert.Throws<WxPayInvalidInputException>(() => client.UnifiedOrder(order)).CodeName);
                Assert.AreEqual("WXPAY_RESULT_CONFLICTING_FIELD",
                    Assert.Throws<WxPayInvalidInputException>(() => client.OrderQuery(
                        new Dictionary<string, string> { { "out_trade_no", "1" }, { "sign", "X" } })).CodeName);
                Assert.AreEqual("WXPAY_RESULT_CONFLICTING_FIELD",
                    Assert.Throws<WxPayInvalidInputException>(() => client.OrderQuery(
                        new Dictionary<string, string> { { "out_trade_no", "1" }, { "mch_id", "1" } })).CodeName);
                Assert.AreEqual("WXPAY_RESULT_INVALID_ARGUMENT",
                    Assert.Throws<WxPayInvalidInputException>(() => client.Request("https://evil.example/pay/orderquery", order)).CodeName);
                Assert.AreEqual("WXPAY_RESULT_INVALID_ARGUMENT",
                    Assert.Throws<WxPayInvalidInputException>(() => client.Request("pay/downloadbill",
                        new Dictionary<string, string> { { "bill_date", "20261124" } })).CodeName);
            }
        }

        [Test]
        public void CertificateEndpointsWithoutCertificateFailBeforeConnecting()
        {
            using (var client = new WxPayClient(Minimal()))
            {
                var refund = new Dictionary<string, string>
                {
                    { "out_trade_no", "1" }, { "out_refund_no", "r1" }, { "total_fee", "1" }, { "refund_fee", "1" },
                };
                var e = Assert.Throws<WxPayCertificateException>(() => client.Refund(refund));
                Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_REQUIRED", e.CodeName);
                Assert.Throws<WxPayCertificateException>(() => client.Reverse(new Dictionary<string, string> { { "out_trade_no", "1" } }));
                Assert.Throws<WxPayCertificateException>(() => client.DownloadFundFlow(
                    new Dictionary<string, string> { { "bill_date", "20261124" }, { "account_type", "Basic" } }));
                Assert.Throws<WxPayCertificateException>(() => client.Transfers(new Dictionary<string, string>
                {
                    { "partner_trade_no", "t1" }, { "openid", "o" }, { "check_name", "NO_CHECK" }, { "amount", "100" },
                    { "desc", "d" }, { "spbill_create_ip", "127.0.0.1" },
                }));
            }
        }

        [Test]
        public void EndpointInfoReadsTheLibrarysTable()
        {
            WxPayEndpoint refund = WxPayClient.EndpointInfo("secapi/pay/refund");
            Assert.AreEqual(WxPayEndpointMatch.Exact, refund.Match);
            Assert.IsTrue(refund.CertificateRequired);
            Assert.IsTrue(refund.SignedResponse);
            Assert.IsFalse(refund.ReturnsBytes);
            Assert.IsFalse(refund.Sandbox);
            Assert.IsTrue(refund.Md5);
            Assert.IsTrue(refund.HmacSha256);
            Assert.IsTrue(refund.SendsSignType);
            Assert.IsTrue(refund.SubIds);
            Assert.AreEqual("appid", refund.AppIdField);
            Assert.AreEqual("mch_id", refund.MchIdField);
            CollectionAssert.AreEqual(new[] { "out_refund_no", "total_fee", "refund_fee" }, refund.RequiredFields);
            CollectionAssert.AreEqual(new[] { "transaction_id", "out_trade_no" }, refund.OneOfFields);

            WxPayEndpoint fundFlow = WxPayClient.EndpointInfo("/pay/downloadfundflow");
            Assert.IsTrue(fundFlow.ReturnsBytes);
            Assert.IsFalse(fundFlow.Md5);
            Assert.IsTrue(fundFlow.HmacSha256);
            CollectionAssert.IsEmpty(fundFlow.OneOfFields);

            WxPayEndpoint transfers = WxPayClient.EndpointInfo("mmpaymkttransfers/promotion/transfers");
            Assert.AreEqual("mch_appid", transfers.AppIdField);
            Assert.AreEqual("mchid", transfers.MchIdField);

            WxPayEndpoint sandbox = WxPayClient.EndpointInfo("xdc/apiv2sandbox/pay/orderquery");
            Assert.IsTrue(sandbox.Sandbox);

            Assert.AreEqual(WxPayEndpointMatch.Family, WxPayClient.EndpointInfo("secapi/pay/somethingnew").Match);
            WxPayEndpoint unknown = WxPayClient.EndpointInfo("pay/notinthetable");
            Assert.AreEqual(WxPayEndpointMatch.Unknown, unknown.Match);
            Assert.IsFalse(unknown.CertificateRequired);
        }

        [Test]
        public void EndpointInfoRefusesWhatIsNotAPath()
        {
            Assert.AreEqual("WXPAY_RESULT_INVALID_ARGUMENT",
                Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.EndpointInfo("https://api.mch.weixin.qq.com/pay/x")).CodeName);
            Assert.AreEqual("WXPAY_RESULT_INVALID_ARGUMENT",
                Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.EndpointInfo("pay/../x")).CodeName);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.EndpointInfo(null)).Code);
            Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.EndpointInfo("pay/\0x")).Code);
            StringAssert.Contains("xdc/apiv2sandbox/",
                Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.EndpointInfo("sandboxnew/pay/orderquery")).Message);
        }

        [Test]
        public void ErrCodeRetryFollowsTheEndpoint()
        {
            Assert.AreEqual(WxPayRetry.Retryable, WxPayClient.ErrCodeRetry("pay/micropay", "USERPAYING"));
            Assert.AreEqual(WxPayRetry.Retryable, WxPayClient.ErrCodeRetry("/secapi/pay/refund", "SYSTEMERROR"));
            Assert.AreEqual(WxPayRetry.Final, WxPayClient.ErrCodeRetry("secapi/pay/refund", "NOTENOUGH"));
            Assert.AreEqual(WxPayRetry.Retryable, WxPayClient.ErrCodeRetry("secapi/pay/profitsharing", "ORDER_NOT_READY"));
            Assert.AreEqual(WxPayRetry.Unknown, WxPayClient.ErrCodeRetry("pay/unifiedorder", "USERPAYING"));
            Assert.AreEqual(WxPayRetry.Unknown, WxPayClient.ErrCodeRetry("pay/unifiedorder", "NEW_CODE"));
            Assert.AreEqual(101, Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.ErrCodeRetry("pay/../x", "SYSTEMERROR")).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.ErrCodeRetry("pay/micropay", null)).Code);
            Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(() => WxPayClient.ErrCodeRetry("pay/micropay", "A\0B")).Code);
        }

        [Test]
        public void TraceSourceIsNamedWxPay()
        {
            Assert.AreEqual("WxPay", WxPayClient.TraceSource.Name);
        }

        [Test]
        public void OptionsDefaults()
        {
            var o = new WxPayClientOptions();
            Assert.AreEqual(WxPayLogLevel.Info, o.LogLevel);
            Assert.AreEqual(SignType.Auto, o.SignType);
            Assert.IsNull(o.Failover);
            Assert.IsNull(o.Timeout);
            Assert.IsNull(o.P12Password);
            Assert.IsNull(o.KeepAlive);
        }

        [Test]
        public void EmptyP12IsCorrupt()
        {
            WxPayClientOptions o = Minimal();
            o.P12 = new byte[0];
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_CORRUPT", Refused<WxPayCertificateException>(o).CodeName);
        }

        [Test]
        public void WrongP12FileContentsNamedByPath()
        {
            string path = Path.GetTempFileName();
            try
            {
                File.WriteAllText(path, "this is not a p12");
                WxPayClientOptions o = Minimal();
                o.P12Path = path;
                Assert.AreEqual(4, Refused<WxPayCertificateException>(o).Code / 100);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}

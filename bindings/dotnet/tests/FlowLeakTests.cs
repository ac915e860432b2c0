using System.Collections.Generic;
using System.IO;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>
    /// Native memory of the flow and certificate results comes back (glibc's count, as in
    /// <see cref="LeakTests"/>): notification fields (a 2 KB attach makes each set over 2 KB), refund
    /// failures, pay parameters, bill tables (the bill is over 9 KB) and certificate fields; rounds
    /// are sized so that one missed free per call would pass the 4 MB limit.
    /// </summary>
    [TestFixture]
    public class FlowLeakTests
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
            client.Dispose();
        }

        private static string Notification()
        {
            var fields = new Dictionary<string, string>
            {
                { "return_code", "SUCCESS" }, { "result_code", "SUCCESS" }, { "appid", Simulator.AppId },
                { "mch_id", Simulator.MchId }, { "nonce_str", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS" },
                { "openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" }, { "trade_type", "NATIVE" }, { "bank_type", "CFT" },
                { "total_fee", "101" }, { "cash_fee", "101" }, { "transaction_id", "4200000000000000000000000001" },
                { "out_trade_no", "leak-notify" }, { "time_end", "20261124120000" }, { "attach", new string('a', 2048) },
            };
            fields["sign"] = WxPay.Sign(fields, Simulator.Key);
            return WxPay.BuildXml(fields);
        }

        [Test]
        public void NotificationsAreFreed()
        {
            byte[] body = System.Text.Encoding.UTF8.GetBytes(Notification());
            Assert.IsTrue(client.ParsePaymentNotification(body).Paid);
            LeakTests.AssertNoGrowth("ParsePaymentNotification", 5000, () => client.ParsePaymentNotification(body));
            byte[] forged = System.Text.Encoding.UTF8.GetBytes(Notification().Replace("101", "102"));
            LeakTests.AssertNoGrowth("forged notification", 5000,
                () => Assert.Throws<WxPaySignatureException>(() => client.ParsePaymentNotification(forged)));
            LeakTests.AssertNoGrowth("NotificationReply", 5000, () => WxPay.NotificationReply(false, new string('m', 1000)));
        }

        [Test]
        public void PayParamsAreFreed()
        {
            string prepayId = "wx" + new string('1', 1000);
            LeakTests.AssertNoGrowth("PayParams", 5000, () => client.PayParams(WxPayPayKind.Jsapi, prepayId));
        }

        [Test]
        public void BillTablesAreFreed()
        {
            for (int i = 0; i < 10; i++)
            {
                client.Micropay(new Dictionary<string, string>
                {
                    { "body", new string('账', 300) }, { "out_trade_no", sim.NextOrderNumber("lbill") }, { "total_fee", "1" },
                    { "spbill_create_ip", "127.0.0.1" }, { "auth_code", "130012345678901234" },
                });
            }
            var request = new Dictionary<string, string> { { "bill_date", System.DateTime.UtcNow.AddHours(8).ToString("yyyyMMdd") } };
            byte[] bill = client.DownloadBill(request);
            Assert.That(bill.Length, Is.GreaterThan(9000));
            LeakTests.AssertNoGrowth("ParseBill", 3000, () => WxPay.ParseBill(bill));
        }

        [Test]
        public void CertificateFieldsAreFreed()
        {
            byte[] pem = File.ReadAllBytes(sim.CertPem);
            LeakTests.AssertNoGrowth("CertInfo", 10000, () => WxPay.CertInfo(pem));
            LeakTests.AssertNoGrowth("CertStatus", 10000, () => client.CertStatus());
        }
    }
}

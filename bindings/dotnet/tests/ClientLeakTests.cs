using System.Collections.Generic;
using System.IO;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>
    /// Native memory of clients, responses, bills and failures comes back (glibc's count, as in
    /// <see cref="LeakTests"/>). Rounds are sized so that one missed _free per round would pass the
    /// 4 MB limit several times over: a response set is over 1 KB, a bill over 9 KB, a client with its
    /// certificate and TLS context about 1 MB (measured with the _free calls removed: 110 MB over 100 clients).
    /// </summary>
    [TestFixture]
    public class ClientLeakTests
    {
        private Simulator sim;
        private WxPayClient client;
        private string paid;

        [SetUp]
        public void Start()
        {
            sim = Simulator.Shared;
            client = new WxPayClient(sim.OptionsWithP12());
            paid = sim.NextOrderNumber("leak");
            client.Micropay(new Dictionary<string, string>
            {
                { "body", new string('b', 100) }, { "out_trade_no", paid }, { "total_fee", "1" },
                { "spbill_create_ip", "127.0.0.1" }, { "auth_code", "130012345678901234" },
            });
        }

        [TearDown]
        public void Stop()
        {
            if (client != null)
            {
                client.Dispose();
            }
        }

        [Test]
        public void ResponsesAreFreed()
        {
            var query = new Dictionary<string, string> { { "out_trade_no", paid } };
            LeakTests.AssertNoGrowth("Request", 5000, () => client.OrderQuery(query));
        }

        [Test]
        public void BillsAreFreed()
        {
            // A bill of some kilobytes: one row per order paid today, the body in each.
            for (int i = 0; i < 10; i++)
            {
                client.Micropay(new Dictionary<string, string>
                {
                    { "body", new string('账', 300) }, { "out_trade_no", sim.NextOrderNumber("bill") }, { "total_fee", "1" },
                    { "spbill_create_ip", "127.0.0.1" }, { "auth_code", "130012345678901234" },
                });
            }
            var bill = new Dictionary<string, string> { { "bill_date", System.DateTime.UtcNow.AddHours(8).ToString("yyyyMMdd") } };
            Assert.That(client.DownloadBill(bill).Length, Is.GreaterThan(9000));
            LeakTests.AssertNoGrowth("Download", 3000, () => client.DownloadBill(bill));
        }

        [Test]
        public void FailuresAndTheirResponsesAreFreed()
        {
            var missing = new Dictionary<string, string> { { "out_trade_no", "never-placed" } };
            LeakTests.AssertNoGrowth("Request failure", 5000,
                () => Assert.Throws<WxPayBusinessException>(() => client.OrderQuery(missing)));
        }

        [Test]
        public void ClientsAreFreedByDisposeAndByTheFinalizer()
        {
            byte[] p12 = File.ReadAllBytes(sim.P12);
            WxPayClientOptions o = sim.Options();
            o.P12 = p12;
            o.Log = (level, message) => { };
            LeakTests.AssertNoGrowth("WxPayClient.Dispose", 50, () => new WxPayClient(o).Dispose(), 5);
            LeakTests.AssertNoGrowth("WxPayClient finalizer", 50, () => new WxPayClient(o).IsDisposed.ToString(), 5);
        }
    }
}

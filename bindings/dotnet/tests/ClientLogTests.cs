using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>The library's log, routed to the "WxPay" trace source and the user's callback; secrets never in it.</summary>
    [TestFixture]
    public class ClientLogTests
    {
        private sealed class Collector : TraceListener
        {
            internal readonly List<string> Lines = new List<string>();

            public override void Write(string message)
            {
                lock (Lines)
                {
                    Lines.Add(message);
                }
            }

            public override void WriteLine(string message)
            {
                Write(message);
            }
        }

        private Simulator sim;
        private Collector trace;
        private SourceLevels savedLevel;

        [SetUp]
        public void Listen()
        {
            sim = Simulator.Shared;
            trace = new Collector();
            savedLevel = WxPayClient.TraceSource.Switch.Level;
            WxPayClient.TraceSource.Listeners.Add(trace);
        }

        [TearDown]
        public void StopListening()
        {
            WxPayClient.TraceSource.Listeners.Remove(trace);
            WxPayClient.TraceSource.Switch.Level = savedLevel;
        }

        private static Dictionary<string, string> Query(string no)
        {
            return new Dictionary<string, string> { { "out_trade_no", no } };
        }

        [Test]
        public void UserCallbackGetsLevelsAndMessages()
        {
            var seen = new List<KeyValuePair<WxPayLogLevel, string>>();
            WxPayClientOptions o = sim.OptionsWithP12();
            o.LogLevel = WxPayLogLevel.Debug;
            o.Log = (level, message) =>
            {
                lock (seen)
                {
                    seen.Add(new KeyValuePair<WxPayLogLevel, string>(level, message));
                }
            };
            using (var client = new WxPayClient(o))
            {
                client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber()));
                Assert.Throws<WxPayBusinessException>(() => client.OrderQuery(Query("never-placed")));
            }
            Assert.That(seen.Any(e => e.Key == WxPayLogLevel.Info && e.Value.Contains("certificate loaded")), string.Join("\n", seen));
            Assert.That(seen.Any(e => e.Key == WxPayLogLevel.Info && e.Value.Contains("pay/unifiedorder: SUCCESS")));
            Assert.That(seen.Any(e => e.Key == WxPayLogLevel.Debug && e.Value.Contains("pay/unifiedorder")));
            Assert.That(seen.Any(e => e.Value.Contains("pay/orderquery") && e.Value.Contains("failed")));
        }

        [Test]
        public void LevelFiltersTheCallback()
        {
            var seen = new List<WxPayLogLevel>();
            WxPayClientOptions o = sim.Options();
            o.LogLevel = WxPayLogLevel.Warn;
            o.Log = (level, message) =>
            {
                lock (seen)
                {
                    seen.Add(level);
                }
            };
            using (var client = new WxPayClient(o))
            {
                client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber()));
                Dictionary<string, string> bad = Simulator.Order(sim.NextOrderNumber());
                bad["attach"] = "sim:fault=http500";
                Assert.Throws<WxPayTransportException>(() => client.UnifiedOrder(bad));
            }
            CollectionAssert.IsNotEmpty(seen);
            Assert.That(seen, Has.All.LessThanOrEqualTo(WxPayLogLevel.Warn));
        }

        [Test]
        public void TraceSourceReceivesTheLogWhenSwitchedOn()
        {
            WxPayClient.TraceSource.Switch.Level = SourceLevels.Information;
            using (var client = new WxPayClient(sim.Options()))
            {
                client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber()));
            }
            lock (trace.Lines)
            {
                Assert.That(trace.Lines.Any(l => l.Contains("pay/unifiedorder: SUCCESS")), string.Join("\n", trace.Lines));
            }
        }

        [Test]
        public void NoCallbackIsInstalledWhenNobodyListens()
        {
            WxPayClient.TraceSource.Switch.Level = SourceLevels.Off;
            using (var client = new WxPayClient(sim.Options()))
            {
                client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber()));
            }
            CollectionAssert.IsEmpty(trace.Lines);
        }

        [Test]
        public void AThrowingCallbackDoesNotBreakTheRequest()
        {
            WxPayClient.TraceSource.Switch.Level = SourceLevels.Error;
            WxPayClientOptions o = sim.Options();
            o.Log = (level, message) => { throw new InvalidOperationException("callback bug"); };
            using (var client = new WxPayClient(o))
            {
                Assert.AreEqual("SUCCESS", client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber()))["result_code"]);
            }
            lock (trace.Lines)
            {
                Assert.That(trace.Lines.Any(l => l.Contains("callback bug")), string.Join("\n", trace.Lines));
            }
        }

        [Test]
        public void SecretsNeverReachTheLog()
        {
            // A .p12 with a password of its own, so that the password is distinguishable from the merchant ID.
            const string password = "Secret-P12-Pa55-7f3a9c";
            string p12 = Path.Combine(sim.Dir, "dotnet_secret.p12");
            var openssl = Process.Start(new ProcessStartInfo("openssl",
                "pkcs12 -export -in " + sim.CertPem + " -inkey " + sim.KeyPkcs8 + " -out " + p12 + " -passout pass:" + password)
            {
                UseShellExecute = false,
            });
            openssl.WaitForExit();
            Assert.AreEqual(0, openssl.ExitCode, "openssl pkcs12 -export failed");

            var all = new List<string>();
            WxPayClient.TraceSource.Switch.Level = SourceLevels.All;
            WxPayClientOptions o = sim.Options();
            o.P12Path = p12;
            o.P12Password = password;
            o.LogLevel = WxPayLogLevel.Debug;
            o.Log = (level, message) =>
            {
                lock (all)
                {
                    all.Add(message);
                }
            };
            var failures = new List<string>();
            using (var client = new WxPayClient(o))
            {
                string no = sim.NextOrderNumber();
                client.UnifiedOrder(Simulator.Order(no));
                foreach (string fault in new[] { "badsign", "nosign", "returnfail", "systemerror", "garbled", "http500", "reset" })
                {
                    Dictionary<string, string> order = Simulator.Order(sim.NextOrderNumber());
                    order["attach"] = "sim:fault=" + fault;
                    failures.Add(Assert.Throws(Is.InstanceOf<WxPayException>(), () => client.UnifiedOrder(order)).Message);
                }
                failures.Add(Assert.Throws<WxPayBusinessException>(() => client.Refund(new Dictionary<string, string>
                {
                    { "out_trade_no", no }, { "out_refund_no", no + "r" }, { "total_fee", "101" }, { "refund_fee", "101" },
                })).Message);
            }
            o.P12Password = password + "x";
            failures.Add(Assert.Throws<WxPayCertificateException>(() => new WxPayClient(o).Dispose()).Message);
            o.P12Password = password;
            o.ApiKey = "Secret0Key1Never2In3Logs4Ever567";
            using (var client = new WxPayClient(o))
            {
                failures.Add(Assert.Throws<WxPayProtocolException>(() => client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber()))).Message);
            }

            lock (all)
            {
                Assert.That(all.Count, Is.GreaterThan(10));
                List<string> everything = all.Concat(trace.Lines).Concat(failures).ToList();
                foreach (string secret in new[] { Simulator.Key, password, "Secret0Key1Never2In3Logs4Ever567", "Pa55" })
                {
                    foreach (string line in everything)
                    {
                        StringAssert.DoesNotContain(secret, line);
                        StringAssert.DoesNotContain(secret.ToUpperInvariant(), line.ToUpperInvariant());
                    }
                }
            }
        }
    }
}

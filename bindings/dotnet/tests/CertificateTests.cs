using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>
    /// Certificate inspection, expiry, permissions and reloading (issue #8), on certificates made
    /// by the openssl command line tool for each test; openssl is the oracle for what they hold.
    /// </summary>
    [TestFixture]
    public class CertificateTests
    {
        private const string MchId = Simulator.MchId;
        private const string Key = Simulator.Key;

        // Requests to certificate endpoints with an expired certificate are refused before any
        // I/O, so nothing listens here; a test that reached the network would fail to connect.
        private const string NowhereHost = "https://127.0.0.1:9";

        private CertFactory certs;

        [SetUp]
        public void MakeDirectory()
        {
            certs = new CertFactory();
        }

        [TearDown]
        public void RemoveDirectory()
        {
            certs.Dispose();
        }

        private WxPayClientOptions Options(string p12Path, List<KeyValuePair<WxPayLogLevel, string>> log = null)
        {
            var options = new WxPayClientOptions { MchId = MchId, ApiKey = Key, Host = NowhereHost, P12Path = p12Path };
            if (log != null)
            {
                options.Log = (level, message) =>
                {
                    lock (log)
                    {
                        log.Add(new KeyValuePair<WxPayLogLevel, string>(level, message));
                    }
                };
                options.LogLevel = WxPayLogLevel.Debug;
            }
            return options;
        }

        [Test]
        public void P12FileInfoAgreesWithOpenssl()
        {
            CertFactory.Made made = certs.Valid(MchId, 365, "7A3F01");
            string p12 = certs.P12(made, "p12-secret", "apiclient_cert.p12");

            WxPayCertInfo info = WxPay.CertInfo(p12, null, "p12-secret");

            Assert.AreEqual(MchId, info.SubjectCn);
            Assert.AreEqual(MchId, info.MerchantId);
            Assert.AreEqual(MchId, info.IssuerCn);
            Assert.AreEqual("unknown", info.IssuerKind);
            Assert.AreEqual(CertFactory.OpensslField(made.CertPath, "-serial").ToUpperInvariant(), info.Serial);
            Assert.AreEqual("7A3F01", info.Serial);
            Assert.AreEqual(CertFactory.OpensslField(made.CertPath, "-fingerprint", "-sha256"), info.Sha256Fingerprint);
            Assert.AreEqual("RSA", info.KeyType);
            Assert.AreEqual(2048, info.KeyBits);
            Assert.AreEqual(true, info.KeyMatches, "a .p12 carries its own key");
            Assert.AreEqual(WxPayCertExpiry.Valid, info.Expiry);
            Assert.AreEqual(365, info.DaysUntilExpiry);
            DateTimeOffset opensslEnd = DateTimeOffset.ParseExact(
                System.Text.RegularExpressions.Regex.Replace(CertFactory.OpensslField(made.CertPath, "-enddate"), " +", " "),
                "MMM d HH:mm:ss yyyy 'GMT'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal);
            Assert.AreEqual(opensslEnd, info.NotAfter);
            Assert.Less(info.NotBefore, DateTimeOffset.UtcNow);
            Assert.AreEqual(info.Fields["not_after_unix"], info.NotAfter.ToUnixTimeSeconds().ToString());
        }

        [Test]
        public void BytesAndPathGiveTheSameFacts()
        {
            CertFactory.Made made = certs.Valid("1230000109", 100, "01F0");
            WxPayCertInfo fromPath = WxPay.CertInfo(made.CertPath, made.KeyPath);
            WxPayCertInfo fromBytes = WxPay.CertInfo(File.ReadAllBytes(made.CertPath), File.ReadAllBytes(made.KeyPath));
            CollectionAssert.AreEqual(fromPath.Fields, fromBytes.Fields);
            Assert.AreEqual(true, fromPath.KeyMatches);
        }

        [Test]
        public void KeyOfAnotherCertificateIsReportedNotRefused()
        {
            CertFactory.Made made = certs.Valid(MchId, 100, "0A01");
            CertFactory.Made other = certs.Valid(MchId, 100, "0A02");
            Assert.AreEqual(false, WxPay.CertInfo(made.CertPath, other.KeyPath).KeyMatches);
            Assert.IsNull(WxPay.CertInfo(made.CertPath).KeyMatches, "no key given: unknown");
        }

        [Test]
        public void EcKeyAndNonMerchantName()
        {
            CertFactory.Made made = certs.Make("shop.example", DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(200), "0B01", "ec");
            WxPayCertInfo info = WxPay.CertInfo(made.CertPath, made.KeyPath);
            Assert.AreEqual("EC", info.KeyType);
            Assert.AreEqual(256, info.KeyBits);
            Assert.AreEqual("", info.MerchantId, "a CN that is not 8 to 10 digits is no merchant ID");
            Assert.AreEqual(true, info.KeyMatches);
        }

        [Test]
        public void WrongP12PasswordIs400AndNeverQuoted()
        {
            CertFactory.Made made = certs.Valid(MchId, 100, "0C01");
            string p12 = certs.P12(made, "right-Pa55word", "apiclient_cert.p12");
            var e = Assert.Throws<WxPayCertificateException>(() => WxPay.CertInfo(p12, null, "wrong-Pa55word"));
            Assert.AreEqual(400, e.Code);
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_PASSWORD", e.CodeName);
            StringAssert.DoesNotContain("Pa55word", e.Message);
            // No password at all: the empty one is tried, and refused the same way.
            Assert.AreEqual(400, Assert.Throws<WxPayCertificateException>(() => WxPay.CertInfo(p12)).Code);
        }

        [Test]
        public void CorruptCertificateIs401()
        {
            CertFactory.Made made = certs.Valid(MchId, 100, "0D01");
            string p12 = certs.P12(made, MchId, "apiclient_cert.p12");
            byte[] bytes = File.ReadAllBytes(p12);
            byte[] truncated = bytes.Take(bytes.Length / 2).ToArray();
            Assert.AreEqual(401, Assert.Throws<WxPayCertificateException>(() => WxPay.CertInfo(truncated, null, MchId)).Code);
            byte[] pem = File.ReadAllBytes(made.CertPath);
            byte[] broken = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(pem).Replace("MII", "###"));
            Assert.AreEqual(401, Assert.Throws<WxPayCertificateException>(() => WxPay.CertInfo(broken)).Code);
            Assert.AreEqual(401, Assert.Throws<WxPayCertificateException>(() => WxPay.CertInfo(Encoding.ASCII.GetBytes("hello"))).Code);
        }

        [Test]
        public void UnreadableFileIs405()
        {
            string missing = Path.Combine(certs.Dir, "no-such.p12");
            var e = Assert.Throws<WxPayCertificateException>(() => WxPay.CertInfo(missing));
            Assert.AreEqual(405, e.Code);
            Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_FILE", e.CodeName);
            StringAssert.Contains("no-such.p12", e.Message);
            CertFactory.Made made = certs.Valid(MchId, 100, "0E01");
            Assert.AreEqual(405, Assert.Throws<WxPayCertificateException>(() => WxPay.CertInfo(made.CertPath, missing)).Code);
        }

        [Test]
        public void BadArgumentsAreInvalidInput()
        {
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.CertInfo((string)null));
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.CertInfo((byte[])null));
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.CertInfo(new byte[0]));
            CertFactory.Made made = certs.Valid(MchId, 100, "0F01");
            byte[] cert = File.ReadAllBytes(made.CertPath);
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.CertInfo(cert, new byte[0]));
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.CertInfo(cert, null, "pass\0word"));
        }

        [Test]
        public void ExpiringCertificateIsWarnedAtCreation()
        {
            CertFactory.Made made = certs.Valid(MchId, 30, "1001");
            string p12 = certs.P12(made, MchId, "apiclient_cert.p12");
            Assert.AreEqual(WxPayCertExpiry.Expiring, WxPay.CertInfo(p12, null, MchId).Expiry);
            var log = new List<KeyValuePair<WxPayLogLevel, string>>();
            using (var client = new WxPayClient(Options(p12, log)))
            {
                string warning = client.CertStatus().Warning;
                StringAssert.Contains("expires in 30 days", warning);
                Assert.That(log, Has.Some.EqualTo(new KeyValuePair<WxPayLogLevel, string>(WxPayLogLevel.Warn, warning)));
                Assert.AreEqual(WxPayCertExpiry.Expiring, client.CertStatus().Certificate.Expiry);
            }
        }

        [Test]
        public void ExpiredCertificateRefusesCertificateEndpointsWith406()
        {
            CertFactory.Made made = certs.Make(MchId, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                new DateTime(2020, 2, 1, 0, 0, 0, DateTimeKind.Utc), "1101");
            string p12 = certs.P12(made, MchId, "apiclient_cert.p12");
            WxPayCertInfo info = WxPay.CertInfo(p12, null, MchId);
            Assert.AreEqual(WxPayCertExpiry.Expired, info.Expiry);
            Assert.Less(info.DaysUntilExpiry, 0);

            var log = new List<KeyValuePair<WxPayLogLevel, string>>();
            using (var client = new WxPayClient(Options(p12, log)))
            {
                Assert.That(log.Where(m => m.Key == WxPayLogLevel.Error).Select(m => m.Value), Has.Some.Contains("expired on 2020-02-01"));
                var refund = new Dictionary<string, string>
                {
                    { "out_trade_no", "T1" }, { "out_refund_no", "R1" }, { "total_fee", "1" }, { "refund_fee", "1" },
                };
                var e = Assert.Throws<WxPayCertificateExpiredException>(() => client.Refund(refund));
                Assert.AreEqual(406, e.Code);
                Assert.AreEqual("WXPAY_RESULT_CERTIFICATE_EXPIRED", e.CodeName);
                StringAssert.Contains("1101", e.Message);
                Assert.IsInstanceOf<WxPayCertificateException>(e);
            }
        }

        [Test]
        public void GroupReadableKeyIsWarnedToCallbackAndTraceSource()
        {
            CertFactory.Made made = certs.Valid(MchId, 100, "1201");
            string p12 = certs.P12(made, MchId, "apiclient_cert.p12");
            CertFactory.Chmod(p12, "644");

            var trace = new Collector();
            SourceLevels saved = WxPayClient.TraceSource.Switch.Level;
            WxPayClient.TraceSource.Listeners.Add(trace);
            WxPayClient.TraceSource.Switch.Level = SourceLevels.Warning;
            var log = new List<KeyValuePair<WxPayLogLevel, string>>();
            try
            {
                using (new WxPayClient(Options(p12, log)))
                {
                }
            }
            finally
            {
                WxPayClient.TraceSource.Listeners.Remove(trace);
                WxPayClient.TraceSource.Switch.Level = saved;
            }
            string warning = log.Where(m => m.Key == WxPayLogLevel.Warn).Select(m => m.Value).SingleOrDefault(m => m.Contains("0644"));
            Assert.IsNotNull(warning, "callback got: " + string.Join(" | ", log.Select(m => m.Value)));
            StringAssert.Contains(p12, warning);
            StringAssert.Contains("chmod 600", warning);
            Assert.That(trace.Events, Has.Some.EqualTo(new KeyValuePair<TraceEventType, string>(TraceEventType.Warning, warning)));
        }

        [Test]
        public void OwnerOnlyKeyIsNotWarned()
        {
            CertFactory.Made made = certs.Valid(MchId, 100, "1301");
            string p12 = certs.P12(made, MchId, "apiclient_cert.p12");
            var log = new List<KeyValuePair<WxPayLogLevel, string>>();
            var options = Options(p12, log);
            options.StrictPermissions = true;
            using (new WxPayClient(options))
            {
            }
            Assert.That(log.Where(m => m.Key <= WxPayLogLevel.Warn), Is.Empty);
        }

        [Test]
        public void StrictPermissionsRefusesExposedFilesWith407()
        {
            CertFactory.Made made = certs.Valid(MchId, 100, "1401");
            string p12 = certs.P12(made, MchId, "apiclient_cert.p12");
            CertFactory.Chmod(p12, "604");
            var options = Options(p12);
            options.StrictPermissions = true;
            var e = Assert.Throws<WxPayCertificatePermissionsException>(() => new WxPayClient(options));
            Assert.AreEqual(407, e.Code);
            StringAssert.Contains("all users", e.Message);

            CertFactory.Chmod(made.KeyPath, "640");
            var pem = new WxPayClientOptions
            {
                MchId = MchId, ApiKey = Key, Host = NowhereHost, CertPemPath = made.CertPath, KeyPemPath = made.KeyPath,
                StrictPermissions = true,
            };
            StringAssert.Contains("its group", Assert.Throws<WxPayCertificatePermissionsException>(() => new WxPayClient(pem)).Message);
            pem.StrictPermissions = false;
            using (new WxPayClient(pem))
            {
            }
        }

        [Test]
        public void ReloadSwapsInTheNewFileAndKeepsTheOldOnFailure()
        {
            CertFactory.Made first = certs.Valid(MchId, 100, "1501");
            CertFactory.Made second = certs.Valid(MchId, 200, "1502");
            CertFactory.Made expired = certs.Make(MchId, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                new DateTime(2020, 2, 1, 0, 0, 0, DateTimeKind.Utc), "1503");
            string p12 = certs.P12(first, MchId, "apiclient_cert.p12");
            byte[] secondP12 = File.ReadAllBytes(certs.P12(second, MchId, "second.p12"));
            byte[] expiredP12 = File.ReadAllBytes(certs.P12(expired, MchId, "expired.p12"));

            var options = Options(p12);
            options.StrictPermissions = true;
            using (var client = new WxPayClient(options))
            {
                WxPayCertStatus before = client.CertStatus();
                Assert.AreEqual("1501", before.Certificate.Serial);
                Assert.IsTrue(before.Reloadable);
                Assert.AreEqual(0, before.Reloads);

                CertFactory.ReplaceWith(p12, secondP12);
                Assert.AreEqual("1502", client.ReloadCertificate().Serial);
                Assert.AreEqual("1502", client.CertStatus().Certificate.Serial);
                Assert.AreEqual(1, client.CertStatus().Reloads);

                CertFactory.ReplaceWith(p12, secondP12.Take(secondP12.Length / 3).ToArray());
                Assert.AreEqual(401, Assert.Throws<WxPayCertificateException>(() => client.ReloadCertificate()).Code);
                WxPayCertStatus kept = client.CertStatus();
                Assert.AreEqual("1502", kept.Certificate.Serial);
                Assert.AreEqual(1, kept.Reloads);
                StringAssert.Contains("stays in use", kept.LastReloadError);

                CertFactory.ReplaceWith(p12, expiredP12);
                Assert.AreEqual(406, Assert.Throws<WxPayCertificateExpiredException>(() => client.ReloadCertificate()).Code);

                CertFactory.ReplaceWith(p12, secondP12, "644");
                Assert.AreEqual(407, Assert.Throws<WxPayCertificatePermissionsException>(() => client.ReloadCertificate()).Code);

                File.Delete(p12);
                Assert.AreEqual(405, Assert.Throws<WxPayCertificateException>(() => client.ReloadCertificate()).Code);
                Assert.AreEqual("1502", client.CertStatus().Certificate.Serial);

                CertFactory.ReplaceWith(p12, secondP12);
                client.ReloadCertificate();
                Assert.AreEqual(2, client.CertStatus().Reloads);
                Assert.AreEqual("", client.CertStatus().LastReloadError);
            }
        }

        [Test]
        public void CertificateGivenAsBytesCannotBeReloaded()
        {
            CertFactory.Made made = certs.Valid(MchId, 100, "1601");
            string p12 = certs.P12(made, MchId, "apiclient_cert.p12");
            var options = new WxPayClientOptions { MchId = MchId, ApiKey = Key, Host = NowhereHost, P12 = File.ReadAllBytes(p12) };
            using (var client = new WxPayClient(options))
            {
                Assert.IsFalse(client.CertStatus().Reloadable);
                Assert.AreEqual(101, Assert.Throws<WxPayInvalidInputException>(() => client.ReloadCertificate()).Code);
                Assert.AreEqual("1601", client.CertStatus().Certificate.Serial);
            }
        }

        [Test]
        public void ClientWithoutCertificate()
        {
            using (var client = new WxPayClient(new WxPayClientOptions { MchId = MchId, ApiKey = Key, Host = NowhereHost }))
            {
                WxPayCertStatus status = client.CertStatus();
                Assert.IsNull(status.Certificate);
                Assert.AreEqual("none", status.Fields["certificate"]);
                Assert.IsFalse(status.Reloadable);
                Assert.AreEqual("", status.Warning);
                Assert.Throws<WxPayInvalidInputException>(() => client.ReloadCertificate());
                client.Dispose();
                Assert.Throws<ObjectDisposedException>(() => client.CertStatus());
                Assert.Throws<ObjectDisposedException>(() => client.ReloadCertificate());
            }
        }

        [Test]
        public void CheckIntervalIsValidated()
        {
            var options = new WxPayClientOptions { MchId = MchId, ApiKey = Key, CertificateCheckInterval = TimeSpan.FromSeconds(-1) };
            var e = Assert.Throws<WxPayInvalidInputException>(() => new WxPayClient(options));
            StringAssert.Contains("certificate_check_interval_ms", e.Message);
        }

        [Test]
        public void RequestsNoticeReplacedFilesWithACheckInterval()
        {
            Simulator sim = Simulator.Shared;
            CertFactory.Made first = certs.Valid(MchId, 100, "1701");
            CertFactory.Made second = certs.Valid(MchId, 100, "1702");
            string watched = certs.P12(first, MchId, "watched.p12");
            string unwatched = certs.P12(first, MchId, "unwatched.p12");
            byte[] secondP12 = File.ReadAllBytes(certs.P12(second, MchId, "second.p12"));
            var interval = TimeSpan.FromMilliseconds(1);
            using (var watching = new WxPayClient(SimOptions(sim, watched, interval)))
            using (var notWatching = new WxPayClient(SimOptions(sim, unwatched, null)))
            {
                CertFactory.ReplaceWith(watched, secondP12);
                CertFactory.ReplaceWith(unwatched, secondP12);
                // Let the interval pass for certain; the assertion is about the reload, not the time.
                Thread.Sleep(interval + interval);
                var query = new Dictionary<string, string> { { "out_trade_no", sim.NextOrderNumber() } };
                Assert.Throws<WxPayBusinessException>(() => watching.OrderQuery(query));
                Assert.Throws<WxPayBusinessException>(() => notWatching.OrderQuery(query));
                Assert.AreEqual("1702", watching.CertStatus().Certificate.Serial);
                Assert.AreEqual(1, watching.CertStatus().Reloads);
                Assert.AreEqual("1701", notWatching.CertStatus().Certificate.Serial);
                Assert.AreEqual(0, notWatching.CertStatus().Reloads);
            }
        }

        private static WxPayClientOptions SimOptions(Simulator sim, string p12, TimeSpan? interval)
        {
            WxPayClientOptions options = sim.Options();
            options.P12Path = p12;
            options.CertificateCheckInterval = interval;
            return options;
        }

        [Test]
        public void MerchantCategoryCodes()
        {
            Assert.AreEqual("Food", WxPay.MccCategory(485));
            Assert.AreEqual(485, WxPay.MccCode("Food"));
            Assert.AreEqual(485, WxPay.MccCode("  fOOd "));
            Assert.IsNull(WxPay.MccCategory(1));
            Assert.IsNull(WxPay.MccCode("no such category"));
            Assert.Throws<WxPayInvalidInputException>(() => WxPay.MccCode(null));
            IReadOnlyList<KeyValuePair<int, string>> all = WxPay.MccList();
            Assert.AreEqual(343, all.First().Key);
            Assert.AreEqual("Shoes&Garments", all.First().Value);
            Assert.AreEqual(533, all.Last().Key);
            CollectionAssert.IsOrdered(all.Select(e => e.Key));
            foreach (KeyValuePair<int, string> entry in all)
            {
                Assert.AreEqual(entry.Value, WxPay.MccCategory(entry.Key));
                Assert.AreEqual(entry.Key, WxPay.MccCode(entry.Value));
            }
        }

        private sealed class Collector : TraceListener
        {
            internal readonly List<KeyValuePair<TraceEventType, string>> Events = new List<KeyValuePair<TraceEventType, string>>();

            public override void TraceEvent(TraceEventCache cache, string source, TraceEventType type, int id, string message)
            {
                lock (Events)
                {
                    Events.Add(new KeyValuePair<TraceEventType, string>(type, message));
                }
            }

            public override void Write(string message)
            {
            }

            public override void WriteLine(string message)
            {
            }
        }
    }
}

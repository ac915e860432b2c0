using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>
    /// The project's WeChat Pay simulator (<c>target/release/wxpay-sim</c>), started once per test
    /// process in a temporary directory and killed when the process ends.
    /// </summary>
    /// <remarks>
    /// Found through <c>WXPAY_SIM</c> (test.sh sets it), else beside the library the tests load
    /// (<c>target/release/</c>). When it has not been built the simulator tests are ignored with
    /// that reason, unless <c>WXPAY_SIM_REQUIRED=1</c>, which makes its absence a failure.
    /// </remarks>
    internal sealed class Simulator
    {
        internal const string MchId = "1900000109";
        internal const string AppId = "wx2421b1c4370ec43b";
        internal const string Key = "192006250b4c09247ec02edce69f6a2d";

        private static readonly object gate = new object();
        private static Simulator shared;
        private static string failure;

        private readonly Process process;
        private int orderNumber;

        private Simulator(Process process, string url, string dir)
        {
            this.process = process;
            Url = url;
            Dir = dir;
        }

        internal string Url { get; private set; }

        internal string Dir { get; private set; }

        internal string CaPem { get { return Path.Combine(Dir, "ca.pem"); } }

        internal string P12 { get { return Path.Combine(Dir, "apiclient_cert.p12"); } }

        internal string LegacyP12 { get { return Path.Combine(Dir, "apiclient_cert_legacy.p12"); } }

        internal string CertPem { get { return Path.Combine(Dir, "apiclient_cert.pem"); } }

        internal string KeyPkcs8 { get { return Path.Combine(Dir, "apiclient_key.pem"); } }

        internal string KeyPkcs1 { get { return Path.Combine(Dir, "apiclient_key_pkcs1.pem"); } }

        /// <summary>The running simulator; ignores (or fails) the calling test when there is none.</summary>
        internal static Simulator Shared
        {
            get
            {
                lock (gate)
                {
                    if (shared == null && failure == null)
                    {
                        try
                        {
                            shared = Start();
                        }
                        catch (Exception e)
                        {
                            failure = e.Message;
                        }
                    }
                }
                if (shared == null)
                {
                    if (Environment.GetEnvironmentVariable("WXPAY_SIM_REQUIRED") == "1")
                    {
                        Assert.Fail(failure);
                    }
                    Assert.Ignore(failure);
                }
                return shared;
            }
        }

        /// <summary>Options for a client of this simulator: its identity, its CA, no backup host.</summary>
        internal WxPayClientOptions Options()
        {
            return new WxPayClientOptions
            {
                AppId = AppId,
                MchId = MchId,
                ApiKey = Key,
                Host = Url,
                BackupHost = "none",
                RootCaPath = CaPem,
            };
        }

        internal WxPayClientOptions OptionsWithP12()
        {
            WxPayClientOptions o = Options();
            o.P12Path = P12;
            return o;
        }

        /// <summary>A fresh out_trade_no, unique in this process.</summary>
        internal string NextOrderNumber(string prefix = "dn")
        {
            return prefix + Process.GetCurrentProcess().Id + "x" + Interlocked.Increment(ref orderNumber);
        }

        internal static Dictionary<string, string> Order(string outTradeNo, int totalFee = 101)
        {
            return new Dictionary<string, string>
            {
                { "body", "测试商品 .NET" },
                { "out_trade_no", outTradeNo },
                { "total_fee", totalFee.ToString() },
                { "spbill_create_ip", "127.0.0.1" },
                { "notify_url", "https://127.0.0.1:9/notify" },
                { "trade_type", "NATIVE" },
                { "product_id", "p1" },
            };
        }

        private static string Locate()
        {
            string path = Environment.GetEnvironmentVariable("WXPAY_SIM");
            if (!string.IsNullOrEmpty(path))
            {
                return path;
            }
            string library = WxPay.LoadedLibraryPath;
            return Path.Combine(Path.GetDirectoryName(library) ?? ".", "wxpay-sim");
        }

        private static Simulator Start()
        {
            string binary = Locate();
            if (!File.Exists(binary))
            {
                throw new InvalidOperationException("wxpay-sim not found at " + binary
                    + " (cargo build --release --features sim builds it; or set WXPAY_SIM)");
            }
            string dir = Path.Combine(Path.GetTempPath(), "wxpay-dotnet-sim-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            var info = new ProcessStartInfo(binary, "--listen 127.0.0.1:0 --dir " + dir)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = false,
                CreateNoWindow = true,
            };
            Process process = Process.Start(info);
            string line = process.StandardOutput.ReadLine();
            const string ready = "WXPAY_SIM_READY url=";
            if (line == null || !line.StartsWith(ready, StringComparison.Ordinal))
            {
                Stop(process, dir);
                throw new InvalidOperationException("wxpay-sim did not announce itself; first line: " + (line ?? "(none)"));
            }
            string[] parts = line.Substring("WXPAY_SIM_READY ".Length).Split(' ');
            string url = parts[0].Substring("url=".Length);
            string announcedDir = parts.Length > 1 && parts[1].StartsWith("dir=", StringComparison.Ordinal) ? parts[1].Substring(4) : dir;
            // Keep reading its output so that a full pipe never blocks it.
            var drain = new Thread(() =>
            {
                try
                {
                    while (process.StandardOutput.ReadLine() != null)
                    {
                    }
                }
                catch (Exception)
                {
                    // The process went away; nothing to drain.
                }
            }) { IsBackground = true };
            drain.Start();
            var sim = new Simulator(process, url, announcedDir);
            AppDomain.CurrentDomain.ProcessExit += (s, e) => Stop(process, dir);
            return sim;
        }

        private static void Stop(Process process, string dir)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill();
                    process.WaitForExit(5000);
                }
            }
            catch (Exception)
            {
                // Already gone.
            }
            try
            {
                Directory.Delete(dir, true);
            }
            catch (Exception)
            {
                // Left for the OS to clean /tmp.
            }
        }

        /// <summary>Stops the shared simulator (end of the NUnit run).</summary>
        internal static void StopShared()
        {
            lock (gate)
            {
                if (shared != null)
                {
                    Stop(shared.process, shared.Dir);
                    shared = null;
                    failure = "the simulator was stopped";
                }
            }
        }
    }

    /// <summary>Stops the simulator once every test of the assembly has run (nunit-console).</summary>
    [SetUpFixture]
    public class SimulatorTeardown
    {
        /// <summary>Stops the shared simulator.</summary>
        [TearDown]
        public void StopSimulator()
        {
            Simulator.StopShared();
        }
    }
}

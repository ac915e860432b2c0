using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using WeChatPay;
using WeChatPay.Reference;

/// <summary>
/// Signs a 16-field unified order through libwxpay and with the plain C# algorithm, in the
/// same process, and prints the median and the best time per signature of several rounds.
/// Variants: plain C# (new or reused hash object), WxPay.Sign and WxPaySigner.Sign (a dictionary,
/// or a WxPayFields read in place), and a new WxPaySigner per call (what routing WxPay.Sign
/// through a signer would cost without a cache of signers).
/// Usage: SignBench.exe [iterations per round] [rounds] [--native-only]
/// </summary>
/// <remarks>
/// --native-only skips the plain C# signer, for .NET Core 3.1 on systems with only OpenSSL 3:
/// its System.Security.Cryptography aborts the process there (it needs OpenSSL 1.0 or 1.1).
/// </remarks>
internal static class SignBench
{
    private const string Key = "8934e7d15453e97507ef794cf7b0519d";

    private static Dictionary<string, string> UnifiedOrder(string signType)
    {
        return new Dictionary<string, string>
        {
            { "appid", "wx2421b1c4370ec43b" },
            { "mch_id", "10000100" },
            { "device_info", "WEB" },
            { "nonce_str", "1add1a30ac87aa2db72f57a2375d8fec" },
            { "sign_type", signType },
            { "body", "腾讯充值中心-QQ会员充值" },
            { "detail", "{\"goods_detail\":[{\"goods_id\":\"iphone6s_16G\",\"quantity\":1,\"price\":528800}]}" },
            { "attach", "深圳分店" },
            { "out_trade_no", "20150806125346" },
            { "fee_type", "CNY" },
            { "total_fee", "88" },
            { "spbill_create_ip", "123.12.12.123" },
            { "time_start", "20091225091010" },
            { "notify_url", "http://www.weixin.qq.com/wxpay/pay.php" },
            { "trade_type", "JSAPI" },
            { "openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
        };
    }

    private static int Main(string[] args)
    {
        bool nativeOnly = args.Contains("--native-only");
        args = args.Where(a => a != "--native-only").ToArray();
        int iterations = args.Length > 0 ? int.Parse(args[0]) : 50000;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 7;
        string runtime = Type.GetType("Mono.Runtime") != null ? "Mono" : ".NET Core " + Environment.Version;
        Console.WriteLine("runtime: {0}; libwxpay {1}; {2} rounds of {3} signatures; median and best round, ns per signature, rounds interleaved",
            runtime, WxPay.NativeVersion, rounds, iterations);

        bool allFaster = true;
        foreach (bool hmac in new[] { false, true })
        {
            var order = UnifiedOrder(hmac ? "HMAC-SHA256" : "MD5");
            SignType type = hmac ? SignType.HmacSha256 : SignType.Md5;
            string name = hmac ? "HMAC-SHA256" : "MD5";
            if (nativeOnly)
            {
                using (var native = new WxPayFields(order))
                using (var signer = new WxPaySigner(Key, type))
                {
                    Stat[] ns = MeasureInterleaved(iterations, rounds,
                        () => WxPay.Sign(order, Key, type), () => WxPay.Sign(native, Key, type),
                        () => signer.Sign(order), () => signer.Sign(native), () => SignWithNewSigner(order, type));
                    Print(name, "WxPay.Sign(Dictionary)", ns[0]);
                    Print(name, "WxPay.Sign(WxPayFields)", ns[1]);
                    Print(name, "WxPaySigner.Sign(Dictionary)", ns[2]);
                    Print(name, "WxPaySigner.Sign(WxPayFields)", ns[3]);
                    Print(name, "new WxPaySigner per call", ns[4]);
                }
                continue;
            }
            string expected = PlainSigner.Sign(order, Key, hmac);
            if (WxPay.Sign(order, Key, type) != expected)
            {
                Console.WriteLine("MISMATCH: libwxpay and the plain C# signature differ");
                return 2;
            }
            HashAlgorithm reused = hmac ? (HashAlgorithm)new HMACSHA256(System.Text.Encoding.UTF8.GetBytes(Key)) : MD5.Create();
            using (var native = new WxPayFields(order))
            using (var signer = new WxPaySigner(Key, type))
            {
                if (signer.Sign(order) != expected || SignWithNewSigner(order, type) != expected)
                {
                    Console.WriteLine("MISMATCH: WxPaySigner and the plain C# signature differ");
                    return 2;
                }
                Stat[] ns = MeasureInterleaved(iterations, rounds,
                    () => PlainSigner.Sign(order, Key, hmac),
                    () => PlainSigner.Sign(order, Key, reused),
                    () => WxPay.Sign(order, Key, type),
                    () => WxPay.Sign(native, Key, type),
                    () => signer.Sign(order),
                    () => signer.Sign(native),
                    () => SignWithNewSigner(order, type));
                Stat typical = ns[0], tuned = ns[1];
                Print(name, "plain C# (new hash per call)", typical);
                Print(name, "plain C# (reused hash object)", tuned);
                string[] labels =
                {
                    "WxPay.Sign(Dictionary)", "WxPay.Sign(WxPayFields)", "WxPaySigner.Sign(Dictionary)",
                    "WxPaySigner.Sign(WxPayFields)", "new WxPaySigner per call",
                };
                for (int v = 2; v < ns.Length; v++)
                {
                    Print(name, labels[v - 2], ns[v], string.Format("   {0:F2}x vs new-hash, {1:F2}x vs reused (medians)",
                        typical.Median / ns[v].Median, tuned.Median / ns[v].Median));
                }
                allFaster &= typical.Median / ns[2].Median >= 1.5;
            }
            reused.Dispose();
        }
        if (nativeOnly)
        {
            return 0;
        }
        Console.WriteLine(allFaster
            ? "target met: WxPay.Sign(Dictionary) is at least 1.5x faster than the plain C# signer"
            : "target NOT met: WxPay.Sign(Dictionary) is under 1.5x faster than the plain C# signer");
        return 0;
    }

    /// <summary>What routing WxPay.Sign through a signer would cost without a cache: one signer per call.</summary>
    private static string SignWithNewSigner(Dictionary<string, string> order, SignType type)
    {
        using (var signer = new WxPaySigner(Key, type))
        {
            return signer.Sign(order);
        }
    }

    private struct Stat
    {
        internal double Median;
        internal double Best;
    }

    private static void Print(string algorithm, string variant, Stat ns, string extra = "")
    {
        Console.WriteLine("{0,-12} {1,-30} median {2,8:F0} ns, best {3,8:F0} ns{4}", algorithm, variant, ns.Median, ns.Best, extra);
    }

    /// <summary>
    /// Median and best ns per call of each variant. Rounds alternate between the variants so that
    /// load from other processes on the machine falls on all of them alike.
    /// </summary>
    private static Stat[] MeasureInterleaved(int iterations, int rounds, params Func<string>[] variants)
    {
        var perRound = variants.Select(_ => new List<double>()).ToArray();
        var clock = new Stopwatch();
        for (int r = -1; r < rounds; r++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                Func<string> sign = variants[v];
                clock.Restart();
                for (int i = 0; i < iterations; i++)
                {
                    sign();
                }
                clock.Stop();
                if (r >= 0)
                {
                    // Round -1 is the warm-up (JIT, caches).
                    perRound[v].Add(clock.Elapsed.TotalMilliseconds * 1e6 / iterations);
                }
            }
        }
        return perRound.Select(times =>
        {
            times.Sort();
            return new Stat { Median = times[times.Count / 2], Best = times[0] };
        }).ToArray();
    }
}

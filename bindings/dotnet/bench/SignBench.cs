using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Security.Cryptography;
using WeChatPay;
using WeChatPay.Reference;

/// <summary>
/// Signs a 16-field unified order through libwxpay and with the plain C# algorithm, in the
/// same process, and prints the median time per signature of several rounds.
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
        Console.WriteLine("runtime: {0}; libwxpay {1}; {2} rounds of {3} signatures; median ns per signature, rounds interleaved",
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
                {
                    double[] ns = MeasureInterleaved(iterations, rounds,
                        () => WxPay.Sign(order, Key, type), () => WxPay.Sign(native, Key, type));
                    Console.WriteLine("{0,-12} WxPay.Sign(Dictionary)         {1,8:F0} ns", name, ns[0]);
                    Console.WriteLine("{0,-12} WxPay.Sign(WxPayFields)        {1,8:F0} ns", name, ns[1]);
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
            {
                double[] ns = MeasureInterleaved(iterations, rounds,
                    () => PlainSigner.Sign(order, Key, hmac),
                    () => PlainSigner.Sign(order, Key, reused),
                    () => WxPay.Sign(order, Key, type),
                    () => WxPay.Sign(native, Key, type));
                double typical = ns[0], tuned = ns[1], viaDictionary = ns[2], viaFields = ns[3];
                Console.WriteLine("{0,-12} plain C# (new hash per call)   {1,8:F0} ns", name, typical);
                Console.WriteLine("{0,-12} plain C# (reused hash object)  {1,8:F0} ns", name, tuned);
                Console.WriteLine("{0,-12} WxPay.Sign(Dictionary)         {1,8:F0} ns   {2:F2}x vs new-hash, {3:F2}x vs reused",
                    name, viaDictionary, typical / viaDictionary, tuned / viaDictionary);
                Console.WriteLine("{0,-12} WxPay.Sign(WxPayFields)        {1,8:F0} ns   {2:F2}x vs new-hash, {3:F2}x vs reused",
                    name, viaFields, typical / viaFields, tuned / viaFields);
                allFaster &= typical / viaDictionary >= 1.5;
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

    /// <summary>
    /// Median ns per call of each variant. Rounds alternate between the variants so that
    /// load from other processes on the machine falls on all of them alike.
    /// </summary>
    private static double[] MeasureInterleaved(int iterations, int rounds, params Func<string>[] variants)
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
            return times[times.Count / 2];
        }).ToArray();
    }
}

// Experiment (issue: does wxpay_sign_split help .NET?): WxPay.Sign against wxpay_sign_split fed
// from two buffers, in the same process, rounds interleaved, paired per-round ratios. Build and run:
//   mcs -langversion:7.2 -optimize+ -out:build/SplitBench.exe -r:build/WxPay.dll -r:System.Core bench/SplitBench.cs
//   cd build && WXPAY_LIBRARY=... mono SplitBench.exe 10000 15
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using WeChatPay;
using WeChatPay.Native;

internal static class SplitBench
{
    private const string Key = "8934e7d15453e97507ef794cf7b0519d";

    private static int Main(string[] args)
    {
        int iterations = args.Length > 0 ? int.Parse(args[0]) : 10000;
        int rounds = args.Length > 1 ? int.Parse(args[1]) : 15;
        var order = new Dictionary<string, string>
        {
            { "appid", "wx2421b1c4370ec43b" }, { "mch_id", "10000100" }, { "device_info", "WEB" },
            { "nonce_str", "1add1a30ac87aa2db72f57a2375d8fec" }, { "sign_type", "MD5" },
            { "body", "腾讯充值中心-QQ会员充值" },
            { "detail", "{\"goods_detail\":[{\"goods_id\":\"iphone6s_16G\",\"quantity\":1,\"price\":528800}]}" },
            { "attach", "深圳分店" }, { "out_trade_no", "20150806125346" }, { "fee_type", "CNY" }, { "total_fee", "88" },
            { "spbill_create_ip", "123.12.12.123" }, { "time_start", "20091225091010" },
            { "notify_url", "http://www.weixin.qq.com/wxpay/pay.php" }, { "trade_type", "JSAPI" },
            { "openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
        };
        Api api = LibraryLoader.Api;
        byte[] key = Encoding.ASCII.GetBytes(Key);
        string expected = WxPay.Sign(order, Key, SignType.Md5);
        if (SplitSign.Encoded(api, order, key, SignType.Md5) != expected || SplitSign.Joined(api, order, key, SignType.Md5) != expected)
        {
            Console.WriteLine("MISMATCH");
            return 2;
        }
        Func<string>[] variants =
        {
            () => WxPay.Sign(order, Key, SignType.Md5),
            () => SplitSign.Encoded(api, order, Encoding.ASCII.GetBytes(Key), SignType.Md5),
            () => SplitSign.Joined(api, order, Encoding.ASCII.GetBytes(Key), SignType.Md5),
        };
        string[] names = { "WxPay.Sign (one packed buffer)", "sign_split, two buffers, own encoder", "sign_split, string.Join + UTF8" };
        var perRound = variants.Select(_ => new List<double>()).ToArray();
        var clock = new Stopwatch();
        for (int r = -1; r < rounds; r++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                clock.Restart();
                for (int i = 0; i < iterations; i++)
                {
                    variants[v]();
                }
                clock.Stop();
                if (r >= 0)
                {
                    perRound[v].Add(clock.Elapsed.TotalMilliseconds * 1e6 / iterations);
                }
            }
        }
        string runtime = Type.GetType("Mono.Runtime") != null ? "Mono" : ".NET Core " + Environment.Version;
        Console.WriteLine("{0}: median ns per MD5 signature, {1} rounds x {2}", runtime, rounds, iterations);
        for (int v = 0; v < variants.Length; v++)
        {
            var t = perRound[v].OrderBy(x => x).ToList();
            Console.WriteLine("{0,-40} {1,8:F0} ns (min {2:F0})", names[v], t[t.Count / 2], t[0]);
        }
        // Paired per-round ratios against the packed path.
        for (int v = 1; v < variants.Length; v++)
        {
            var ratios = perRound[v].Zip(perRound[0], (a, b) => a / b).OrderBy(x => x).ToList();
            Console.WriteLine("{0,-40} median ratio vs packed {1:F2}", names[v], ratios[ratios.Count / 2]);
        }
        return 0;
    }
}

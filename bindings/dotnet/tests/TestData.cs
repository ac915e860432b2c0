using System;
using System.Collections.Generic;
using System.IO;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    internal static class TestData
    {
        // Tests that use .NET's own cryptography: MD5/HMACSHA256 (the plain C# oracle) and TLS
        // (the contract test opens the simulator's signing page as a browser would). .NET Core 3.1
        // needs OpenSSL 1.x for those and aborts on a system with only OpenSSL 3, so the .NET Core
        // run of the suite leaves them out; Mono runs them all.
        internal const string ManagedCrypto = "ManagedCrypto";

        // The API key and message of WeChat Pay's own signature example.
        internal const string DocKey = "192006250b4c09247ec02edce69f6a2d";
        internal const string DocMd5Signature = "9A0A8659F005D6984697E2CA0A9CF3B7";

        internal const string Key = "8934e7d15453e97507ef794cf7b0519d";
        internal const string OtherKey = "0123456789abcdefghijklmnopqrstuv";

        internal static Dictionary<string, string> DocExample()
        {
            return new Dictionary<string, string>
            {
                { "appid", "wxd930ea5d5a258f4f" },
                { "mch_id", "10000100" },
                { "device_info", "1000" },
                { "body", "test" },
                { "nonce_str", "ibuaiVcKdpRxkhJA" },
            };
        }

        /// <summary>A unified order of 16 fields, as a merchant sends it.</summary>
        internal static Dictionary<string, string> UnifiedOrder()
        {
            return new Dictionary<string, string>
            {
                { "appid", "wx2421b1c4370ec43b" },
                { "mch_id", "10000100" },
                { "device_info", "WEB" },
                { "nonce_str", "1add1a30ac87aa2db72f57a2375d8fec" },
                { "sign_type", "MD5" },
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

        /// <summary>A file of the repository (<paramref name="relative"/>, with <c>/</c>), found above the
        /// directory the tests run from.</summary>
        internal static string RepositoryFile(string relative)
        {
            for (string dir = AppDomain.CurrentDomain.BaseDirectory; dir != null; dir = Path.GetDirectoryName(dir))
            {
                string candidate = Path.Combine(dir, relative.Replace('/', Path.DirectorySeparatorChar));
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            Assert.Fail(relative + " not found above " + AppDomain.CurrentDomain.BaseDirectory);
            return null;
        }

        internal static Dictionary<string, string> Copy(IDictionary<string, string> fields)
        {
            return new Dictionary<string, string>(fields);
        }
    }
}

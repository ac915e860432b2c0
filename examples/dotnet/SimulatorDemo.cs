// A merchant's order life cycle with WxPayClient, against the project's simulator (wxpay-sim):
// a QR-code (NATIVE) order placed, queried and closed; a payment-code order charged, queried,
// then refunded over mutual TLS with the merchant certificate.
//
//   WXPAY_SIM_URL  the simulator's base URL, e.g. https://127.0.0.1:40123 (its READY line says it)
//   WXPAY_SIM_DIR  its data directory: ca.pem (trusted as root CA) and apiclient_cert.p12
//   WXPAY_API_KEY, WXPAY_MCH_ID, WXPAY_APPID  optional; the simulator's defaults otherwise
//
// Build: mcs -r:WxPay.dll -r:System.Core SimulatorDemo.cs
// Run:   WXPAY_LIBRARY=/path/libwxpay.so WXPAY_SIM_URL=... WXPAY_SIM_DIR=... mono SimulatorDemo.exe
// examples/dotnet/run-simulator-demo.sh does all of it, starting a simulator if none is given.
using System;
using System.Collections.Generic;
using System.IO;
using WeChatPay;

internal static class SimulatorDemo
{
    private static string Setting(string name, string fallback)
    {
        string value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? fallback : value;
    }

    private static void Show(string step, IDictionary<string, string> response, params string[] fields)
    {
        Console.Write("  " + step + ":");
        foreach (string name in fields)
        {
            string value;
            Console.Write(" " + name + "=" + (response.TryGetValue(name, out value) ? value : "(none)"));
        }
        Console.WriteLine();
    }

    private static int Main()
    {
        string url = Environment.GetEnvironmentVariable("WXPAY_SIM_URL");
        string dir = Environment.GetEnvironmentVariable("WXPAY_SIM_DIR");
        if (string.IsNullOrEmpty(url) || string.IsNullOrEmpty(dir))
        {
            Console.Error.WriteLine("set WXPAY_SIM_URL and WXPAY_SIM_DIR (see the simulator's WXPAY_SIM_READY line)");
            return 2;
        }
        string mchId = Setting("WXPAY_MCH_ID", "1900000109");
        var options = new WxPayClientOptions
        {
            AppId = Setting("WXPAY_APPID", "wx2421b1c4370ec43b"),
            MchId = mchId,
            // In production: from a secret store. It is never logged, by us or by the library.
            ApiKey = Setting("WXPAY_API_KEY", "192006250b4c09247ec02edce69f6a2d"),
            SignType = SignType.HmacSha256,
            Host = url,
            BackupHost = "none",
            RootCaPath = Path.Combine(dir, "ca.pem"),
            // The .p12 password defaults to the merchant ID, as WeChat Pay issues them.
            P12Path = Path.Combine(dir, "apiclient_cert.p12"),
            Timeout = TimeSpan.FromSeconds(10),
            LogLevel = WxPayLogLevel.Info,
            Log = (level, message) => Console.WriteLine("  [wxpay " + level + "] " + message),
        };
        string run = DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");

        using (var client = new WxPayClient(options))
        {
            Console.WriteLine("1. QR-code order: place, query, close");
            string qrOrder = "demo" + run + "q";
            IDictionary<string, string> placed = client.UnifiedOrder(new Dictionary<string, string>
            {
                { "body", "演示商品-Demo goods" },
                { "out_trade_no", qrOrder },
                { "total_fee", "888" },
                { "spbill_create_ip", "127.0.0.1" },
                { "notify_url", "https://merchant.example/wxpay/notify" },
                { "trade_type", "NATIVE" },
                { "product_id", "demo-1" },
            });
            Show("unified order", placed, "result_code", "prepay_id", "code_url");
            IDictionary<string, string> state = client.OrderQuery(new Dictionary<string, string> { { "out_trade_no", qrOrder } });
            Show("query", state, "trade_state", "total_fee");
            Show("close", client.CloseOrder(new Dictionary<string, string> { { "out_trade_no", qrOrder } }), "result_code");

            Console.WriteLine("2. payment-code order: charge, query, refund with the merchant certificate");
            string paidOrder = "demo" + run + "p";
            IDictionary<string, string> charged = client.Micropay(new Dictionary<string, string>
            {
                { "body", "演示商品-Demo goods" },
                { "out_trade_no", paidOrder },
                { "total_fee", "888" },
                { "spbill_create_ip", "127.0.0.1" },
                { "auth_code", "130061098828009406" },
            });
            Show("micropay", charged, "result_code", "transaction_id");
            state = client.OrderQuery(new Dictionary<string, string> { { "out_trade_no", paidOrder } });
            Show("query", state, "trade_state", "transaction_id");
            if (state["trade_state"] != "SUCCESS")
            {
                Console.Error.WriteLine("the order is not paid");
                return 1;
            }
            IDictionary<string, string> refund = client.Refund(new Dictionary<string, string>
            {
                { "out_trade_no", paidOrder },
                { "out_refund_no", paidOrder + "r1" },
                { "total_fee", "888" },
                { "refund_fee", "300" },
                { "refund_desc", "部分退款 partial refund" },
            });
            Show("refund", refund, "result_code", "refund_id", "refund_fee");
            Show("refund query", client.RefundQuery(new Dictionary<string, string> { { "out_trade_no", paidOrder } }),
                "refund_count", "refund_status_0", "refund_fee_0");

            Console.WriteLine("3. a refused request is an exception with the response");
            try
            {
                client.Refund(new Dictionary<string, string>
                {
                    { "out_trade_no", paidOrder },
                    { "out_refund_no", paidOrder + "r2" },
                    { "total_fee", "888" },
                    { "refund_fee", "9999" },
                });
                Console.Error.WriteLine("an over-refund was accepted");
                return 1;
            }
            catch (WxPayBusinessException e)
            {
                Console.WriteLine("  refused: " + e.ErrCode + " (" + e.ErrCodeDes + ")");
            }
        }
        Console.WriteLine("demo finished");
        return 0;
    }
}

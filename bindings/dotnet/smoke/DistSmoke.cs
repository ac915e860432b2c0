using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using WeChatPay;

/// <summary>
/// The NuGet package's smoke test (make test-dist): built as a new app against the WxPay.dll
/// of the installed package, run against the simulator named by WXPAY_SIM_URL and
/// WXPAY_SIM_DIR. Signs, verifies a signed response and refuses a changed one, reverses an
/// order over mutual TLS with the legacy .p12, refuses a forged payment notification, and
/// checks the native library came from the package's runtimes/linux-x64/native/.
/// Usage: DistSmoke.exe EXPECTED_LIBRARY_PATH
/// </summary>
internal static class DistSmoke
{
    private static int failures;

    private static int Main(string[] args)
    {
        string url = Environment.GetEnvironmentVariable("WXPAY_SIM_URL");
        string dir = Environment.GetEnvironmentVariable("WXPAY_SIM_DIR");
        string mchId = Environment.GetEnvironmentVariable("WXPAY_SIM_MCH_ID");
        string appid = Environment.GetEnvironmentVariable("WXPAY_SIM_APPID");
        string key = Environment.GetEnvironmentVariable("WXPAY_SIM_KEY");

        Check(WxPay.LoadedLibraryPath == Path.GetFullPath(args[0]), "the library loaded is the package's (" + WxPay.LoadedLibraryPath + ")");
        Check(Environment.GetEnvironmentVariable("WXPAY_LIBRARY") == null, "no WXPAY_LIBRARY");

        var order = new Dictionary<string, string>
        {
            { "appid", appid }, { "mch_id", mchId }, { "nonce_str", "5K8264ILTKCH16CQ" }, { "total_fee", "0" }, { "body", "smoke" },
        };
        string canonical = string.Join("&", order.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value)) + "&key=" + key;
        string md5;
        using (var hash = MD5.Create())
        {
            md5 = BitConverter.ToString(hash.ComputeHash(Encoding.UTF8.GetBytes(canonical))).Replace("-", "");
        }
        Check(WxPay.Sign(order, key) == md5, "sign (MD5) equals System.Security.Cryptography's");

        var response = new Dictionary<string, string>(order) { { "return_code", "SUCCESS" } };
        response["sign"] = WxPay.Sign(response, key);
        string xml = WxPay.BuildXml(response);
        Check(WxPay.VerifyXml(xml, key)["total_fee"] == "0", "verify a signed response");
        try
        {
            WxPay.VerifyXml(xml.Replace("<total_fee><![CDATA[0]]>", "<total_fee><![CDATA[1]]>"), key);
            Check(false, "a changed response is refused");
        }
        catch (WxPaySignatureException)
        {
            Check(true, "a changed response is refused");
        }

        var options = new WxPayClientOptions
        {
            AppId = appid, MchId = mchId, ApiKey = key, Host = url,
            RootCaPath = Path.Combine(dir, "ca.pem"), P12Path = Path.Combine(dir, "apiclient_cert_legacy.p12"),
        };
        using (var client = new WxPayClient(options))
        {
            var placed = client.UnifiedOrder(new Dictionary<string, string>
            {
                { "body", "smoke" }, { "out_trade_no", "SMOKE-NET-1" }, { "total_fee", "1" }, { "spbill_create_ip", "127.0.0.1" },
                { "notify_url", "https://127.0.0.1/n" }, { "trade_type", "NATIVE" }, { "product_id", "p1" },
            });
            Check(placed.ContainsKey("prepay_id"), "pay/unifiedorder");
            var reversed = client.Reverse(new Dictionary<string, string> { { "out_trade_no", "SMOKE-NET-1" } });
            Check(reversed["recall"] == "N", "secapi/pay/reverse over mutual TLS (RC2-40 .p12)");
            string forged = "<xml><appid>" + appid + "</appid><mch_id>" + mchId + "</mch_id><nonce_str>x</nonce_str>"
                + "<return_code>SUCCESS</return_code><result_code>SUCCESS</result_code>"
                + "<out_trade_no>SMOKE-NET-1</out_trade_no><total_fee>1</total_fee>"
                + "<sign>0123456789ABCDEF0123456789ABCDEF</sign></xml>";
            try
            {
                client.ParsePaymentNotification(forged);
                Check(false, "a forged payment notification is refused");
            }
            catch (WxPaySignatureException)
            {
                Check(true, "a forged payment notification is refused");
            }
        }

        Console.WriteLine("DistSmoke: " + failures + " failed");
        return failures == 0 ? 0 : 1;
    }

    private static void Check(bool ok, string what)
    {
        Console.WriteLine((ok ? "ok   " : "FAIL ") + what);
        if (!ok)
        {
            failures++;
        }
    }
}

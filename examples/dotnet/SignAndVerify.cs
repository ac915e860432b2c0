// A merchant's two everyday steps with WxPay.dll: sign an outgoing unified order,
// and check an incoming payment notification before trusting it.
// Build: mcs -r:WxPay.dll -r:System.Core SignAndVerify.cs   Run: WXPAY_LIBRARY=/path/libwxpay.so mono SignAndVerify.exe
using System;
using System.Collections.Generic;
using WeChatPay;

internal static class SignAndVerify
{
    // Read it from your secret store; never log it.
    private static readonly string ApiKey = Environment.GetEnvironmentVariable("WXPAY_API_KEY") ?? "8934e7d15453e97507ef794cf7b0519d";

    private static int Main()
    {
        var order = new Dictionary<string, string>
        {
            { "appid", "wx2421b1c4370ec43b" },
            { "mch_id", "10000100" },
            { "nonce_str", WxPay.Nonce() },
            { "sign_type", "HMAC-SHA256" },
            { "body", "腾讯充值中心-QQ会员充值" },
            { "out_trade_no", "20150806125346" },
            { "total_fee", "88" },
            { "spbill_create_ip", "123.12.12.123" },
            { "notify_url", "https://merchant.example/wxpay/notify" },
            { "trade_type", "NATIVE" },
        };
        order["sign"] = WxPay.Sign(order, ApiKey, SignType.HmacSha256);
        string requestBody = WxPay.BuildXml(order);
        Console.WriteLine("request body: " + requestBody);

        // What WeChat Pay would POST to notify_url (made here so the example runs offline).
        var paid = new Dictionary<string, string>
        {
            { "return_code", "SUCCESS" }, { "result_code", "SUCCESS" }, { "appid", "wx2421b1c4370ec43b" },
            { "mch_id", "10000100" }, { "nonce_str", WxPay.Nonce() }, { "out_trade_no", "20150806125346" },
            { "transaction_id", "1004400740201409030005092168" }, { "total_fee", "88" },
        };
        paid["sign"] = WxPay.Sign(paid, ApiKey, SignType.HmacSha256);
        string notificationBody = WxPay.BuildXml(paid);

        string answer;
        try
        {
            // Parses with XXE/DOCTYPE refused and checks the signature (HMAC-SHA256 told by its length).
            IDictionary<string, string> notification = WxPay.VerifyXml(notificationBody, ApiKey);
            Console.WriteLine("verified payment of order " + notification["out_trade_no"] + ": " + notification["total_fee"] + " fen");
            answer = WxPay.BuildXml(new Dictionary<string, string> { { "return_code", "SUCCESS" }, { "return_msg", "OK" } });
        }
        catch (WxPayException e)
        {
            Console.WriteLine("refused notification: " + e.CodeName + ": " + e.Message);
            answer = WxPay.BuildXml(new Dictionary<string, string> { { "return_code", "FAIL" }, { "return_msg", e.CodeName } });
        }
        Console.WriteLine("answer: " + answer);

        // A forged notification never gets past VerifyXml.
        try
        {
            WxPay.VerifyXml(notificationBody.Replace("<![CDATA[88]]>", "<![CDATA[1]]>"), ApiKey);
            Console.WriteLine("BUG: a forged notification was accepted");
            return 1;
        }
        catch (WxPaySignatureException e)
        {
            Console.WriteLine("forged notification refused: " + e.CodeName);
        }
        return 0;
    }
}

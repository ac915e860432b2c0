// A merchant's order life cycle with WxPayClient, against the project's simulator (wxpay-sim):
// a QR-code (NATIVE) order placed, queried and closed; a payment-code order charged (the whole
// micropay flow), its payment notification received on a loopback socket, verified and
// answered (and a forged copy refused), then the order refunded over mutual TLS with the
// merchant certificate.
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
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Tasks;
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

    /// <summary>
    /// The merchant's notify_url, reduced to one POST on loopback: the body is handed to
    /// <paramref name="handle"/>, whose XML is the answer (HTTP 200). A real merchant uses its web
    /// framework; this uses a bare socket because .NET Core 3.1's HttpListener needs OpenSSL 1.x on Linux.
    /// </summary>
    private static byte[] ReceiveNotification(TcpListener listener, Func<byte[], string> handle)
    {
        Task<TcpClient> pending = listener.AcceptTcpClientAsync();
        if (!pending.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("no notification reached " + listener.LocalEndpoint);
        }
        using (TcpClient connection = pending.Result)
        {
            NetworkStream stream = connection.GetStream();
            var head = new StringBuilder();
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                int b = stream.ReadByte();
                if (b < 0)
                {
                    throw new IOException("the notification ended inside its headers");
                }
                head.Append((char)b);
            }
            string lengthLine = head.ToString().Split(new[] { "\r\n" }, StringSplitOptions.None)
                .First(line => line.StartsWith("content-length:", StringComparison.OrdinalIgnoreCase));
            var body = new byte[int.Parse(lengthLine.Substring(15).Trim())];
            for (int read = 0; read < body.Length;)
            {
                int n = stream.Read(body, read, body.Length - read);
                if (n <= 0)
                {
                    throw new IOException("the notification ended inside its body");
                }
                read += n;
            }
            byte[] reply = Encoding.UTF8.GetBytes(handle(body));
            byte[] replyHead = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: "
                + reply.Length + "\r\nConnection: close\r\n\r\n");
            stream.Write(replyHead, 0, replyHead.Length);
            stream.Write(reply, 0, reply.Length);
            return body;
        }
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
            IDictionary<string, string> jsapi = client.PayParams(WxPayPayKind.Jsapi, placed["prepay_id"]);
            Show("JSAPI pay parameters", jsapi, "package", "signType", "paySign");
            Show("query", state, "trade_state", "total_fee");
            Show("close", client.CloseOrder(new Dictionary<string, string> { { "out_trade_no", qrOrder } }), "result_code");

            Console.WriteLine("2. payment-code order: charge, notification, query, refund with the merchant certificate");
            string paidOrder = "demo" + run + "p";
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            string notifyUrl = "http://127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port + "/wxpay/notify";
            byte[] notification;
            try
            {
                // The whole flow: pay, poll while the customer confirms, reverse if never paid.
                WxPayMicropayResult charged = client.MicropayFlow(new Dictionary<string, string>
                {
                    { "body", "演示商品-Demo goods" },
                    { "out_trade_no", paidOrder },
                    { "total_fee", "888" },
                    { "spbill_create_ip", "127.0.0.1" },
                    { "auth_code", "130061098828009406" },
                    { "notify_url", notifyUrl },   // a simulator extension for micropay
                });
                Console.WriteLine("  micropay flow: " + charged.State + " after " + charged.Steps.Rows.Count + " call(s)");
                Show("micropay", charged.Response, "result_code", "transaction_id");
                if (charged.State != WxPayMicropayState.Paid)
                {
                    Console.Error.WriteLine("the payment did not go through");
                    return 1;
                }
                // What a merchant's notify_url handler does: verify, act once per order, answer.
                notification = ReceiveNotification(listener, body =>
                {
                    WxPayPaymentNotification n = client.ParsePaymentNotification(body);
                    Show("notification verified (paid=" + n.Paid + ")", n.Fields, "out_trade_no", "total_fee", "transaction_id");
                    return WxPay.NotificationReply(true);
                });
            }
            finally
            {
                listener.Stop();
            }
            // The same notification with the amount changed: the signature no longer matches.
            var tampered = new Dictionary<string, string>(WxPay.ParseXml(notification));
            tampered["total_fee"] = "1";
            string forged = WxPay.BuildXml(tampered);
            try
            {
                client.ParsePaymentNotification(forged);
                Console.Error.WriteLine("a forged notification was accepted");
                return 1;
            }
            catch (WxPaySignatureException e)
            {
                Console.WriteLine("  forged notification refused: " + e.CodeName + "; answer: "
                    + WxPay.NotificationReply(false, "invalid signature"));
            }
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

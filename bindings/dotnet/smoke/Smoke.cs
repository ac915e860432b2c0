using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using WeChatPay;

/// <summary>
/// The same WxPay.dll on whatever runtime runs this (test.sh runs it on .NET Core 3.1):
/// loading, every static entry point, the exception families, disposal, threads.
/// Usage: Smoke.exe [--library-path PATH] [--expect-loaded-from PATH] [--expect-load-failure]
/// Exit code 0 when every check passed.
/// </summary>
internal static class Smoke
{
    private const string Key = "8934e7d15453e97507ef794cf7b0519d";
    private static int failures;

    private static int Main(string[] args)
    {
        string libraryPath = Option(args, "--library-path");
        string expectedPath = Option(args, "--expect-loaded-from");
        if (libraryPath != null)
        {
            WxPay.LibraryPath = libraryPath;
        }
        string runtime = Type.GetType("Mono.Runtime") != null ? "Mono" : ".NET Core " + Environment.Version;
        if (args.Contains("--expect-load-failure"))
        {
            try
            {
                Console.WriteLine("unexpectedly loaded " + WxPay.LoadedLibraryPath);
                return 1;
            }
            catch (WxPayLibraryException e)
            {
                Console.WriteLine("smoke (" + runtime + "): load failed as expected: " + e.Message);
                return 0;
            }
        }

        Console.WriteLine("smoke (" + runtime + "): libwxpay " + WxPay.NativeVersion + " from " + WxPay.LoadedLibraryPath);
        Check(WxPay.NativeVersion == WxPay.WrapperVersion, "versions match");
        if (expectedPath != null)
        {
            Check(WxPay.LoadedLibraryPath == System.IO.Path.GetFullPath(expectedPath), "loaded from " + expectedPath);
        }

        var example = new Dictionary<string, string>
        {
            { "appid", "wxd930ea5d5a258f4f" }, { "mch_id", "10000100" }, { "device_info", "1000" },
            { "body", "test" }, { "nonce_str", "ibuaiVcKdpRxkhJA" },
        };
        Check(WxPay.Sign(example, "192006250b4c09247ec02edce69f6a2d") == "9A0A8659F005D6984697E2CA0A9CF3B7", "WeChat's MD5 example");

        var order = new Dictionary<string, string>(example) { { "total_fee", "0" }, { "attach", "深圳分店 😀" } };
        order["sign"] = WxPay.Sign(order, Key, SignType.HmacSha256);
        Check(order["sign"].Length == 64, "HMAC-SHA256 signature length");
        Check(WxPay.Verify(order, Key) == SignType.HmacSha256, "verify infers HMAC-SHA256");
        string xml = WxPay.BuildXml(order);
        Check(WxPay.ParseXml(xml).SequenceEqual(order), "XML round trip");
        Check(WxPay.VerifyXml(xml, Key).SequenceEqual(order), "VerifyXml");
        Check(WxPay.Nonce().Length == 32 && WxPay.Nonce() != WxPay.Nonce(), "nonce");

        Expect<WxPayXmlException>(301, () => WxPay.ParseXml("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><xml><a>&e;</a></xml>"));
        Expect<WxPayXmlException>(306, () => WxPay.ParseXml("<xml><a>" + new string('x', 10 << 20) + "</a></xml>"));
        Expect<WxPaySignatureException>(201, () => WxPay.VerifyXml(xml.Replace("ibuaiVcKdpRxkhJA", "forged"), Key));
        Expect<WxPayInvalidInputException>(104, () => WxPay.Sign(example, "not a key"));
        Expect<WxPayInvalidInputException>(100, () => WxPay.Sign(new Dictionary<string, string> { { "a", null } }, Key));
        Expect<WxPayInvalidInputException>(103, () => WxPay.Sign(new Dictionary<string, string> { { "a", "x\0y" } }, Key));
        Expect<WxPayInvalidInputException>(102, () => WxPay.Sign(new Dictionary<string, string> { { "a", "x" + (char)0xD800 } }, Key));

        var fields = new WxPayFields(order);
        Check(fields.Count == order.Count && WxPay.Verify(fields, Key) == SignType.HmacSha256, "WxPayFields");
        fields.Dispose();
        fields.Dispose();
        try
        {
            Console.WriteLine(fields.Count);
            Check(false, "ObjectDisposedException after Dispose");
        }
        catch (ObjectDisposedException)
        {
            Check(true, "ObjectDisposedException after Dispose");
        }

        string expected = WxPay.Sign(order, Key, SignType.HmacSha256);
        bool allEqual = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
            .SelectMany(_ => Enumerable.Range(0, 500).Select(i => WxPay.Sign(order, Key, SignType.HmacSha256)))
            .All(s => s == expected);
        Check(allEqual, "8 threads sign concurrently");
        var parallelErrors = Enumerable.Range(0, 200).AsParallel()
            .Select(i => Code(() => WxPay.ParseXml(i % 2 == 0 ? "<root/>" : "<xml><a><b/></a></xml>")) == (i % 2 == 0 ? 303 : 304))
            .ToList();
        Check(parallelErrors.All(ok => ok), "per-thread last error under concurrency");

        Console.WriteLine(failures == 0 ? "smoke: all checks passed" : "smoke: " + failures + " check(s) FAILED");
        return failures == 0 ? 0 : 1;
    }

    private static string Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            failures++;
            Console.WriteLine("FAILED: " + what);
        }
    }

    private static int Code(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (WxPayException e)
        {
            return e.Code;
        }
    }

    private static void Expect<T>(int code, Action action) where T : WxPayException
    {
        try
        {
            action();
            Check(false, typeof(T).Name + " " + code + " (nothing thrown)");
        }
        catch (T e)
        {
            Check(e.Code == code, typeof(T).Name + " " + code + " (got " + e.Code + " " + e.CodeName + ")");
        }
        catch (Exception e)
        {
            Check(false, typeof(T).Name + " " + code + " (got " + e.GetType().Name + ": " + e.Message + ")");
        }
    }
}

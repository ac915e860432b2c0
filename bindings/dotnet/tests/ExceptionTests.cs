using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NUnit.Framework;
using WeChatPay.Native;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class ExceptionTests
    {
        [Test]
        public void EveryFamilyDerivesFromWxPayException()
        {
            foreach (Type t in new[]
                     {
                         typeof(WxPayInvalidInputException), typeof(WxPaySignatureException), typeof(WxPayXmlException),
                         typeof(WxPayCertificateException), typeof(WxPayTransportException), typeof(WxPayProtocolException),
                         typeof(WxPayBusinessException),
                     })
            {
                Assert.IsTrue(typeof(WxPayException).IsAssignableFrom(t), t.Name);
            }
            Assert.IsTrue(typeof(DllNotFoundException).IsAssignableFrom(typeof(WxPayLibraryException)));
        }

        // The 4xx-7xx codes cannot be provoked until the client ABI lands; the table is checked directly.
        [TestCase(100, typeof(WxPayInvalidInputException))]
        [TestCase(112, typeof(WxPayInvalidInputException))]
        [TestCase(199, typeof(WxPayInvalidInputException))]
        [TestCase(201, typeof(WxPaySignatureException))]
        [TestCase(306, typeof(WxPayXmlException))]
        [TestCase(400, typeof(WxPayCertificateException))]
        [TestCase(512, typeof(WxPayTransportException))]
        [TestCase(600, typeof(WxPayProtocolException))]
        [TestCase(700, typeof(WxPayBusinessException))]
        [TestCase(900, typeof(WxPayException))]
        [TestCase(999, typeof(WxPayException))]
        [TestCase(12345, typeof(WxPayException))]
        public void TheCodeTableMapsFamiliesToTypes(int code, Type expected)
        {
            WxPayException e = Ensure.Create(code, "NAME", "message", null);
            Assert.AreEqual(expected, e.GetType());
            Assert.AreEqual(code, e.Code);
            Assert.AreEqual("NAME", e.CodeName);
            Assert.AreEqual("message", e.Message);
        }

        private static string Header()
        {
            // Tests run from bindings/dotnet/build (Mono and .NET Core alike); the header is at the root.
            for (var dir = new DirectoryInfo(AppDomain.CurrentDomain.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "include", "wxpay.h");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            Assert.Fail("include/wxpay.h not found above " + AppDomain.CurrentDomain.BaseDirectory);
            return null;
        }

        [Test]
        public void EveryCodeInTheHeaderHasItsNameAndFamily()
        {
            var codes = Regex.Matches(File.ReadAllText(Header()), @"^\s*(WXPAY_RESULT_[A-Z0-9_]+) = (\d+),", RegexOptions.Multiline)
                .Cast<Match>().ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
            Assert.Greater(codes.Count, 40);
            Assert.AreEqual(112, codes["WXPAY_RESULT_CLIENT_FORKED"]);
            var families = new Dictionary<int, Type>
            {
                { 1, typeof(WxPayInvalidInputException) }, { 2, typeof(WxPaySignatureException) }, { 3, typeof(WxPayXmlException) },
                { 4, typeof(WxPayCertificateException) }, { 5, typeof(WxPayTransportException) }, { 6, typeof(WxPayProtocolException) },
                { 7, typeof(WxPayBusinessException) }, { 9, typeof(WxPayException) },
            };
            Api api = LibraryLoader.Api;
            foreach (KeyValuePair<string, int> code in codes.Where(c => c.Value != 0))
            {
                Assert.AreEqual(code.Key, Utf8.FromNative(api.ResultName(code.Value)), "wxpay_result_name");
                WxPayException e = Ensure.Create(api, code.Value, "m");
                Assert.AreEqual(code.Key, e.CodeName);
                Assert.IsTrue(families[code.Value / 100].IsInstanceOfType(e), code.Key + " is a " + e.GetType().Name);
            }
        }

        [Test]
        public void ProtocolAndBusinessFailuresExposeTheResponse()
        {
            var response = new Dictionary<string, string>
            {
                { "return_code", "SUCCESS" }, { "return_msg", "OK" }, { "result_code", "FAIL" },
                { "err_code", "ORDERPAID" }, { "err_code_des", "该订单已支付" },
            };
            var business = (WxPayBusinessException)Ensure.Create(700, "X", "m", response);
            Assert.AreEqual("ORDERPAID", business.ErrCode);
            Assert.AreEqual("该订单已支付", business.ErrCodeDes);
            Assert.AreSame(response, business.Response);
            var protocol = (WxPayProtocolException)Ensure.Create(600, "X", "m", response);
            Assert.AreEqual("OK", protocol.ReturnMsg);
            var bare = (WxPayBusinessException)Ensure.Create(700, "X", "m", null);
            Assert.IsNull(bare.ErrCode);
            Assert.IsNull(bare.ErrCodeDes);
            Assert.IsNull(bare.Response);
            Assert.IsNull(new WxPayProtocolException(601, "X", "m", null).ReturnMsg);
        }

        [Test]
        public void RealFailuresCarryTheLibrarysMessageAndCName()
        {
            var e = Assert.Throws<WxPayXmlException>(() => WxPay.ParseXml("<root/>"));
            Assert.AreEqual("WXPAY_RESULT_XML_ROOT", e.CodeName);
            Assert.IsNotEmpty(e.Message);
            Assert.IsNull(e.Response);
            StringAssert.DoesNotStartWith("libwxpay returned", e.Message);
        }

        [Test]
        public void KeyNeverAppearsInMessages()
        {
            var order = TestData.UnifiedOrder();
            order["sign"] = "00000000000000000000000000000000";
            var failures = new List<Exception>
            {
                Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(order, TestData.Key)),
                Assert.Throws<WxPaySignatureException>(() => WxPay.Sign(order, TestData.Key, SignType.HmacSha256)),
                Assert.Throws<WxPaySignatureException>(() => WxPay.VerifyXml(WxPay.BuildXml(order), TestData.Key)),
            };
            foreach (Exception failure in failures)
            {
                StringAssert.DoesNotContain(TestData.Key, failure.ToString());
            }
        }
    }
}

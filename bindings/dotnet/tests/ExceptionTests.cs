using System;
using System.Collections.Generic;
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

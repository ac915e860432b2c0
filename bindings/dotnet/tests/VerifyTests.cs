using System.Collections.Generic;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class VerifyTests
    {
        private static Dictionary<string, string> Signed(SignType type)
        {
            var order = TestData.UnifiedOrder();
            order.Remove("sign_type");
            order["sign"] = WxPay.Sign(order, TestData.Key, type);
            return order;
        }

        [Test]
        public void AcceptsAGoodSignatureAndTellsTheAlgorithm()
        {
            Assert.AreEqual(SignType.Md5, WxPay.Verify(Signed(SignType.Md5), TestData.Key));
            Assert.AreEqual(SignType.Md5, WxPay.Verify(Signed(SignType.Md5), TestData.Key, SignType.Md5));
            // No sign_type field: the 64-digit length says HMAC-SHA256.
            Assert.AreEqual(SignType.HmacSha256, WxPay.Verify(Signed(SignType.HmacSha256), TestData.Key));
        }

        [Test]
        public void ForgedValueIsASignatureMismatch()
        {
            var message = Signed(SignType.Md5);
            message["total_fee"] = "1";
            var e = Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(message, TestData.Key));
            Assert.AreEqual(201, e.Code);
            Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISMATCH", e.CodeName);
        }

        [Test]
        public void ForgedSignatureAndWrongKeyAreMismatches()
        {
            var message = Signed(SignType.HmacSha256);
            Assert.AreEqual(201, Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(message, TestData.OtherKey)).Code);
            message["sign"] = message["sign"].ToLowerInvariant();
            Assert.AreEqual(201, Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(message, TestData.Key)).Code);
            message["sign"] = "ABC";
            Assert.AreEqual(201, Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(message, TestData.Key)).Code);
        }

        [Test]
        public void MissingOrEmptySignIsRefused()
        {
            var message = TestData.UnifiedOrder();
            Assert.AreEqual(200, Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(message, TestData.Key)).Code);
            message["sign"] = "";
            var e = Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(message, TestData.Key));
            Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISSING", e.CodeName);
        }

        [Test]
        public void ExpectingAnotherAlgorithmThanAnnouncedIsRefused()
        {
            var message = TestData.UnifiedOrder(); // announces MD5
            message["sign"] = WxPay.Sign(message, TestData.Key);
            Assert.AreEqual(202, Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(message, TestData.Key, SignType.HmacSha256)).Code);
        }

        [Test]
        public void BadArgumentsAreInvalidInput()
        {
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Verify(null, TestData.Key)).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Verify(Signed(SignType.Md5), null)).Code);
            Assert.AreEqual(104, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Verify(Signed(SignType.Md5), "nope")).Code);
            var broken = Signed(SignType.Md5);
            broken["body"] = "\uD800";
            Assert.AreEqual(102, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Verify(broken, TestData.Key)).Code);
        }
    }
}

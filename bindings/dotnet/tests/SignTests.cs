using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using WeChatPay.Reference;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class SignTests
    {
        [Test]
        public void SignsWeChatsOwnExample()
        {
            Assert.AreEqual(TestData.DocMd5Signature, WxPay.Sign(TestData.DocExample(), TestData.DocKey, SignType.Md5));
            Assert.AreEqual(TestData.DocMd5Signature, WxPay.Sign(TestData.DocExample(), TestData.DocKey));
        }

        [Test, Category(TestData.ManagedCrypto)]
        public void Md5AndHmacMatchThePlainCSharpImplementation()
        {
            var order = TestData.UnifiedOrder();
            Assert.AreEqual(PlainSigner.Sign(order, TestData.Key, false), WxPay.Sign(order, TestData.Key, SignType.Md5));
            order["sign_type"] = "HMAC-SHA256";
            string hmac = WxPay.Sign(order, TestData.Key, SignType.HmacSha256);
            Assert.AreEqual(64, hmac.Length);
            Assert.AreEqual(PlainSigner.Sign(order, TestData.Key, true), hmac);
        }

        [Test, Category(TestData.ManagedCrypto)]
        public void RandomMessagesMatchThePlainCSharpImplementation()
        {
            var random = new Random(20261124);
            const string alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789";
            const string valueChars = "aZ09 &=<>]]>\"'中文€\t\n";
            for (int round = 0; round < 300; round++)
            {
                var fields = new Dictionary<string, string>();
                int n = random.Next(0, 20);
                while (fields.Count < n)
                {
                    var name = new char[random.Next(1, 12)];
                    for (int i = 0; i < name.Length; i++)
                    {
                        name[i] = alphabet[random.Next(alphabet.Length)];
                    }
                    var value = new char[random.Next(0, 30)];
                    for (int i = 0; i < value.Length; i++)
                    {
                        value[i] = valueChars[random.Next(valueChars.Length)];
                    }
                    string key = new string(name);
                    if (key != "sign_type")
                    {
                        fields[key] = new string(value);
                    }
                }
                bool hmac = random.Next(2) == 1;
                Assert.AreEqual(PlainSigner.Sign(fields, TestData.Key, hmac),
                    WxPay.Sign(fields, TestData.Key, hmac ? SignType.HmacSha256 : SignType.Md5), "round " + round);
            }
        }

        [Test]
        public void SignTypeNumbersAreTheCAbis()
        {
            Assert.AreEqual(0, (int)SignType.Auto);
            Assert.AreEqual(1, (int)SignType.Md5);
            Assert.AreEqual(2, (int)SignType.HmacSha256);
        }

        [Test]
        public void DropsEmptyValuesKeepsZeroAndIgnoresSign()
        {
            var basic = new Dictionary<string, string> { { "a", "1" }, { "total_fee", "0" } };
            var padded = new Dictionary<string, string> { { "a", "1" }, { "total_fee", "0" }, { "empty", "" }, { "sign", "WHATEVER" } };
            Assert.AreEqual(WxPay.Sign(basic, TestData.Key), WxPay.Sign(padded, TestData.Key));
            var withoutZero = new Dictionary<string, string> { { "a", "1" } };
            Assert.AreNotEqual(WxPay.Sign(basic, TestData.Key), WxPay.Sign(withoutZero, TestData.Key));
        }

        [Test]
        public void AutoFollowsTheSignTypeField()
        {
            var order = TestData.UnifiedOrder();
            order["sign_type"] = "HMAC-SHA256";
            Assert.AreEqual(WxPay.Sign(order, TestData.Key, SignType.HmacSha256), WxPay.Sign(order, TestData.Key, SignType.Auto));
        }

        [Test]
        public void DoesNotModifyTheInput()
        {
            var order = TestData.UnifiedOrder();
            var before = TestData.Copy(order);
            WxPay.Sign(order, TestData.Key);
            CollectionAssert.AreEqual(before, order);
        }

        [Test]
        public void AcceptsAnySequenceOfPairs()
        {
            var sorted = new SortedDictionary<string, string>(TestData.DocExample());
            var list = new List<KeyValuePair<string, string>>(TestData.DocExample());
            Assert.AreEqual(TestData.DocMd5Signature, WxPay.Sign(sorted, TestData.DocKey));
            Assert.AreEqual(TestData.DocMd5Signature, WxPay.Sign(list, TestData.DocKey));
        }

        [Test]
        public void SignTypeFieldThatDisagreesIsASignatureError()
        {
            var order = TestData.UnifiedOrder();
            var e = Assert.Throws<WxPaySignatureException>(() => WxPay.Sign(order, TestData.Key, SignType.HmacSha256));
            Assert.AreEqual(202, e.Code);
            Assert.AreEqual("WXPAY_RESULT_SIGN_TYPE_MISMATCH", e.CodeName);
        }

        [Test]
        public void UnknownSignTypeFieldIsInvalidInput()
        {
            var order = TestData.UnifiedOrder();
            order["sign_type"] = "SHA1";
            Assert.AreEqual(105, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(order, TestData.Key)).Code);
        }

        [Test]
        public void UndefinedSignTypeValueIsInvalidInput()
        {
            var e = Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(TestData.DocExample(), TestData.Key, (SignType)7));
            Assert.AreEqual(101, e.Code);
        }

        [TestCase("")]
        [TestCase("short")]
        [TestCase("192006250b4c09247ec02edce69f6a2")]
        [TestCase("192006250b4c09247ec02edce69f6a2dd")]
        [TestCase("192006250b4c09247ec02edce69f6a-d")]
        [TestCase("192006250b4c09247ec02edce69f6a中")]
        public void BadKeysAreRejectedWithoutBeingQuoted(string key)
        {
            var e = Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(TestData.DocExample(), key));
            Assert.AreEqual(104, e.Code);
            Assert.AreEqual("WXPAY_RESULT_INVALID_KEY", e.CodeName);
            if (key.Length > 0)
            {
                StringAssert.DoesNotContain(key, e.Message);
            }
        }

        [Test]
        public void NullArgumentsAreInvalidInput()
        {
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(null, TestData.Key)).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(TestData.DocExample(), null)).Code);
        }

        [Test]
        public void NullNameOrValueIsInvalidInputAndNamed()
        {
            var nullValue = TestData.DocExample();
            nullValue["attach"] = null;
            var e = Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(nullValue, TestData.Key));
            Assert.AreEqual(100, e.Code);
            StringAssert.Contains("attach", e.Message);

            var nullName = new List<KeyValuePair<string, string>> { new KeyValuePair<string, string>(null, "x") };
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(nullName, TestData.Key)).Code);
        }

        [Test]
        public void NulInsideAValueOrNameIsRefusedNotTruncated()
        {
            var value = TestData.DocExample();
            value["body"] = "te\0st";
            Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(value, TestData.Key)).Code);
            var name = TestData.DocExample();
            name["bo\0dy"] = "x";
            Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(name, TestData.Key)).Code);
        }

        // Built in code: attribute arguments are stored as UTF-8, which would turn them into U+FFFD.
        internal static readonly string[] LoneSurrogates =
        {
            new string((char)0xD800, 1), "ok" + (char)0xDC00, (char)0xDBFF + "x", "a" + (char)0xDC00 + (char)0xD800,
        };

        [TestCase(0)]
        [TestCase(1)]
        [TestCase(2)]
        [TestCase(3)]
        public void LoneSurrogatesAreInvalidInput(int which)
        {
            string broken = LoneSurrogates[which];
            Assert.IsTrue(broken.Any(char.IsSurrogate), "the test string holds a lone surrogate");
            var value = TestData.DocExample();
            value["body"] = broken;
            Assert.AreEqual(102, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(value, TestData.Key)).Code);
            var name = TestData.DocExample();
            name[broken] = "x";
            Assert.AreEqual(102, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(name, TestData.Key)).Code);
            Assert.AreEqual(102, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(TestData.DocExample(), broken)).Code);
        }

        [Test, Category(TestData.ManagedCrypto)]
        public void SurrogatePairsAreSignedAsUtf8()
        {
            var fields = new Dictionary<string, string> { { "body", "emoji 😀 in a value" } };
            Assert.AreEqual(PlainSigner.Sign(fields, TestData.Key, false), WxPay.Sign(fields, TestData.Key, SignType.Md5));
        }

        [Test]
        public void DuplicateNamesInAListAreRefused()
        {
            var list = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("a", "1"),
                new KeyValuePair<string, string>("a", "2"),
            };
            Assert.AreEqual(106, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(list, TestData.Key)).Code);
        }

        [Test]
        public void AnEmptyNameIsRefused()
        {
            var fields = new Dictionary<string, string> { { "", "x" } };
            Assert.AreEqual(107, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(fields, TestData.Key)).Code);
        }

        [Test, Category(TestData.ManagedCrypto)]
        public void LargeMessagesOutgrowTheReusedBuffer()
        {
            var fields = new Dictionary<string, string> { { "detail", new string('x', 200000) }, { "body", "中文" } };
            Assert.AreEqual(PlainSigner.Sign(fields, TestData.Key, false), WxPay.Sign(fields, TestData.Key, SignType.Md5));
            Assert.AreEqual(TestData.DocMd5Signature, WxPay.Sign(TestData.DocExample(), TestData.DocKey));
        }
    }
}

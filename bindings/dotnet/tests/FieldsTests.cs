using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class FieldsTests
    {
        [Test]
        public void EmptySet()
        {
            using (var fields = new WxPayFields())
            {
                Assert.AreEqual(0, fields.Count);
                Assert.IsFalse(fields.ContainsKey("a"));
                CollectionAssert.IsEmpty(fields.ToDictionary());
                Assert.IsFalse(fields.IsDisposed);
            }
        }

        [Test]
        public void HoldsWhatItWasGivenInOrder()
        {
            var order = TestData.UnifiedOrder();
            using (var fields = new WxPayFields(order))
            {
                Assert.AreEqual(16, fields.Count);
                CollectionAssert.AreEqual(order.Keys.ToArray(), fields.Keys.ToArray());
                CollectionAssert.AreEqual(order.Values.ToArray(), fields.Values.ToArray());
                CollectionAssert.AreEqual(order, fields.ToDictionary());
                CollectionAssert.AreEqual(order.ToList(), fields.ToList());
                int seen = 0;
                foreach (object field in (System.Collections.IEnumerable)fields)
                {
                    Assert.IsInstanceOf<KeyValuePair<string, string>>(field);
                    seen++;
                }
                Assert.AreEqual(16, seen);
                Assert.AreEqual("腾讯充值中心-QQ会员充值", fields["body"]);
                string value;
                Assert.IsTrue(fields.TryGetValue("total_fee", out value));
                Assert.AreEqual("88", value);
                Assert.IsFalse(fields.TryGetValue("missing", out value));
                Assert.IsNull(value);
                Assert.Throws<KeyNotFoundException>(() => { var unused = fields["missing"]; });
            }
        }

        [Test]
        public void SetReplacesInPlaceOrAppends()
        {
            using (var fields = new WxPayFields(TestData.DocExample()))
            {
                fields["mch_id"] = "1";
                fields.Set("sign", "X");
                CollectionAssert.AreEqual(new[] { "appid", "mch_id", "device_info", "body", "nonce_str", "sign" }, fields.Keys.ToArray());
                Assert.AreEqual("1", fields["mch_id"]);
                Assert.AreEqual(6, fields.Count);
            }
        }

        [Test]
        public void RefusesBadNamesAndValues()
        {
            using (var fields = new WxPayFields())
            {
                Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => fields.Set(null, "x")).Code);
                Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => fields.Set("a", null)).Code);
                Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(() => fields.Set("a", "x\0y")).Code);
                Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(() => fields.ContainsKey("a\0")).Code);
                Assert.AreEqual(102, Assert.Throws<WxPayInvalidInputException>(() => fields.Set("a", "\uD800")).Code);
                Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => fields.TryGetValue(null, out string unused)).Code);
                Assert.Throws<WxPayInvalidInputException>(() => fields.Set("", "x"));
                Assert.AreEqual(0, fields.Count, "nothing was stored by a refused call");
            }
            Assert.AreEqual(106, Assert.Throws<WxPayInvalidInputException>(() => new WxPayFields(new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("a", "1"),
                new KeyValuePair<string, string>("a", "2"),
            })).Code);
            Assert.AreEqual(107, Assert.Throws<WxPayInvalidInputException>(
                () => new WxPayFields(new Dictionary<string, string> { { "", "x" } })).Code);
            Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(
                () => new WxPayFields(new Dictionary<string, string> { { "a", "\0" } })).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => new WxPayFields(null)).Code);
        }

        [Test]
        public void SignsAndVerifiesLikeADictionary()
        {
            var order = TestData.UnifiedOrder();
            using (var fields = new WxPayFields(order))
            {
                Assert.AreEqual(WxPay.Sign(order, TestData.Key), WxPay.Sign(fields, TestData.Key));
                fields["sign"] = WxPay.Sign(fields, TestData.Key);
                Assert.AreEqual(SignType.Md5, WxPay.Verify(fields, TestData.Key));
                fields["total_fee"] = "1";
                Assert.AreEqual(201, Assert.Throws<WxPaySignatureException>(() => WxPay.Verify(fields, TestData.Key)).Code);
                Assert.AreEqual(104, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Sign(fields, "short")).Code);
                Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.Verify(fields, null)).Code);
            }
        }

        [Test]
        public void BuildsXmlFromItsOwnBuffer()
        {
            var order = TestData.UnifiedOrder();
            using (var fields = new WxPayFields(order))
            {
                Assert.AreEqual(WxPay.BuildXml(order), WxPay.BuildXml(fields));
                fields.Dispose();
                Assert.Throws<ObjectDisposedException>(() => WxPay.BuildXml(fields));
            }
        }

        [Test]
        public void ParsesXmlIntoANativeSet()
        {
            using (var fields = WxPayFields.ParseXml(Encoding.UTF8.GetBytes("<xml><b>2</b><a>1</a></xml>")))
            {
                CollectionAssert.AreEqual(new[] { "b", "a" }, fields.Keys.ToArray());
            }
            Assert.AreEqual(304, Assert.Throws<WxPayXmlException>(
                () => WxPayFields.ParseXml(Encoding.UTF8.GetBytes("<xml><a><b/></a></xml>"))).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPayFields.ParseXml(null)).Code);
        }

        [Test]
        public void DisposeTwiceIsHarmless()
        {
            var fields = new WxPayFields(TestData.DocExample());
            fields.Dispose();
            fields.Dispose();
            Assert.IsTrue(fields.IsDisposed);
        }

        [Test]
        public void EveryMemberThrowsObjectDisposedAfterDispose()
        {
            var fields = new WxPayFields(TestData.DocExample());
            fields.Dispose();
            string value;
            Assert.Throws<ObjectDisposedException>(() => { var unused = fields.Count; });
            Assert.Throws<ObjectDisposedException>(() => { var unused = fields["appid"]; });
            Assert.Throws<ObjectDisposedException>(() => fields["appid"] = "x");
            Assert.Throws<ObjectDisposedException>(() => fields.Set("a", "b"));
            Assert.Throws<ObjectDisposedException>(() => fields.TryGetValue("appid", out value));
            Assert.Throws<ObjectDisposedException>(() => fields.ContainsKey("appid"));
            Assert.Throws<ObjectDisposedException>(() => fields.ToDictionary());
            Assert.Throws<ObjectDisposedException>(() => fields.Keys.ToList());
            Assert.Throws<ObjectDisposedException>(() => fields.Values.ToList());
            Assert.Throws<ObjectDisposedException>(() => fields.GetEnumerator());
            Assert.Throws<ObjectDisposedException>(() => WxPay.Sign(fields, TestData.Key));
            Assert.Throws<ObjectDisposedException>(() => WxPay.Verify(fields, TestData.Key));
        }

        [Test]
        public void UndisposedSetsAreCollectedWithoutHarm()
        {
            WeakReference weak = CreateAndDrop();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.IsFalse(weak.IsAlive);
        }

        private static WeakReference CreateAndDrop()
        {
            var fields = new WxPayFields(TestData.UnifiedOrder());
            Assert.AreEqual(16, fields.Count);
            return new WeakReference(fields);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class XmlTests
    {
        private static WxPayXmlException Refused(string xml)
        {
            return Assert.Throws<WxPayXmlException>(() => WxPay.ParseXml(xml));
        }

        [Test]
        public void ParsesTextCdataAndPredefinedEntitiesInDocumentOrder()
        {
            var fields = WxPay.ParseXml(
                "<xml><return_code><![CDATA[SUCCESS]]></return_code><b>1 &lt; 2 &amp;&quot;</b><a><![CDATA[中文]]></a><empty></empty></xml>");
            CollectionAssert.AreEqual(new[] { "return_code", "b", "a", "empty" }, fields.Keys.ToArray());
            Assert.AreEqual("SUCCESS", fields["return_code"]);
            Assert.AreEqual("1 < 2 &\"", fields["b"]);
            Assert.AreEqual("中文", fields["a"]);
            Assert.AreEqual("", fields["empty"]);
        }

        [Test]
        public void BuildThenParseGivesBackEveryValueUnchanged()
        {
            var fields = new Dictionary<string, string>
            {
                { "tricky", "a]]>b]]]]>c" },
                { "crlf", "line1\r\nline2\rend" },
                { "markup", "<x>&amp;</x>" },
                { "unicode", "中文 😀" },
                { "empty", "" },
                { "zero", "0" },
            };
            string xml = WxPay.BuildXml(fields);
            StringAssert.StartsWith("<xml>", xml);
            var back = WxPay.ParseXml(xml);
            CollectionAssert.AreEqual(fields, back);
            CollectionAssert.AreEqual(fields.Keys.ToArray(), back.Keys.ToArray());
        }

        [Test]
        public void BuildsTheDocumentInTheOrderGiven()
        {
            var fields = new List<KeyValuePair<string, string>>
            {
                new KeyValuePair<string, string>("z", "1"),
                new KeyValuePair<string, string>("a", "2"),
            };
            Assert.AreEqual("<xml><z><![CDATA[1]]></z><a><![CDATA[2]]></a></xml>", WxPay.BuildXml(fields));
            Assert.AreEqual("<xml></xml>", WxPay.BuildXml(new Dictionary<string, string>()));
        }

        [Test]
        public void BuildRefusesBadNamesValuesAndNulls()
        {
            Assert.AreEqual(107, Assert.Throws<WxPayInvalidInputException>(
                () => WxPay.BuildXml(new Dictionary<string, string> { { "1abc", "x" } })).Code);
            Assert.AreEqual(107, Assert.Throws<WxPayInvalidInputException>(
                () => WxPay.BuildXml(new Dictionary<string, string> { { "a b", "x" } })).Code);
            Assert.AreEqual(108, Assert.Throws<WxPayInvalidInputException>(
                () => WxPay.BuildXml(new Dictionary<string, string> { { "a", "bell\u0007" } })).Code);
            Assert.AreEqual(103, Assert.Throws<WxPayInvalidInputException>(
                () => WxPay.BuildXml(new Dictionary<string, string> { { "a", "x\0y" } })).Code);
            Assert.AreEqual(102, Assert.Throws<WxPayInvalidInputException>(
                () => WxPay.BuildXml(new Dictionary<string, string> { { "a", "\uDC00" } })).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(
                () => WxPay.BuildXml(new Dictionary<string, string> { { "a", null } })).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.BuildXml(null)).Code);
        }

        [Test]
        public void RefusesXxe()
        {
            var e = Refused("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><a>&xxe;</a></xml>");
            Assert.AreEqual(301, e.Code);
            Assert.AreEqual("WXPAY_RESULT_XML_DOCTYPE", e.CodeName);
        }

        [Test]
        public void RefusesBillionLaughs()
        {
            var doc = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
            for (int i = 1; i < 10; i++)
            {
                doc.AppendFormat("<!ENTITY lol{0} \"{1}\">", i, string.Concat(Enumerable.Repeat("&lol" + (i == 1 ? "" : (i - 1).ToString()) + ";", 10)));
            }
            doc.Append("]><xml><a>&lol9;</a></xml>");
            Assert.AreEqual(301, Refused(doc.ToString()).Code);
        }

        [Test]
        public void RefusesUndefinedEntities()
        {
            Assert.AreEqual(302, Refused("<xml><a>&nbsp;</a></xml>").Code);
        }

        [Test]
        public void RefusesAnotherRoot()
        {
            Assert.AreEqual(303, Refused("<root><a>1</a></root>").Code);
        }

        [Test]
        public void RefusesNestedElements()
        {
            Assert.AreEqual(304, Refused("<xml><a><b>1</b></a></xml>").Code);
        }

        [Test]
        public void RefusesDuplicateFields()
        {
            var e = Refused("<xml><total_fee>1</total_fee><total_fee>100</total_fee></xml>");
            Assert.AreEqual(305, e.Code);
            Assert.AreEqual("WXPAY_RESULT_XML_DUPLICATE", e.CodeName);
        }

        [Test]
        public void RefusesMoreFieldsThanTheLimit()
        {
            var fields = new System.Text.StringBuilder("<xml>");
            for (int i = 0; i <= 1024; i++)
            {
                fields.Append("<f").Append(i).Append(">v</f").Append(i).Append('>');
            }
            var e = Refused(fields.Append("</xml>").ToString());
            Assert.AreEqual(308, e.Code);
            Assert.AreEqual("WXPAY_RESULT_XML_TOO_MANY_FIELDS", e.CodeName);
        }

        [Test]
        public void RefusesMalformedXml()
        {
            Assert.AreEqual(300, Refused("<xml><a>1</b></xml>").Code);
            Assert.AreEqual(300, Refused("").Code);
            Assert.AreEqual(300, Assert.Throws<WxPayXmlException>(() => WxPay.ParseXml(new byte[0])).Code);
        }

        [Test]
        public void RefusesTenMebibytesBeforeParsing()
        {
            string big = "<xml><a>" + new string('x', 10 * 1024 * 1024) + "</a></xml>";
            Assert.AreEqual(306, Refused(big).Code);
            Assert.AreEqual(306, Assert.Throws<WxPayXmlException>(() => WxPay.VerifyXml(big, TestData.Key)).Code);
        }

        [Test]
        public void MaxSizeZeroMeansTheDefaultAndALargerLimitAdmitsMore()
        {
            string doc = "<xml><a>" + new string('x', WxPay.DefaultMaxXmlSize) + "</a></xml>";
            Assert.AreEqual(306, Assert.Throws<WxPayXmlException>(() => WxPay.ParseXml(doc, 0)).Code);
            Assert.AreEqual(WxPay.DefaultMaxXmlSize, WxPay.ParseXml(doc, 2 * WxPay.DefaultMaxXmlSize)["a"].Length);
            Assert.AreEqual(306, Assert.Throws<WxPayXmlException>(() => WxPay.ParseXml("<xml><a>1</a></xml>", 10)).Code);
        }

        [Test]
        public void ANulInsideAValueIsRefused()
        {
            Assert.AreEqual(300, Refused("<xml><a>x\0y</a></xml>").Code);
        }

        [Test]
        public void ANulInsideAnElementNameNeverComesOutAsChangedData()
        {
            // libwxpay 0.1.0 accepts this element name with its NUL and hands out a packed set
            // that reads as { a = "" }; the wrapper detects the ambiguity and refuses it.
            var e = Assert.Catch<WxPayException>(() => WxPay.ParseXml("<xml><a\0>1</a\0></xml>"));
            Assert.That(e is WxPayXmlException || e is WxPayInvalidInputException, e.GetType().Name);
        }

        [Test]
        public void RefusesBytesThatAreNotUtf8()
        {
            byte[] latin1 = { (byte)'<', (byte)'x', (byte)'m', (byte)'l', (byte)'>', (byte)'<', (byte)'a', (byte)'>', 0xE9,
                (byte)'<', (byte)'/', (byte)'a', (byte)'>', (byte)'<', (byte)'/', (byte)'x', (byte)'m', (byte)'l', (byte)'>' };
            Assert.AreEqual(307, Assert.Throws<WxPayXmlException>(() => WxPay.ParseXml(latin1)).Code);
        }

        [Test]
        public void ByteOverloadParsesUtf8()
        {
            var fields = WxPay.ParseXml(Encoding.UTF8.GetBytes("<xml><a>中</a></xml>"));
            Assert.AreEqual("中", fields["a"]);
        }

        [Test]
        public void BadArgumentsAreInvalidInput()
        {
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.ParseXml((string)null)).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.ParseXml((byte[])null)).Code);
            Assert.AreEqual(101, Assert.Throws<WxPayInvalidInputException>(() => WxPay.ParseXml("<xml/>", -1)).Code);
            Assert.AreEqual(102, Assert.Throws<WxPayInvalidInputException>(() => WxPay.ParseXml("<xml><a>\uD800</a></xml>")).Code);
        }

        [Test]
        public void VerifyXmlReturnsTheVerifiedFields()
        {
            var order = TestData.UnifiedOrder();
            order["sign"] = WxPay.Sign(order, TestData.Key);
            string xml = WxPay.BuildXml(order);
            var fields = WxPay.VerifyXml(xml, TestData.Key);
            CollectionAssert.AreEqual(order, fields);
            CollectionAssert.AreEqual(order, WxPay.VerifyXml(Encoding.UTF8.GetBytes(xml), TestData.Key, SignType.Md5));
        }

        [Test]
        public void VerifyXmlRefusesForgedAndUnsignedDocuments()
        {
            var order = TestData.UnifiedOrder();
            order["sign"] = WxPay.Sign(order, TestData.Key);
            string forged = WxPay.BuildXml(order).Replace("<![CDATA[88]]>", "<![CDATA[1]]>");
            Assert.AreEqual(201, Assert.Throws<WxPaySignatureException>(() => WxPay.VerifyXml(forged, TestData.Key)).Code);
            order.Remove("sign");
            Assert.AreEqual(200, Assert.Throws<WxPaySignatureException>(() => WxPay.VerifyXml(WxPay.BuildXml(order), TestData.Key)).Code);
            Assert.AreEqual(301, Assert.Throws<WxPayXmlException>(() => WxPay.VerifyXml("<!DOCTYPE x><xml/>", TestData.Key)).Code);
        }

        [Test]
        public void VerifyXmlRefusesBadArguments()
        {
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.VerifyXml((string)null, TestData.Key)).Code);
            Assert.AreEqual(100, Assert.Throws<WxPayInvalidInputException>(() => WxPay.VerifyXml("<xml/>", null)).Code);
            Assert.AreEqual(104, Assert.Throws<WxPayInvalidInputException>(() => WxPay.VerifyXml("<xml/>", "bad")).Code);
            Assert.AreEqual(101, Assert.Throws<WxPayInvalidInputException>(() => WxPay.VerifyXml("<xml/>", TestData.Key, SignType.Auto, -5)).Code);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using NUnit.Framework;
using WeChatPay.Reference;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class SignerTests
    {
        private static Dictionary<string, string> Signed(SignType type)
        {
            var order = TestData.UnifiedOrder();
            order["sign_type"] = type == SignType.HmacSha256 ? "HMAC-SHA256" : "MD5";
            order["sign"] = WxPay.Sign(order, TestData.Key, type);
            return order;
        }

        /// <summary>Both calls must fail alike: same type, code, C name and message.</summary>
        private static void AssertSameFailure(TestDelegate viaSigner, TestDelegate viaWxPay)
        {
            var a = Assert.Catch<WxPayException>(viaSigner);
            var b = Assert.Catch<WxPayException>(viaWxPay);
            Assert.AreEqual(b.GetType(), a.GetType());
            Assert.AreEqual(b.Code, a.Code);
            Assert.AreEqual(b.CodeName, a.CodeName);
            Assert.AreEqual(b.Message, a.Message);
            StringAssert.DoesNotContain(TestData.Key, a.ToString());
        }

        [Test]
        public void SignsWeChatsOwnExample()
        {
            using (var md5 = new WxPaySigner(TestData.DocKey, SignType.Md5))
            using (var auto = new WxPaySigner(TestData.DocKey))
            {
                Assert.AreEqual(TestData.DocMd5Signature, md5.Sign(TestData.DocExample()));
                Assert.AreEqual(TestData.DocMd5Signature, auto.Sign(TestData.DocExample()));
            }
        }

        [TestCase(SignType.Auto, "MD5")]
        [TestCase(SignType.Auto, "HMAC-SHA256")]
        [TestCase(SignType.Auto, null)]
        [TestCase(SignType.Md5, "MD5")]
        [TestCase(SignType.Md5, null)]
        [TestCase(SignType.HmacSha256, "HMAC-SHA256")]
        [TestCase(SignType.HmacSha256, null)]
        public void SignEqualsWxPaySign(SignType type, string signTypeField)
        {
            var order = TestData.UnifiedOrder();
            order.Remove("sign_type");
            if (signTypeField != null)
            {
                order["sign_type"] = signTypeField;
            }
            string expected = WxPay.Sign(order, TestData.Key, type);
            using (var signer = new WxPaySigner(TestData.Key, type))
            using (var native = new WxPayFields(order))
            {
                Assert.AreEqual(expected, signer.Sign(order));
                Assert.AreEqual(expected, signer.Sign(order.ToList()));
                Assert.AreEqual(expected, signer.Sign(native));
                Assert.AreEqual(expected, signer.Sign(order), "a second call gives the same");
                bool hmac = type == SignType.HmacSha256 || signTypeField == "HMAC-SHA256";
                Assert.AreEqual(hmac ? 64 : 32, expected.Length);
            }
        }

        [Test, Category(TestData.ManagedCrypto)]
        public void SignMatchesPlainCSharpOnRandomMessages()
        {
            var random = new Random(1124);
            const string alphabet = "abcdefghijklmnopqrstuvwxyz_0123456789";
            const string valueChars = "aZ09 &=<>]]>\"'中文€\t\n";
            using (var md5 = new WxPaySigner(TestData.Key, SignType.Md5))
            using (var hmacSigner = new WxPaySigner(TestData.Key, SignType.HmacSha256))
            {
                for (int round = 0; round < 300; round++)
                {
                    var fields = new Dictionary<string, string>();
                    int n = random.Next(0, 20);
                    while (fields.Count < n)
                    {
                        string name = new string(Enumerable.Range(0, random.Next(1, 12))
                            .Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
                        string value = new string(Enumerable.Range(0, random.Next(0, 30))
                            .Select(_ => valueChars[random.Next(valueChars.Length)]).ToArray());
                        if (name != "sign_type")
                        {
                            fields[name] = value;
                        }
                    }
                    bool hmac = random.Next(2) == 1;
                    Assert.AreEqual(PlainSigner.Sign(fields, TestData.Key, hmac), (hmac ? hmacSigner : md5).Sign(fields),
                        "round " + round);
                }
            }
        }

        [Test, Category(TestData.ManagedCrypto)]
        public void SignMatchesAnIndependentManagedComputation()
        {
            // Written out here rather than through PlainSigner: sorted names, empty values and
            // sign left out, "&key=", then MD5 or HMAC-SHA256 keyed with the key, uppercase hex.
            var order = TestData.UnifiedOrder();
            order["empty"] = "";
            order["sign"] = "IGNORED";
            string canonical = string.Join("&", order.Where(f => f.Key != "sign" && f.Value != "")
                .OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Key + "=" + f.Value)) + "&key=" + TestData.Key;
            byte[] message = Encoding.UTF8.GetBytes(canonical);
            string md5;
            using (var hash = MD5.Create())
            {
                md5 = BitConverter.ToString(hash.ComputeHash(message)).Replace("-", "");
            }
            using (var signer = new WxPaySigner(TestData.Key, SignType.Md5))
            {
                Assert.AreEqual(md5, signer.Sign(order));
            }
            order["sign_type"] = "HMAC-SHA256";
            canonical = canonical.Replace("sign_type=MD5", "sign_type=HMAC-SHA256");
            string hmac;
            using (var hash = new HMACSHA256(Encoding.UTF8.GetBytes(TestData.Key)))
            {
                hmac = BitConverter.ToString(hash.ComputeHash(Encoding.UTF8.GetBytes(canonical))).Replace("-", "");
            }
            using (var signer = new WxPaySigner(TestData.Key, SignType.HmacSha256))
            {
                Assert.AreEqual(hmac, signer.Sign(order));
            }
        }

        [Test]
        public void SignFailuresAreWxPaySignsFailures()
        {
            using (var md5 = new WxPaySigner(TestData.Key, SignType.Md5))
            {
                var hmacOrder = TestData.UnifiedOrder();
                hmacOrder["sign_type"] = "HMAC-SHA256";
                AssertSameFailure(() => md5.Sign(hmacOrder), () => WxPay.Sign(hmacOrder, TestData.Key, SignType.Md5));
                Assert.AreEqual("WXPAY_RESULT_SIGN_TYPE_MISMATCH",
                    Assert.Throws<WxPaySignatureException>(() => md5.Sign(hmacOrder)).CodeName);

                var unknown = TestData.UnifiedOrder();
                unknown["sign_type"] = "SHA1";
                AssertSameFailure(() => md5.Sign(unknown), () => WxPay.Sign(unknown, TestData.Key, SignType.Md5));

                var nulValue = new Dictionary<string, string> { { "a", "x\0y" } };
                AssertSameFailure(() => md5.Sign(nulValue), () => WxPay.Sign(nulValue, TestData.Key, SignType.Md5));
                var nullValue = new Dictionary<string, string> { { "a", null } };
                AssertSameFailure(() => md5.Sign(nullValue), () => WxPay.Sign(nullValue, TestData.Key, SignType.Md5));
                var surrogate = new Dictionary<string, string> { { "a", "\ud800" } };
                AssertSameFailure(() => md5.Sign(surrogate), () => WxPay.Sign(surrogate, TestData.Key, SignType.Md5));
                var duplicate = new List<KeyValuePair<string, string>>
                {
                    new KeyValuePair<string, string>("a", "1"), new KeyValuePair<string, string>("a", "2"),
                };
                AssertSameFailure(() => md5.Sign(duplicate), () => WxPay.Sign(duplicate, TestData.Key, SignType.Md5));
                AssertSameFailure(() => md5.Sign(null), () => WxPay.Sign(null, TestData.Key, SignType.Md5));
            }
        }

        [TestCase(SignType.Md5)]
        [TestCase(SignType.HmacSha256)]
        public void VerifyAcceptsWhatWxPaySigned(SignType type)
        {
            var order = Signed(type);
            using (var auto = new WxPaySigner(TestData.Key))
            using (var exact = new WxPaySigner(TestData.Key, type))
            using (var native = new WxPayFields(order))
            {
                Assert.AreEqual(type, auto.Verify(order));
                Assert.AreEqual(type, exact.Verify(order));
                Assert.AreEqual(type, exact.Verify(native));
                Assert.AreEqual(WxPay.Verify(order, TestData.Key, type), exact.Verify(order));
            }
        }

        [Test]
        public void EachVerifyFailureIsWxPayVerifysFailure()
        {
            using (var auto = new WxPaySigner(TestData.Key))
            using (var hmac = new WxPaySigner(TestData.Key, SignType.HmacSha256))
            using (var other = new WxPaySigner(TestData.OtherKey))
            {
                var missing = Signed(SignType.Md5);
                missing.Remove("sign");
                AssertSameFailure(() => auto.Verify(missing), () => WxPay.Verify(missing, TestData.Key));
                Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISSING", Assert.Throws<WxPaySignatureException>(() => auto.Verify(missing)).CodeName);

                var tampered = Signed(SignType.Md5);
                tampered["total_fee"] = "1";
                AssertSameFailure(() => auto.Verify(tampered), () => WxPay.Verify(tampered, TestData.Key));
                Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISMATCH", Assert.Throws<WxPaySignatureException>(() => auto.Verify(tampered)).CodeName);

                var good = Signed(SignType.Md5);
                AssertSameFailure(() => other.Verify(good), () => WxPay.Verify(good, TestData.OtherKey));
                Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISMATCH", Assert.Throws<WxPaySignatureException>(() => other.Verify(good)).CodeName);

                AssertSameFailure(() => hmac.Verify(good), () => WxPay.Verify(good, TestData.Key, SignType.HmacSha256));
                Assert.AreEqual("WXPAY_RESULT_SIGN_TYPE_MISMATCH", Assert.Throws<WxPaySignatureException>(() => hmac.Verify(good)).CodeName);

                var lowercase = Signed(SignType.Md5);
                lowercase["sign"] = lowercase["sign"].ToLowerInvariant();
                AssertSameFailure(() => auto.Verify(lowercase), () => WxPay.Verify(lowercase, TestData.Key));

                var unknown = Signed(SignType.Md5);
                unknown["sign_type"] = "SHA1";
                AssertSameFailure(() => auto.Verify(unknown), () => WxPay.Verify(unknown, TestData.Key));

                AssertSameFailure(() => auto.Verify(null), () => WxPay.Verify(null, TestData.Key));
            }
        }

        [TestCase(SignType.Md5)]
        [TestCase(SignType.HmacSha256)]
        public void VerifyXmlReturnsWhatWxPayVerifyXmlReturns(SignType type)
        {
            var order = Signed(type);
            string xml = WxPay.BuildXml(order);
            using (var signer = new WxPaySigner(TestData.Key, type))
            {
                IDictionary<string, string> fromString = signer.VerifyXml(xml);
                IDictionary<string, string> fromBytes = signer.VerifyXml(Encoding.UTF8.GetBytes(xml), 64 * 1024);
                CollectionAssert.AreEqual(WxPay.VerifyXml(xml, TestData.Key, type).ToList(), fromString.ToList());
                CollectionAssert.AreEqual(order.ToList(), fromString.ToList(), "every field, in document order");
                CollectionAssert.AreEqual(fromString.ToList(), fromBytes.ToList());
                Assert.AreEqual(order["sign"], fromString["sign"]);
            }
        }

        [Test]
        public void EachVerifyXmlFailureIsWxPayVerifyXmlsFailure()
        {
            var good = Signed(SignType.Md5);
            string xml = WxPay.BuildXml(good);
            var missing = Signed(SignType.Md5);
            missing.Remove("sign");
            var tampered = Signed(SignType.Md5);
            tampered["total_fee"] = "1";
            var documents = new Dictionary<string, string>
            {
                { "malformed", "<xml><a>1</xml>" },
                { "doctype", "<!DOCTYPE xml [<!ENTITY e \"x\">]><xml><a>&e;</a></xml>" },
                { "root", "<root><a>1</a></root>" },
                { "nested", "<xml><a><b>1</b></a></xml>" },
                { "empty", "" },
                { "missing sign", WxPay.BuildXml(missing) },
                { "tampered", WxPay.BuildXml(tampered) },
            };
            using (var signer = new WxPaySigner(TestData.Key))
            using (var hmac = new WxPaySigner(TestData.Key, SignType.HmacSha256))
            {
                foreach (KeyValuePair<string, string> document in documents)
                {
                    AssertSameFailure(() => signer.VerifyXml(document.Value), () => WxPay.VerifyXml(document.Value, TestData.Key));
                    byte[] bytes = Encoding.UTF8.GetBytes(document.Value);
                    AssertSameFailure(() => signer.VerifyXml(bytes), () => WxPay.VerifyXml(bytes, TestData.Key));
                }
                Assert.Throws<WxPayXmlException>(() => signer.VerifyXml(documents["doctype"]));
                Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISSING",
                    Assert.Throws<WxPaySignatureException>(() => signer.VerifyXml(documents["missing sign"])).CodeName);
                Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISMATCH",
                    Assert.Throws<WxPaySignatureException>(() => signer.VerifyXml(documents["tampered"])).CodeName);
                AssertSameFailure(() => hmac.VerifyXml(xml), () => WxPay.VerifyXml(xml, TestData.Key, SignType.HmacSha256));
                Assert.AreEqual("WXPAY_RESULT_SIGN_TYPE_MISMATCH",
                    Assert.Throws<WxPaySignatureException>(() => hmac.VerifyXml(xml)).CodeName);

                // Size: over the limit, a limit of exactly the size, a negative limit, null, bad UTF-8 / UTF-16.
                int size = Encoding.UTF8.GetByteCount(xml);
                AssertSameFailure(() => signer.VerifyXml(xml, size - 1), () => WxPay.VerifyXml(xml, TestData.Key, SignType.Auto, size - 1));
                Assert.Throws<WxPayXmlException>(() => signer.VerifyXml(xml, size - 1));
                Assert.AreEqual(good["sign"], signer.VerifyXml(xml, size)["sign"]);
                AssertSameFailure(() => signer.VerifyXml(xml, -1), () => WxPay.VerifyXml(xml, TestData.Key, SignType.Auto, -1));
                AssertSameFailure(() => signer.VerifyXml((string)null), () => WxPay.VerifyXml((string)null, TestData.Key));
                AssertSameFailure(() => signer.VerifyXml((byte[])null), () => WxPay.VerifyXml((byte[])null, TestData.Key));
                byte[] latin1 = Encoding.GetEncoding("ISO-8859-1").GetBytes(WxPay.BuildXml(new Dictionary<string, string> { { "a", "é" } }));
                AssertSameFailure(() => signer.VerifyXml(latin1), () => WxPay.VerifyXml(latin1, TestData.Key));
                AssertSameFailure(() => signer.VerifyXml("<xml>\ud800</xml>"), () => WxPay.VerifyXml("<xml>\ud800</xml>", TestData.Key));
            }
        }

        [TestCase(null, "WXPAY_RESULT_NULL_ARGUMENT")]
        [TestCase("", "WXPAY_RESULT_INVALID_KEY")]
        [TestCase("8934e7d15453e97507ef794cf7b0519", "WXPAY_RESULT_INVALID_KEY")]
        [TestCase("8934e7d15453e97507ef794cf7b0519d0", "WXPAY_RESULT_INVALID_KEY")]
        [TestCase("8934e7d15453e97507ef794cf7b0519-", "WXPAY_RESULT_INVALID_KEY")]
        [TestCase("8934e7d15453e97507ef794cf7b0519é", "WXPAY_RESULT_INVALID_KEY")]
        [TestCase("8934e7d15453e97507ef794cf7b0519\0", "WXPAY_RESULT_INVALID_KEY")]
        public void ABadKeyIsRefusedAtConstructionAsWxPaySignRefusesIt(string key, string codeName)
        {
            var e = Assert.Throws<WxPayInvalidInputException>(() => new WxPaySigner(key, SignType.Md5));
            Assert.AreEqual(codeName, e.CodeName);
            var viaSign = Assert.Catch<WxPayException>(() => WxPay.Sign(TestData.DocExample(), key, SignType.Md5));
            Assert.AreEqual(viaSign.CodeName, e.CodeName);
            Assert.AreEqual(viaSign.Message, e.Message);
            if (!string.IsNullOrEmpty(key))
            {
                StringAssert.DoesNotContain(key, e.ToString());
                StringAssert.DoesNotContain(key.Substring(0, 16), e.ToString());
            }
        }

        [Test]
        public void AKeyWithALoneSurrogateIsRefused()
        {
            // Built here: a lone surrogate in an attribute argument reaches the test as U+FFFD.
            string key = "8934e7d15453e97507ef794cf7b0519" + (char)0xD800;
            var e = Assert.Throws<WxPayInvalidInputException>(() => new WxPaySigner(key));
            Assert.AreEqual("WXPAY_RESULT_INVALID_UTF8", e.CodeName);
            Assert.AreEqual(Assert.Catch<WxPayException>(() => WxPay.Sign(TestData.DocExample(), key)).Message, e.Message);
            StringAssert.DoesNotContain("8934e7d15453e97507ef794cf7b0519", e.ToString());
        }

        [TestCase(3)]
        [TestCase(-1)]
        public void AnUnknownSignTypeIsRefusedAtConstruction(int type)
        {
            var e = Assert.Throws<WxPayInvalidInputException>(() => new WxPaySigner(TestData.Key, (SignType)type));
            var viaSign = Assert.Catch<WxPayException>(() => WxPay.Sign(TestData.DocExample(), TestData.Key, (SignType)type));
            Assert.AreEqual(viaSign.CodeName, e.CodeName);
            StringAssert.DoesNotContain(TestData.Key, e.ToString());
        }

        [Test]
        public void ToStringShowsTheAlgorithmNeverTheKey()
        {
            var signer = new WxPaySigner(TestData.Key, SignType.HmacSha256);
            Assert.AreEqual("WxPaySigner(HmacSha256)", signer.ToString());
            Assert.AreEqual(SignType.HmacSha256, signer.SignType);
            signer.Dispose();
            Assert.AreEqual("WxPaySigner(HmacSha256, disposed)", signer.ToString());
            StringAssert.DoesNotContain(TestData.Key, signer.ToString());
        }

        [Test]
        public void DisposeTwiceIsHarmlessAndUseAfterDisposeThrows()
        {
            var order = Signed(SignType.Md5);
            string xml = WxPay.BuildXml(order);
            var signer = new WxPaySigner(TestData.Key);
            Assert.IsFalse(signer.IsDisposed);
            Assert.AreEqual(order["sign"], signer.Sign(order));
            signer.Dispose();
            Assert.IsTrue(signer.IsDisposed);
            signer.Dispose();
            Assert.IsTrue(signer.IsDisposed);
            using (var native = new WxPayFields(order))
            {
                foreach (TestDelegate use in new TestDelegate[]
                         {
                             () => signer.Sign(order), () => signer.Sign(native), () => signer.Verify(order),
                             () => signer.Verify(native), () => signer.VerifyXml(xml), () => signer.VerifyXml(Encoding.UTF8.GetBytes(xml)),
                         })
                {
                    var e = Assert.Throws<ObjectDisposedException>(use);
                    Assert.AreEqual("WxPaySigner", e.ObjectName);
                }
                Assert.AreEqual(order["sign"], WxPay.Sign(native, TestData.Key), "the set is untouched");
            }
            Assert.AreEqual(SignType.Auto, signer.SignType);
        }

        [Test]
        public void ADisposedFieldSetIsReportedAsSuch()
        {
            var native = new WxPayFields(TestData.UnifiedOrder());
            native.Dispose();
            using (var signer = new WxPaySigner(TestData.Key))
            {
                Assert.AreEqual("WxPayFields", Assert.Throws<ObjectDisposedException>(() => signer.Sign(native)).ObjectName);
                Assert.AreEqual("WxPayFields", Assert.Throws<ObjectDisposedException>(() => signer.Verify(native)).ObjectName);
            }
        }

        private static void RunThreads(int count, Action<int> body)
        {
            var failures = new List<Exception>();
            var start = new ManualResetEventSlim(false);
            var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
            {
                start.Wait();
                try
                {
                    body(i);
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e);
                    }
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            start.Set();
            threads.ForEach(t => t.Join());
            Assert.IsEmpty(failures, string.Join("\n", failures));
        }

        [Test]
        public void ManyThreadsShareOneSigner()
        {
            using (var signer = new WxPaySigner(TestData.Key, SignType.HmacSha256))
            {
                RunThreads(8, thread =>
                {
                    for (int i = 0; i < 400; i++)
                    {
                        var order = TestData.UnifiedOrder();
                        order["sign_type"] = "HMAC-SHA256";
                        order["out_trade_no"] = thread + "-" + i;
                        string sign = signer.Sign(order);
                        Assert.AreEqual(WxPay.Sign(order, TestData.Key, SignType.HmacSha256), sign);
                        order["sign"] = sign;
                        Assert.AreEqual(SignType.HmacSha256, signer.Verify(order));
                        Assert.AreEqual(order["out_trade_no"], signer.VerifyXml(WxPay.BuildXml(order))["out_trade_no"]);
                        // A failure on this thread reports this thread's error, not another's.
                        order["total_fee"] = (i + 1000).ToString();
                        var e = Assert.Throws<WxPaySignatureException>(() => signer.Verify(order));
                        Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISMATCH", e.CodeName);
                        order.Remove("sign");
                        e = Assert.Throws<WxPaySignatureException>(() => signer.Verify(order));
                        Assert.AreEqual("WXPAY_RESULT_SIGNATURE_MISSING", e.CodeName);
                    }
                });
            }
        }

        [Test]
        public void DisposingWhileOtherThreadsUseTheSignerIsSafe()
        {
            for (int round = 0; round < 5; round++)
            {
                var signer = new WxPaySigner(TestData.Key);
                var order = Signed(SignType.Md5);
                string xml = WxPay.BuildXml(order);
                var busy = new CountdownEvent(6);
                var disposer = new Thread(() =>
                {
                    busy.Wait();
                    signer.Dispose();
                });
                disposer.Start();
                RunThreads(6, thread =>
                {
                    int calls = 0;
                    try
                    {
                        while (true)
                        {
                            Assert.AreEqual(order["sign"], signer.Sign(order));
                            Assert.AreEqual(SignType.Md5, signer.Verify(order));
                            Assert.AreEqual(order.Count, signer.VerifyXml(xml).Count);
                            if (++calls == 50)
                            {
                                busy.Signal();
                            }
                        }
                    }
                    catch (ObjectDisposedException e)
                    {
                        // The only way out: after Dispose every call says so, and none touches a freed signer.
                        Assert.AreEqual("WxPaySigner", e.ObjectName);
                    }
                    Assert.GreaterOrEqual(calls, 50);
                });
                disposer.Join();
                Assert.IsTrue(signer.IsDisposed);
            }
        }

        [Test]
        public void SignersFreeTheirNativeMemory()
        {
            // A native signer is about 200 bytes: 200,000 of them make a missed wxpay_signer_free
            // show as about 40 MB (seen: with it removed, 4.16 MB over 20,000).
            var order = Signed(SignType.HmacSha256);
            LeakTests.AssertNoGrowth("WxPaySigner new/Sign/Dispose", 200000, () =>
            {
                using (var signer = new WxPaySigner(TestData.Key, SignType.HmacSha256))
                {
                    signer.Sign(order);
                }
            });
            using (var signer = new WxPaySigner(TestData.Key))
            {
                byte[] xml = Encoding.UTF8.GetBytes(WxPay.BuildXml(order));
                LeakTests.AssertNoGrowth("WxPaySigner.VerifyXml", 20000, () => signer.VerifyXml(xml));
                var tampered = TestData.Copy(order);
                tampered["total_fee"] = "1";
                byte[] bad = Encoding.UTF8.GetBytes(WxPay.BuildXml(tampered));
                LeakTests.AssertNoGrowth("WxPaySigner.VerifyXml failing", 20000, () =>
                {
                    try
                    {
                        signer.VerifyXml(bad);
                    }
                    catch (WxPaySignatureException)
                    {
                    }
                });
            }
            LeakTests.AssertNoGrowth("WxPaySigner finalized", 200000, () => new WxPaySigner(TestData.Key).Sign(order));
        }
    }
}

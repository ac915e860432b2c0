using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NUnit.Framework;
using WeChatPay.Reference;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class ConcurrencyTests
    {
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

        [Test, Category(TestData.ManagedCrypto)]
        public void ManyThreadsSignDifferentMessagesAtOnce()
        {
            RunThreads(16, thread =>
            {
                var order = TestData.UnifiedOrder();
                order.Remove("sign_type");
                for (int i = 0; i < 500; i++)
                {
                    order["out_trade_no"] = thread + "-" + i;
                    bool hmac = (i + thread) % 2 == 0;
                    string expected = PlainSigner.Sign(order, TestData.Key, hmac);
                    string actual = WxPay.Sign(order, TestData.Key, hmac ? SignType.HmacSha256 : SignType.Md5);
                    if (expected != actual)
                    {
                        throw new Exception("thread " + thread + " round " + i + ": " + actual + " != " + expected);
                    }
                }
            });
        }

        [Test]
        public void EachThreadSeesItsOwnLastError()
        {
            var documents = new[]
            {
                Tuple.Create("<root/>", 303, "WXPAY_RESULT_XML_ROOT"),
                Tuple.Create("<xml><a><b/></a></xml>", 304, "WXPAY_RESULT_XML_NESTED"),
                Tuple.Create("<xml><a/><a/></xml>", 305, "WXPAY_RESULT_XML_DUPLICATE"),
                Tuple.Create("<!DOCTYPE x><xml/>", 301, "WXPAY_RESULT_XML_DOCTYPE"),
            };
            RunThreads(12, thread =>
            {
                for (int i = 0; i < 500; i++)
                {
                    var doc = documents[(thread + i) % documents.Length];
                    try
                    {
                        WxPay.ParseXml(doc.Item1);
                        throw new Exception("accepted " + doc.Item1);
                    }
                    catch (WxPayXmlException e)
                    {
                        if (e.Code != doc.Item2 || e.CodeName != doc.Item3)
                        {
                            throw new Exception("thread " + thread + " got " + e.Code + " " + e.CodeName + " for " + doc.Item1);
                        }
                    }
                }
            });
        }

        [Test]
        public void ASharedSetCanBeReadAndWrittenFromManyThreads()
        {
            using (var shared = new WxPayFields(TestData.UnifiedOrder()))
            {
                RunThreads(8, thread =>
                {
                    for (int i = 0; i < 300; i++)
                    {
                        shared["t" + thread] = i.ToString();
                        Assert.AreEqual(i.ToString(), shared["t" + thread]);
                        Assert.AreEqual(32, WxPay.Sign(shared, TestData.Key).Length);
                        Assert.AreEqual(i.ToString(), shared.ToDictionary()["t" + thread]);
                    }
                });
                Assert.AreEqual(24, shared.Count);
            }
        }

        [Test]
        public void DisposingASetWhileOtherThreadsUseItIsSafe()
        {
            var shared = new WxPayFields(TestData.UnifiedOrder());
            var busy = new CountdownEvent(8);
            var disposer = new Thread(() =>
            {
                busy.Wait();
                shared.Dispose();
            });
            disposer.Start();
            RunThreads(8, thread =>
            {
                int calls = 0;
                try
                {
                    while (true)
                    {
                        Assert.AreEqual(32, WxPay.Sign(shared, TestData.Key).Length);
                        Assert.AreEqual(16, shared.ToDictionary().Count);
                        if (++calls == 50)
                        {
                            busy.Signal();
                        }
                    }
                }
                catch (ObjectDisposedException)
                {
                    // The only way out: every call after Dispose says so, none touches freed memory.
                }
                Assert.GreaterOrEqual(calls, 50);
            });
            disposer.Join();
            Assert.IsTrue(shared.IsDisposed);
        }
    }
}

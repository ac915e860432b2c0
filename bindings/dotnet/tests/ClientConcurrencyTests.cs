using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>One client shared by many threads, and disposed while they use it.</summary>
    [TestFixture]
    public class ClientConcurrencyTests
    {
        private static List<Exception> RunThreads(int count, Action<int> body)
        {
            var failures = new List<Exception>();
            var start = new ManualResetEventSlim(false);
            List<Thread> threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
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
            return failures;
        }

        [Test]
        public void EightThreadsShareOneClientFor500RequestsEach()
        {
            Simulator sim = Simulator.Shared;
            int logged = 0;
            WxPayClientOptions o = sim.OptionsWithP12();
            o.Log = (level, message) => Interlocked.Increment(ref logged);
            using (var client = new WxPayClient(o))
            {
                int succeeded = 0, refused = 0;
                List<Exception> failures = RunThreads(8, thread =>
                {
                    for (int i = 0; i < 500; i++)
                    {
                        string no = sim.NextOrderNumber("c" + thread + "_");
                        if (i % 5 == 0)
                        {
                            IDictionary<string, string> order = client.UnifiedOrder(Simulator.Order(no, 100 + i));
                            Assert.AreEqual("SUCCESS", order["result_code"]);
                            IDictionary<string, string> query = client.OrderQuery(new Dictionary<string, string> { { "out_trade_no", no } });
                            Assert.AreEqual(no, query["out_trade_no"]);
                            Assert.AreEqual((100 + i).ToString(), query["total_fee"]);
                            Interlocked.Add(ref succeeded, 2);
                        }
                        else
                        {
                            // A business failure on every other request: each thread must get its own
                            // error and response, not another thread's.
                            var e = Assert.Throws<WxPayBusinessException>(() =>
                                client.OrderQuery(new Dictionary<string, string> { { "out_trade_no", no } }));
                            Assert.AreEqual("ORDERNOTEXIST", e.ErrCode);
                            Interlocked.Increment(ref refused);
                        }
                    }
                });
                Assert.IsEmpty(failures, string.Join("\n", failures.Take(5)));
                Assert.AreEqual(8 * 100 * 2, succeeded);
                Assert.AreEqual(8 * 400, refused);
                Assert.That(logged, Is.GreaterThanOrEqualTo(8 * 500));
            }
        }

        [Test]
        public void DisposeWhileOtherThreadsRequestNeverCrashes()
        {
            Simulator sim = Simulator.Shared;
            for (int round = 0; round < 5; round++)
            {
                int logged = 0;
                WxPayClientOptions o = sim.Options();
                o.Log = (level, message) => Interlocked.Increment(ref logged);
                var client = new WxPayClient(o);
                int completed = 0, disposed = 0;
                var started = new CountdownEvent(6);
                List<Exception> failures = RunThreads(7, thread =>
                {
                    if (thread == 6)
                    {
                        // Dispose once every worker is inside its loop; they keep requesting
                        // until they see the client disposed, so some calls are in flight now.
                        started.Wait();
                        client.Dispose();
                        return;
                    }
                    for (int i = 0; ; i++)
                    {
                        try
                        {
                            client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber("d" + thread + "_")));
                            Interlocked.Increment(ref completed);
                        }
                        catch (ObjectDisposedException e)
                        {
                            Assert.AreEqual("WxPayClient", e.ObjectName);
                            Interlocked.Increment(ref disposed);
                            return;
                        }
                        finally
                        {
                            // Also after a failure, so that the disposer never waits for ever.
                            if (i == 0)
                            {
                                started.Signal();
                            }
                        }
                    }
                });
                Assert.IsEmpty(failures, string.Join("\n", failures.Take(5)));
                Assert.IsTrue(client.IsDisposed);
                Assert.AreEqual(6, disposed);
                Assert.That(completed, Is.GreaterThanOrEqualTo(6));
                Assert.Throws<ObjectDisposedException>(() => client.OrderQuery(new Dictionary<string, string> { { "out_trade_no", "x" } }));
            }
        }

        [Test]
        public void ClientsMadeAndDroppedWithoutDisposeAreFinalized()
        {
            Simulator sim = Simulator.Shared;
            for (int i = 0; i < 50; i++)
            {
                WxPayClientOptions o = sim.Options();
                o.Log = (level, message) => { };
                var client = new WxPayClient(o);
                client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber("f")));
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            // The finalizer freed the native clients and their log sinks; a new one still works.
            using (var client = new WxPayClient(sim.Options()))
            {
                Assert.AreEqual("SUCCESS", client.UnifiedOrder(Simulator.Order(sim.NextOrderNumber("f")))["result_code"]);
            }
        }
    }
}

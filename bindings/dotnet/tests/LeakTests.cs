using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>
    /// Whether native memory comes back: glibc's count of bytes in use (mallinfo2) is read
    /// before and after thousands of calls. libwxpay allocates with the same malloc, so a
    /// missed _free shows as tens of megabytes; the runtime's own malloc use is far smaller.
    /// </summary>
    [TestFixture]
    public class LeakTests
    {
        private const int Rounds = 20000;
        private const long Allowed = 4L << 20;

        [StructLayout(LayoutKind.Sequential)]
        private struct MallInfo2
        {
            public UIntPtr Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
        }

        [DllImport("libc.so.6", EntryPoint = "mallinfo2")]
        private static extern MallInfo2 mallinfo2();

        internal static long InUse()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            MallInfo2 info = mallinfo2();
            return (long)info.Uordblks.ToUInt64() + (long)info.Hblkhd.ToUInt64();
        }

        private static void AssertNoGrowth(string what, Action once)
        {
            AssertNoGrowth(what, Rounds, once);
        }

        internal static void AssertNoGrowth(string what, int rounds, Action once, int warmUp = 200)
        {
            for (int i = 0; i < warmUp; i++)
            {
                once();
            }
            long before = InUse();
            for (int i = 0; i < rounds; i++)
            {
                once();
            }
            long growth = InUse() - before;
            if (Environment.GetEnvironmentVariable("WXPAY_LEAK_VERBOSE") == "1")
            {
                Console.WriteLine(what + ": " + growth + " bytes over " + rounds + " calls");
            }
            Assert.Less(growth, Allowed, what + ": native memory in use grew by " + growth + " bytes over " + rounds + " calls");
        }

        private static readonly string Document = WxPay.BuildXml(Filled());

        private static Dictionary<string, string> Filled()
        {
            var order = TestData.UnifiedOrder();
            order["detail"] = new string('d', 2000);
            order["sign"] = WxPay.Sign(order, TestData.Key);
            return order;
        }

        [Test]
        public void ParseXmlFreesTheNativeSet()
        {
            byte[] doc = Encoding.UTF8.GetBytes(Document);
            AssertNoGrowth("ParseXml", () => WxPay.ParseXml(doc));
        }

        [Test]
        public void VerifyXmlFreesTheNativeSet()
        {
            byte[] doc = Encoding.UTF8.GetBytes(Document);
            AssertNoGrowth("VerifyXml", () => WxPay.VerifyXml(doc, TestData.Key));
        }

        [Test]
        public void BuildXmlFreesTheNativeString()
        {
            var fields = Filled();
            AssertNoGrowth("BuildXml", () => WxPay.BuildXml(fields));
        }

        [Test]
        public void DisposedAndForgottenSetsAreFreed()
        {
            var fields = Filled();
            AssertNoGrowth("WxPayFields.Dispose", () => new WxPayFields(fields).Dispose());
            AssertNoGrowth("WxPayFields finalizer", () => new WxPayFields(fields).Count.ToString());
        }

        [Test]
        public void FailuresLeaveNothingBehind()
        {
            byte[] nested = Encoding.UTF8.GetBytes("<xml><a>" + new string('x', 2000) + "</a><b><c/></b></xml>");
            AssertNoGrowth("ParseXml failure", () => Assert.Throws<WxPayXmlException>(() => WxPay.ParseXml(nested)));
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    [TestFixture]
    public class NonceTests
    {
        [Test]
        public void IsThirtyTwoLettersAndDigitsAndFresh()
        {
            var seen = new HashSet<string>();
            for (int i = 0; i < 1000; i++)
            {
                string nonce = WxPay.Nonce();
                Assert.AreEqual(32, nonce.Length);
                Assert.IsTrue(nonce.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')), nonce);
                Assert.IsTrue(seen.Add(nonce), "repeated nonce " + nonce);
            }
        }
    }
}

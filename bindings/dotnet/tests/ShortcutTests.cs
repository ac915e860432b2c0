using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using NUnit.Framework;
using WeChatPay;

namespace WeChatPay.Tests
{
    /// <summary>
    /// The client's named endpoint methods are the set in bindings/shortcuts.tsv, the same in PHP,
    /// Python and .NET (ClientSimulatorTests calls each).
    /// </summary>
    [TestFixture]
    public class ShortcutTests
    {
        // Public methods of WxPayClient that are not named endpoints.
        private static readonly string[] OtherMethods =
        {
            "Dispose", "Request", "Download", "CertStatus", "ReloadCertificate", "EndpointInfo", "ErrCodeRetry",
            "ParsePaymentNotification", "ParseRefundNotification", "PayParams", "NativeUrl", "NativeScan", "NativeReply",
            "EntrustUrl", "ParseContractNotification", "MicropayFlow", "DownloadAndParseBill",
        };

        [Test]
        public void TheClientHasExactlyTheListedShortcuts()
        {
            List<string> listed = File.ReadAllLines(TestData.RepositoryFile("bindings/shortcuts.tsv"))
                .Where(line => line.Length > 0 && line[0] != '#')
                .Select(line => line.Split('\t')[3])
                .OrderBy(name => name, StringComparer.Ordinal)
                .ToList();
            List<string> shortcuts = typeof(WxPayClient)
                .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => !m.IsSpecialName)
                .Select(m => m.Name)
                .Distinct()
                .Except(OtherMethods)
                .OrderBy(name => name, StringComparer.Ordinal)
                .ToList();
            Assert.AreEqual(32, listed.Count);
            CollectionAssert.AreEqual(listed, shortcuts);
        }
    }
}

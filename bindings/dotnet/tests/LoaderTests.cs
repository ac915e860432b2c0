using System;
using System.Diagnostics;
using System.IO;
using NUnit.Framework;
using WeChatPay.Native;

namespace WeChatPay.Tests
{
    /// <summary>The loader, given libraries that are missing, not libraries, or not this libwxpay.</summary>
    [TestFixture]
    public class LoaderTests
    {
        private string dir;

        [TestFixtureSetUp]
        public void BuildFakeLibraries()
        {
            dir = Path.Combine(Path.GetTempPath(), "wxpay-dotnet-loader-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            CompileLibrary("old.so", "const char *wxpay_version(void) { return \"0.0.9\"; }");
            CompileLibrary("partial.so", "const char *wxpay_version(void) { return \"0.2.0\"; }");
            File.WriteAllText(Path.Combine(dir, "text.so"), "not an ELF file");
        }

        [TestFixtureTearDown]
        public void RemoveFakeLibraries()
        {
            Directory.Delete(dir, true);
        }

        private void CompileLibrary(string name, string source)
        {
            string c = Path.Combine(dir, name + ".c");
            File.WriteAllText(c, source);
            var start = new ProcessStartInfo("cc", "-shared -fPIC -o \"" + Path.Combine(dir, name) + "\" \"" + c + "\"")
            {
                UseShellExecute = false,
                RedirectStandardError = true,
            };
            using (Process cc = Process.Start(start))
            {
                string errors = cc.StandardError.ReadToEnd();
                cc.WaitForExit();
                Assert.AreEqual(0, cc.ExitCode, "cc failed: " + errors);
            }
        }

        [Test]
        public void AMissingLibrarySaysWhereItLookedAndHowToFixIt()
        {
            string missing = Path.Combine(dir, "nowhere", "libwxpay.so");
            var e = Assert.Throws<WxPayLibraryException>(() => LibraryLoader.Open(new[] { missing, "libwxpay-does-not-exist.so" }));
            StringAssert.Contains(missing, e.Message);
            StringAssert.Contains("libwxpay-does-not-exist.so", e.Message);
            StringAssert.Contains("WXPAY_LIBRARY", e.Message);
            StringAssert.Contains(missing + ": " + missing + ": cannot open shared object file", e.Message, "the loader's own reason");
            Assert.IsNull(e.LibraryPath);
            Assert.IsNull(e.LibraryVersion);
        }

        [Test]
        public void AFileThatIsNotALibraryIsReported()
        {
            string text = Path.Combine(dir, "text.so");
            var e = Assert.Throws<WxPayLibraryException>(() => LibraryLoader.Open(new[] { text }));
            StringAssert.Contains(text, e.Message);
        }

        [Test]
        public void AnotherVersionIsRefusedWithBothVersions()
        {
            string old = Path.Combine(dir, "old.so");
            var e = Assert.Throws<WxPayLibraryException>(() => LibraryLoader.Open(new[] { old }));
            StringAssert.Contains("0.0.9", e.Message);
            StringAssert.Contains(WxPay.WrapperVersion, e.Message);
            Assert.AreEqual(old, e.LibraryPath);
            Assert.AreEqual("0.0.9", e.LibraryVersion);
        }

        [Test]
        public void ALibraryMissingFunctionsIsRefused()
        {
            var e = Assert.Throws<WxPayLibraryException>(() => LibraryLoader.Open(new[] { Path.Combine(dir, "partial.so") }));
            StringAssert.Contains("does not export wxpay_", e.Message);
        }

        [Test]
        public void TheRealLibraryLoadsAndMatches()
        {
            Assert.AreEqual(WxPay.WrapperVersion, WxPay.NativeVersion);
            Assert.AreEqual("0.2.0", WxPay.WrapperVersion);
            Assert.IsTrue(File.Exists(WxPay.LoadedLibraryPath), WxPay.LoadedLibraryPath);
            Api fresh = LibraryLoader.Open(new[] { WxPay.LoadedLibraryPath });
            Assert.AreEqual(WxPay.WrapperVersion, fresh.Version);
        }

        [Test]
        public void TheEnvironmentVariableIsTheOnlyCandidateWhenSet()
        {
            string fromEnvironment = Environment.GetEnvironmentVariable("WXPAY_LIBRARY");
            Assert.IsNotNull(fromEnvironment, "test.sh runs the tests with WXPAY_LIBRARY set");
            CollectionAssert.AreEqual(new[] { fromEnvironment }, LibraryLoader.Candidates());
            Assert.AreEqual(Path.GetFullPath(fromEnvironment), WxPay.LoadedLibraryPath);
        }

        [Test]
        public void WithoutAnOverrideTheNuGetLayoutBesideTheAssemblyIsSearchedThenTheSystem()
        {
            string saved = Environment.GetEnvironmentVariable("WXPAY_LIBRARY");
            try
            {
                Environment.SetEnvironmentVariable("WXPAY_LIBRARY", null);
                var candidates = LibraryLoader.Candidates();
                string assemblyDir = Path.GetDirectoryName(typeof(WxPay).Assembly.Location);
                string nuget = Path.Combine(assemblyDir, "runtimes", "linux-x64", "native", "libwxpay.so");
                CollectionAssert.Contains(candidates, Path.Combine(assemblyDir, "libwxpay.so"));
                CollectionAssert.Contains(candidates, nuget);
                Assert.AreEqual("libwxpay.so", candidates[candidates.Count - 1], "the system search comes last");
                // build.sh lays the library out there, so the default search finds it.
                Assert.AreEqual(nuget, LibraryLoader.Open(candidates).Path);
            }
            finally
            {
                Environment.SetEnvironmentVariable("WXPAY_LIBRARY", saved);
            }
        }

        [Test]
        public void TheOverrideCannotChangeOnceLoaded()
        {
            Assert.IsNotNull(WxPay.NativeVersion);
            Assert.IsNull(WxPay.LibraryPath);
            Assert.Throws<InvalidOperationException>(() => WxPay.LibraryPath = "/elsewhere/libwxpay.so");
            Assert.IsNull(WxPay.LibraryPath);
        }
    }
}

using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using NUnit.Framework;

namespace WeChatPay.Tests
{
    /// <summary>
    /// Merchant certificates made for a test by the openssl command line tool, in a temporary
    /// directory deleted on dispose. <c>openssl ca</c> is used because it takes any validity
    /// period (including one wholly in the past) and a chosen serial.
    /// </summary>
    internal sealed class CertFactory : IDisposable
    {
        private const string CaConfig =
            "[ ca ]\ndefault_ca = test_ca\n[ test_ca ]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
            + "default_md = sha256\npolicy = any\nunique_subject = no\n[ any ]\ncommonName = supplied\n";

        private int made;

        internal CertFactory()
        {
            Dir = Path.Combine(Path.GetTempPath(), "wxpay-dotnet-certs-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
        }

        internal string Dir { get; private set; }

        internal sealed class Made
        {
            internal string CertPath;
            internal string KeyPath;
            internal string Serial;
        }

        /// <summary>A self-signed certificate for <paramref name="cn"/> with a fresh key (mode 0600).</summary>
        internal Made Make(string cn, DateTime notBefore, DateTime notAfter, string serialHex, string keyAlgorithm = "rsa:2048")
        {
            string dir = Path.Combine(Dir, "c" + (++made).ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "ca.cnf"), CaConfig);
            File.WriteAllText(Path.Combine(dir, "index.txt"), "");
            File.WriteAllText(Path.Combine(dir, "serial"), serialHex + "\n");
            var result = new Made
            {
                CertPath = Path.Combine(dir, "apiclient_cert.pem"),
                KeyPath = Path.Combine(dir, "apiclient_key.pem"),
                Serial = serialHex.ToUpperInvariant(),
            };
            string[] newKey = keyAlgorithm.StartsWith("ec", StringComparison.Ordinal)
                ? new[] { "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256" }
                : new[] { "-newkey", keyAlgorithm };
            var request = new System.Collections.Generic.List<string> { "req", "-new", "-nodes", "-keyout", result.KeyPath, "-out", "r.csr", "-subj", "/CN=" + cn };
            request.AddRange(newKey);
            Run(dir, "openssl", request.ToArray());
            Run(dir, "openssl", "ca", "-batch", "-selfsign", "-config", "ca.cnf", "-keyfile", result.KeyPath, "-in", "r.csr",
                "-out", result.CertPath, "-notext", "-startdate", Stamp(notBefore), "-enddate", Stamp(notAfter));
            Run(dir, "chmod", "600", result.KeyPath);
            return result;
        }

        /// <summary>A certificate valid from yesterday for <paramref name="days"/> days and twelve hours.</summary>
        internal Made Valid(string cn, int days, string serialHex)
        {
            DateTime now = DateTime.UtcNow;
            return Make(cn, now.AddDays(-1), now.AddDays(days).AddHours(12), serialHex);
        }

        /// <summary>Packs a certificate and its key into a <c>.p12</c> (mode 0600).</summary>
        internal string P12(Made cert, string password, string name)
        {
            string path = Path.Combine(Dir, name);
            Run(Dir, "openssl", "pkcs12", "-export", "-in", cert.CertPath, "-inkey", cert.KeyPath, "-out", path,
                "-passout", "pass:" + password);
            Run(Dir, "chmod", "600", path);
            return path;
        }

        /// <summary>What openssl itself says about a certificate, e.g. <c>-serial</c> → the part after "=".</summary>
        internal static string OpensslField(string certPath, params string[] option)
        {
            var args = new System.Collections.Generic.List<string> { "x509", "-in", certPath, "-noout" };
            args.AddRange(option);
            string output = Run(Path.GetDirectoryName(certPath), "openssl", args.ToArray()).Trim();
            return output.Substring(output.IndexOf('=') + 1);
        }

        /// <summary>Replaces <paramref name="target"/> as a deployment does: a new file renamed over the old one.</summary>
        internal static void ReplaceWith(string target, byte[] contents, string mode = "600")
        {
            string fresh = target + ".new";
            File.WriteAllBytes(fresh, contents);
            Run(Path.GetDirectoryName(target), "chmod", mode, fresh);
            Run(Path.GetDirectoryName(target), "mv", "-f", fresh, target);
        }

        internal static void Chmod(string path, string mode)
        {
            Run(Path.GetDirectoryName(path), "chmod", mode, path);
        }

        private static string Stamp(DateTime time)
        {
            return time.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "Z";
        }

        internal static string Run(string dir, string program, params string[] args)
        {
            var info = new ProcessStartInfo(program)
            {
                WorkingDirectory = dir,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            info.Arguments = string.Join(" ", Array.ConvertAll(args, a => "\"" + a.Replace("\"", "\\\"") + "\""));
            using (Process process = Process.Start(info))
            {
                // Read stderr on another thread so neither pipe can fill up and block the child.
                var errors = process.StandardError.ReadToEndAsync();
                string output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode != 0)
                {
                    Assert.Fail(program + " " + info.Arguments + " failed (" + process.ExitCode + "): " + errors.Result);
                }
                return output;
            }
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Dir, true);
            }
            catch (IOException)
            {
                // A leftover temporary directory is harmless.
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using WeChatPay.Native;

namespace WeChatPay
{
    public static partial class WxPay
    {
        /// <summary>Inspects a merchant certificate file without making a client.</summary>
        /// <param name="path">
        /// <c>apiclient_cert.p12</c>, <c>apiclient_cert.pem</c> (optionally with its private key in the
        /// same file) or a DER certificate.
        /// </param>
        /// <param name="keyPath">The PEM private key (<c>apiclient_key.pem</c>) to check against the certificate,
        /// or null; not allowed with a <c>.p12</c>, which holds its own.</param>
        /// <param name="password">The <c>.p12</c> password (WeChat Pay's default is the merchant ID) or an encrypted
        /// key's password; null for none. Never put in a message.</param>
        /// <returns>What the certificate says; a key that does not match is <see cref="WxPayCertInfo.KeyMatches"/> false, not an error.</returns>
        /// <exception cref="WxPayCertificateException">A file that cannot be read (405), a wrong or missing password (400),
        /// a corrupt (401) or unsupported (404) certificate or key.</exception>
        /// <exception cref="WxPayInvalidInputException">A null path, a key with a <c>.p12</c>.</exception>
        public static WxPayCertInfo CertInfo(string path, string keyPath = null, string password = null)
        {
            Api api = LibraryLoader.Api;
            if (path == null)
            {
                throw Ensure.NullArgument("path is null");
            }
            byte[] certificate = ReadCertificateFile(api, path, "certificate");
            byte[] key = keyPath == null ? null : ReadCertificateFile(api, keyPath, "private key");
            try
            {
                return CertInfo(api, certificate, key, password);
            }
            finally
            {
                // A .p12 or PEM file may hold the private key; the copies read here are wiped.
                Array.Clear(certificate, 0, certificate.Length);
                if (key != null)
                {
                    Array.Clear(key, 0, key.Length);
                }
            }
        }

        /// <summary>Inspects a merchant certificate given as bytes (a <c>.p12</c>, PEM text or DER).</summary>
        /// <param name="certificate">The certificate's bytes; not modified.</param>
        /// <param name="key">The PEM private key's bytes, or null; not allowed with a <c>.p12</c>.</param>
        /// <param name="password">The <c>.p12</c> or key password, or null.</param>
        /// <returns>What the certificate says.</returns>
        /// <exception cref="WxPayCertificateException">A wrong or missing password (400), a corrupt (401) or unsupported (404) certificate or key.</exception>
        /// <exception cref="WxPayInvalidInputException">A null or empty certificate, an empty key, a key with a <c>.p12</c>.</exception>
        public static WxPayCertInfo CertInfo(byte[] certificate, byte[] key = null, string password = null)
        {
            Api api = LibraryLoader.Api;
            if (certificate == null)
            {
                throw Ensure.NullArgument("certificate is null");
            }
            return CertInfo(api, certificate, key, password);
        }

        private static unsafe WxPayCertInfo CertInfo(Api api, byte[] certificate, byte[] key, string password)
        {
            if (key != null && key.Length == 0)
            {
                // fixed() turns an empty array into NULL, which the library reads as "no key".
                throw new WxPayInvalidInputException(101, "WXPAY_RESULT_INVALID_ARGUMENT", "key is empty; pass null for no key");
            }
            byte[] passwordBytes = password == null ? null : Utf8.Terminated(password, "the password");
            try
            {
                using (var info = new FieldsHandle())
                {
                    int code;
                    fixed (byte* data = certificate)
                    fixed (byte* keyData = key)
                    fixed (byte* pw = passwordBytes)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.CertInfo(data, (UIntPtr)certificate.Length, keyData,
                                (UIntPtr)(key == null ? 0 : key.Length), pw, &raw);
                            info.Adopt(raw);
                        }
                    }
                    Ensure.Success(api, code);
                    return new WxPayCertInfo(WxPayFields.Read(api, info));
                }
            }
            finally
            {
                if (passwordBytes != null)
                {
                    Array.Clear(passwordBytes, 0, passwordBytes.Length);
                }
            }
        }

        private static byte[] ReadCertificateFile(Api api, string path, string what)
        {
            try
            {
                return File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException
                || e is NotSupportedException || e is System.Security.SecurityException)
            {
                throw Ensure.Create(api, Ensure.CertificateFileCode,
                    "cannot read the " + what + " file '" + path + "': " + e.Message);
            }
        }

        /// <summary>The merchant category of a code as WeChat Pay's API rules list them, e.g. 485 → <c>Food</c>.</summary>
        /// <param name="code">The merchant category code.</param>
        /// <returns>The category, or null for a code not in the table.</returns>
        public static unsafe string MccCategory(int code)
        {
            Api api = LibraryLoader.Api;
            IntPtr category = IntPtr.Zero;
            int result = api.MccCategory(code, &category);
            if (result == Ensure.NotFoundCode)
            {
                return null;
            }
            Ensure.Success(api, result);
            return Utf8.FromNative(category);
        }

        /// <summary>The code of a merchant category, e.g. <c>Food</c> → 485; case and surrounding spaces are ignored.</summary>
        /// <param name="category">The category's name.</param>
        /// <returns>The code, or null for a name not in the table.</returns>
        /// <exception cref="WxPayInvalidInputException">A null name, or one with a NUL inside.</exception>
        public static unsafe int? MccCode(string category)
        {
            Api api = LibraryLoader.Api;
            byte[] name = Utf8.Terminated(category, "category");
            int code = 0;
            int result;
            fixed (byte* n = name)
            {
                result = api.MccCode(n, &code);
            }
            if (result == Ensure.NotFoundCode)
            {
                return null;
            }
            Ensure.Success(api, result);
            return code;
        }

        /// <summary>The whole merchant category table, in ascending code order.</summary>
        /// <returns>Code and category pairs.</returns>
        public static unsafe IReadOnlyList<KeyValuePair<int, string>> MccList()
        {
            Api api = LibraryLoader.Api;
            using (var list = new FieldsHandle())
            {
                int code;
                IntPtr raw = IntPtr.Zero;
                try
                {
                }
                finally
                {
                    code = api.MccList(&raw);
                    list.Adopt(raw);
                }
                Ensure.Success(api, code);
                var table = new List<KeyValuePair<int, string>>();
                foreach (KeyValuePair<string, string> entry in WxPayFields.Read(api, list))
                {
                    table.Add(new KeyValuePair<int, string>(int.Parse(entry.Key, NumberStyles.None, CultureInfo.InvariantCulture), entry.Value));
                }
                return table;
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace WeChatPay.Reference
{
    /// <summary>
    /// The WeChat Pay v2 signature written the way a plain C# SDK writes it. The tests use it
    /// as an independent oracle for libwxpay's signatures; the benchmark races it.
    /// </summary>
    /// <remarks>
    /// Names are ordered with StringComparer.Ordinal (UTF-16 code units), which agrees with
    /// UTF-8 byte order for every name below U+D800; WeChat field names are ASCII.
    /// </remarks>
    public static class PlainSigner
    {
        /// <summary>What most SDKs do: a new hash object per call.</summary>
        public static string Sign(IDictionary<string, string> fields, string key, bool hmacSha256)
        {
            byte[] message = CanonicalBytes(fields, key);
            if (hmacSha256)
            {
                using (var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key)))
                {
                    return Hex(hmac.ComputeHash(message));
                }
            }
            using (var md5 = MD5.Create())
            {
                return Hex(md5.ComputeHash(message));
            }
        }

        /// <summary>The fastest plain variant: the caller keeps one hash object per thread.</summary>
        public static string Sign(IDictionary<string, string> fields, string key, HashAlgorithm reusedHash)
        {
            return Hex(reusedHash.ComputeHash(CanonicalBytes(fields, key)));
        }

        public static byte[] CanonicalBytes(IDictionary<string, string> fields, string key)
        {
            var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> field in fields)
            {
                if (field.Key != "sign" && !string.IsNullOrEmpty(field.Value))
                {
                    sorted.Add(field.Key, field.Value);
                }
            }
            var text = new StringBuilder(512);
            foreach (KeyValuePair<string, string> field in sorted)
            {
                text.Append(field.Key).Append('=').Append(field.Value).Append('&');
            }
            text.Append("key=").Append(key);
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        private static string Hex(byte[] digest)
        {
            var hex = new StringBuilder(digest.Length * 2);
            foreach (byte b in digest)
            {
                hex.Append(b.ToString("X2"));
            }
            return hex.ToString();
        }
    }
}

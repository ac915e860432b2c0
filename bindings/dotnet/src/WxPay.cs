using System;
using System.Collections.Generic;
using System.Text;
using WeChatPay.Native;

namespace WeChatPay
{
    /// <summary>
    /// Signing, verification, safe XML and nonces for WeChat Pay API v2, done by libwxpay.
    /// </summary>
    /// <remarks>
    /// Every member is safe to call from any number of threads at once. Field sets go in
    /// as any sequence of name/value pairs (an <see cref="IDictionary{TKey,TValue}"/>, a
    /// <see cref="WxPayFields"/>, ...) and come out as a new dictionary.
    /// </remarks>
    public static partial class WxPay
    {
        /// <summary>The version of this wrapper; libwxpay must report the same.</summary>
        public const string WrapperVersion = "0.2.0";

        /// <summary>The XML size limit that applies when a call is given 0: 1 MiB.</summary>
        public const int DefaultMaxXmlSize = 1024 * 1024;

        /// <summary>
        /// The path of libwxpay.so to load, overriding the <c>WXPAY_LIBRARY</c> environment
        /// variable and the default search. Set it before the first call into the library;
        /// null restores the default.
        /// </summary>
        /// <exception cref="InvalidOperationException">Set after the library was loaded.</exception>
        public static string LibraryPath
        {
            get { return LibraryLoader.OverridePath; }
            set { LibraryLoader.OverridePath = value; }
        }

        /// <summary>The full path of the libwxpay in use; loads it if needed.</summary>
        /// <exception cref="WxPayLibraryException">The library cannot be loaded or does not match.</exception>
        public static string LoadedLibraryPath
        {
            get { return LibraryLoader.Api.Path; }
        }

        /// <summary>The version libwxpay reports (<c>wxpay_version()</c>); loads it if needed.</summary>
        /// <exception cref="WxPayLibraryException">The library cannot be loaded or does not match.</exception>
        public static string NativeVersion
        {
            get { return LibraryLoader.Api.Version; }
        }

        /// <summary>Signs a message: every field but <c>sign</c>, empty values left out, names in byte order, then <c>&amp;key=</c>.</summary>
        /// <param name="fields">The message's fields; they are not modified.</param>
        /// <param name="key">The merchant API key: 32 ASCII letters or digits.</param>
        /// <param name="signType">The algorithm; it must agree with a <c>sign_type</c> field if there is one.</param>
        /// <returns>The signature in uppercase hex: 32 characters (MD5) or 64 (HMAC-SHA256).</returns>
        /// <exception cref="WxPayInvalidInputException">A null or invalid argument, key, name or value, or a duplicate name.</exception>
        /// <exception cref="WxPaySignatureException">The <c>sign_type</c> field names another algorithm.</exception>
        public static unsafe string Sign(IEnumerable<KeyValuePair<string, string>> fields, string key, SignType signType = SignType.Auto)
        {
            Api api = LibraryLoader.Api;
            var container = fields as WxPayFields;
            if (container != null)
            {
                return container.Sign(api, key, signType);
            }
            Packed packed = Packed.From(fields);
            byte[] keyBytes = Utf8.Encode(key, "key");
            try
            {
                fixed (byte* data = packed.Data)
                {
                    return Sign(api, data, packed.Length, packed.Count, keyBytes, signType);
                }
            }
            finally
            {
                Array.Clear(keyBytes, 0, keyBytes.Length);
                packed.Recycle();
            }
        }

        internal static unsafe string Sign(Api api, byte* data, long length, long count, byte[] key, SignType signType)
        {
            byte* output = stackalloc byte[Api.SignBufLen];
            int code;
            fixed (byte* keyData = key)
            {
                code = api.Sign(data, (UIntPtr)length, (UIntPtr)count, keyData, (UIntPtr)key.Length, (int)signType,
                    output, (UIntPtr)Api.SignBufLen);
            }
            Ensure.Success(api, code);
            return Utf8.FromNative((IntPtr)output);
        }

        /// <summary>Checks the <c>sign</c> field of a message in constant time.</summary>
        /// <param name="fields">The message's fields, <c>sign</c> included.</param>
        /// <param name="key">The merchant API key.</param>
        /// <param name="signType">The algorithm expected, or <see cref="SignType.Auto"/> to take it from the message.</param>
        /// <returns>The algorithm the signature was checked with.</returns>
        /// <exception cref="WxPaySignatureException">No <c>sign</c>, a wrong signature, or another algorithm than expected.</exception>
        /// <exception cref="WxPayInvalidInputException">A null or invalid argument, key, name or value.</exception>
        public static unsafe SignType Verify(IEnumerable<KeyValuePair<string, string>> fields, string key, SignType signType = SignType.Auto)
        {
            Api api = LibraryLoader.Api;
            var container = fields as WxPayFields;
            if (container != null)
            {
                return container.Verify(api, key, signType);
            }
            Packed packed = Packed.From(fields);
            byte[] keyBytes = Utf8.Encode(key, "key");
            try
            {
                fixed (byte* data = packed.Data)
                {
                    return Verify(api, data, packed.Length, packed.Count, keyBytes, signType);
                }
            }
            finally
            {
                Array.Clear(keyBytes, 0, keyBytes.Length);
                packed.Recycle();
            }
        }

        internal static unsafe SignType Verify(Api api, byte* data, long length, long count, byte[] key, SignType signType)
        {
            int used = 0;
            int code;
            fixed (byte* keyData = key)
            {
                code = api.Verify(data, (UIntPtr)length, (UIntPtr)count, keyData, (UIntPtr)key.Length, (int)signType, &used);
            }
            Ensure.Success(api, code);
            return (SignType)used;
        }

        /// <summary>Parses a WeChat Pay XML document and verifies its signature in one step.</summary>
        /// <param name="xml">The document, e.g. a response or notification body.</param>
        /// <param name="key">The merchant API key.</param>
        /// <param name="signType">The algorithm expected, or <see cref="SignType.Auto"/>.</param>
        /// <param name="maxSize">The size limit in bytes of UTF-8; 0 for <see cref="DefaultMaxXmlSize"/>.</param>
        /// <returns>The verified fields, <c>sign</c> included, in document order.</returns>
        /// <exception cref="WxPayXmlException">The document is refused (see <see cref="ParseXml(string,int)"/>).</exception>
        /// <exception cref="WxPaySignatureException">The signature is missing or wrong.</exception>
        /// <exception cref="WxPayInvalidInputException">A null or invalid argument or key.</exception>
        public static IDictionary<string, string> VerifyXml(string xml, string key, SignType signType = SignType.Auto, int maxSize = 0)
        {
            return VerifyXml(Utf8.Encode(xml, "xml"), key, signType, maxSize);
        }

        /// <summary>As <see cref="VerifyXml(string,string,SignType,int)"/> for a body still in bytes (it must be UTF-8).</summary>
        /// <param name="xml">The document's bytes.</param>
        /// <param name="key">The merchant API key.</param>
        /// <param name="signType">The algorithm expected, or <see cref="SignType.Auto"/>.</param>
        /// <param name="maxSize">The size limit in bytes; 0 for <see cref="DefaultMaxXmlSize"/>.</param>
        /// <returns>The verified fields, <c>sign</c> included, in document order.</returns>
        /// <exception cref="WxPayXmlException">The document is refused.</exception>
        /// <exception cref="WxPaySignatureException">The signature is missing or wrong.</exception>
        /// <exception cref="WxPayInvalidInputException">A null or invalid argument or key.</exception>
        public static unsafe IDictionary<string, string> VerifyXml(byte[] xml, string key, SignType signType = SignType.Auto, int maxSize = 0)
        {
            Api api = LibraryLoader.Api;
            CheckXmlArguments(xml, maxSize);
            byte[] keyBytes = Utf8.Encode(key, "key");
            using (var result = new FieldsHandle())
            {
                int code = 0;
                try
                {
                    fixed (byte* document = xml)
                    fixed (byte* keyData = keyBytes)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.VerifyXml(document, (UIntPtr)xml.Length, (UIntPtr)maxSize, keyData,
                                (UIntPtr)keyBytes.Length, (int)signType, &raw);
                            result.Adopt(raw);
                        }
                    }
                }
                finally
                {
                    Array.Clear(keyBytes, 0, keyBytes.Length);
                }
                Ensure.Success(api, code);
                return WxPayFields.Read(api, result);
            }
        }

        /// <summary>Parses a flat WeChat Pay <c>&lt;xml&gt;</c> document, refusing anything unsafe or ambiguous.</summary>
        /// <param name="xml">The document.</param>
        /// <param name="maxSize">The size limit in bytes of UTF-8, checked before parsing; 0 for <see cref="DefaultMaxXmlSize"/>.</param>
        /// <returns>The fields in document order; values are text or CDATA with entities resolved.</returns>
        /// <exception cref="WxPayXmlException">
        /// Malformed XML, a DOCTYPE or entity declaration (XXE, billion laughs), an undefined entity,
        /// another root than <c>&lt;xml&gt;</c>, a nested element, a field given twice, or over <paramref name="maxSize"/>.
        /// </exception>
        /// <exception cref="WxPayInvalidInputException">A null argument, a negative size, or a string that is not valid UTF-16.</exception>
        public static IDictionary<string, string> ParseXml(string xml, int maxSize = 0)
        {
            return ParseXml(Utf8.Encode(xml, "xml"), maxSize);
        }

        /// <summary>As <see cref="ParseXml(string,int)"/> for a body still in bytes (it must be UTF-8).</summary>
        /// <param name="xml">The document's bytes.</param>
        /// <param name="maxSize">The size limit in bytes; 0 for <see cref="DefaultMaxXmlSize"/>.</param>
        /// <returns>The fields in document order.</returns>
        /// <exception cref="WxPayXmlException">The document is refused; also when it is not UTF-8.</exception>
        /// <exception cref="WxPayInvalidInputException">A null argument or a negative size.</exception>
        public static IDictionary<string, string> ParseXml(byte[] xml, int maxSize = 0)
        {
            Api api = LibraryLoader.Api;
            using (FieldsHandle result = WxPayFields.ParseInto(api, xml, maxSize))
            {
                return WxPayFields.Read(api, result);
            }
        }

        /// <summary>Builds <c>&lt;xml&gt;&lt;name&gt;&lt;![CDATA[value]]&gt;&lt;/name&gt;...&lt;/xml&gt;</c> in the order given.</summary>
        /// <param name="fields">The fields; values are written so that they parse back unchanged.</param>
        /// <returns>The document.</returns>
        /// <exception cref="WxPayInvalidInputException">
        /// A null name or value, a name that is not an ASCII XML name, a value with a character XML cannot carry.
        /// </exception>
        public static unsafe string BuildXml(IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            var container = fields as WxPayFields;
            if (container != null)
            {
                return container.BuildXml(api);
            }
            Packed packed = Packed.From(fields);
            try
            {
                fixed (byte* data = packed.Data)
                {
                    return BuildXml(api, data, packed.Length, packed.Count);
                }
            }
            finally
            {
                packed.Recycle();
            }
        }

        internal static unsafe string BuildXml(Api api, byte* data, long length, long count)
        {
            using (var xml = new StringHandle())
            {
                int code;
                UIntPtr xmlLength = UIntPtr.Zero;
                IntPtr raw = IntPtr.Zero;
                try
                {
                }
                finally
                {
                    code = api.XmlBuild(data, (UIntPtr)length, (UIntPtr)count, &raw, &xmlLength);
                    xml.Adopt(raw);
                }
                Ensure.Success(api, code);
                return Utf8.FromNative((byte*)xml.DangerousGetHandle(), checked((int)xmlLength.ToUInt64()));
            }
        }

        /// <summary>
        /// The values of WeChat's numbered fields <c>name_0</c>, <c>name_1</c>, ... in order of their number (a refund
        /// query's <c>refund_fee_$n</c>, an order's <c>coupon_id_$n</c>). For the second level give the first number in
        /// <paramref name="name"/>: <c>Indexed(r, "coupon_refund_fee_0")</c> is refund 0's <c>coupon_refund_fee_0_$m</c>.
        /// </summary>
        /// <param name="fields">A response or notification.</param>
        /// <param name="name">The list's name, without the <c>_$n</c>.</param>
        /// <returns>The values, in order of their number; empty when there are none.</returns>
        /// <exception cref="WxPayInvalidInputException">Rather than drop a value unseen (101): an empty name, a number
        /// with a leading zero or of more than 9 digits, a missing number before the last; null arguments (100).</exception>
        public static unsafe IList<string> Indexed(IEnumerable<KeyValuePair<string, string>> fields, string name)
        {
            Api api = LibraryLoader.Api;
            byte[] nameBytes = Utf8.Terminated(name, "name");
            Packed packed = Packed.From(fields);
            try
            {
                using (var numbered = new FieldsHandle())
                {
                    int code;
                    fixed (byte* data = packed.Data)
                    fixed (byte* n = nameBytes)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.FieldsIndexed(data, (UIntPtr)packed.Length, (UIntPtr)packed.Count, n, &raw);
                            numbered.Adopt(raw);
                        }
                    }
                    Ensure.Success(api, code);
                    return new List<string>(WxPayFields.Read(api, numbered).Values);
                }
            }
            finally
            {
                packed.Recycle();
            }
        }

        /// <summary>A fresh <c>nonce_str</c>: 32 letters and digits from the operating system's secure random source.</summary>
        /// <returns>The nonce.</returns>
        /// <exception cref="WxPayException">The random source failed (<c>WXPAY_RESULT_RANDOM</c>).</exception>
        public static unsafe string Nonce()
        {
            Api api = LibraryLoader.Api;
            byte* output = stackalloc byte[Api.NonceBufLen];
            Ensure.Success(api, api.Nonce(output, (UIntPtr)Api.NonceBufLen));
            return Utf8.FromNative((IntPtr)output);
        }

        internal static void CheckXmlArguments(byte[] xml, int maxSize)
        {
            if (xml == null)
            {
                throw Ensure.NullArgument("xml is null");
            }
            if (maxSize < 0)
            {
                throw new WxPayInvalidInputException(101, "WXPAY_RESULT_INVALID_ARGUMENT",
                    "maxSize is " + maxSize + "; give a positive limit in bytes, or 0 for the default");
            }
        }
    }
}

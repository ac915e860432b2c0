using System;
using System.Collections.Generic;
using WeChatPay.Native;

namespace WeChatPay
{
    /// <summary>
    /// An API key and an algorithm, checked once, for signing and verifying many messages
    /// (a <c>wxpay_signer</c>). The key is copied into libwxpay once; calls then pass only
    /// the message, and the HMAC-SHA256 key schedule is derived once.
    /// </summary>
    /// <remarks>
    /// <para>Each call behaves exactly as the <see cref="WxPay"/> member of the same name given this
    /// signer's key and <see cref="SignType"/>: same results, same exceptions.</para>
    /// <para>Thread-safe: share one signer between any number of threads; calls run in parallel
    /// (no lock). After <see cref="Dispose"/>, every member but <see cref="Dispose"/>,
    /// <see cref="IsDisposed"/>, <see cref="SignType"/> and <see cref="ToString"/> throws
    /// <see cref="ObjectDisposedException"/>. A <see cref="Dispose"/> while calls are running on
    /// other threads lets them finish; the native signer (and its copy of the key, which
    /// libwxpay wipes) is freed when the last one returns. A signer never disposed is freed by its
    /// finalizer. Neither <see cref="ToString"/> nor any exception shows the key.</para>
    /// </remarks>
    public sealed class WxPaySigner : IDisposable
    {
        private readonly SignerHandle handle;
        private readonly SignType signType;

        /// <summary>Checks <paramref name="key"/> and makes a signer for it.</summary>
        /// <param name="key">The merchant API key: 32 ASCII letters or digits.</param>
        /// <param name="signType">The algorithm, with the meaning it has for <see cref="WxPay.Sign(IEnumerable{KeyValuePair{string,string}},string,SignType)"/>
        /// and <see cref="WxPay.Verify(IEnumerable{KeyValuePair{string,string}},string,SignType)"/>; <see cref="SignType.Auto"/> takes it from each message.</param>
        /// <exception cref="WxPayInvalidInputException">A null or invalid key (<c>WXPAY_RESULT_INVALID_KEY</c>),
        /// or a <paramref name="signType"/> that is not one of the enum's values.</exception>
        public unsafe WxPaySigner(string key, SignType signType = SignType.Auto)
        {
            Api api = LibraryLoader.Api;
            byte[] keyBytes = Utf8.Encode(key, "key");
            handle = new SignerHandle();
            int code;
            try
            {
                fixed (byte* keyData = keyBytes)
                {
                    IntPtr raw = IntPtr.Zero;
                    try
                    {
                    }
                    finally
                    {
                        code = api.SignerNew(keyData, (UIntPtr)keyBytes.Length, (int)signType, &raw);
                        handle.Adopt(raw);
                    }
                }
            }
            finally
            {
                Array.Clear(keyBytes, 0, keyBytes.Length);
            }
            if (code != Ensure.Ok)
            {
                WxPayException failure = Ensure.Exception(api, code);
                handle.Dispose();
                throw failure;
            }
            this.signType = signType;
        }

        /// <summary>The algorithm given at construction.</summary>
        public SignType SignType
        {
            get { return signType; }
        }

        /// <summary>True once <see cref="Dispose"/> has run.</summary>
        public bool IsDisposed
        {
            get { return handle.IsClosed; }
        }

        /// <summary>Signs a message, as <see cref="WxPay.Sign(IEnumerable{KeyValuePair{string,string}},string,SignType)"/> with this signer's key and algorithm.</summary>
        /// <param name="fields">The message's fields (any sequence of pairs, a <see cref="WxPayFields"/> read in
        /// place); they are not modified.</param>
        /// <returns>The signature in uppercase hex: 32 characters (MD5) or 64 (HMAC-SHA256).</returns>
        /// <exception cref="WxPayInvalidInputException">A null or invalid name or value, or a duplicate name.</exception>
        /// <exception cref="WxPaySignatureException">The <c>sign_type</c> field names another algorithm.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe string Sign(IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            var container = fields as WxPayFields;
            if (container != null)
            {
                return container.SignWith(api, this);
            }
            Packed packed = Packed.From(fields);
            try
            {
                fixed (byte* data = packed.Data)
                {
                    return Sign(api, data, packed.Length, packed.Count);
                }
            }
            finally
            {
                packed.Recycle();
            }
        }

        internal unsafe string Sign(Api api, byte* data, long length, long count)
        {
            byte* output = stackalloc byte[Api.SignBufLen];
            int code;
            bool added = false;
            try
            {
                AddRef(ref added);
                code = api.SignerSign(handle.DangerousGetHandle(), data, (UIntPtr)length, (UIntPtr)count, output,
                    (UIntPtr)Api.SignBufLen);
            }
            finally
            {
                Release(added);
            }
            Ensure.Success(api, code);
            return Utf8.FromNative((IntPtr)output);
        }

        /// <summary>Checks the <c>sign</c> field of a message in constant time, as <see cref="WxPay.Verify(IEnumerable{KeyValuePair{string,string}},string,SignType)"/>.</summary>
        /// <param name="fields">The message's fields, <c>sign</c> included.</param>
        /// <returns>The algorithm the signature was checked with.</returns>
        /// <exception cref="WxPaySignatureException">No <c>sign</c>, a wrong signature, or another algorithm than expected.</exception>
        /// <exception cref="WxPayInvalidInputException">A null or invalid name or value.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe SignType Verify(IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            var container = fields as WxPayFields;
            if (container != null)
            {
                return container.VerifyWith(api, this);
            }
            Packed packed = Packed.From(fields);
            try
            {
                fixed (byte* data = packed.Data)
                {
                    return Verify(api, data, packed.Length, packed.Count);
                }
            }
            finally
            {
                packed.Recycle();
            }
        }

        internal unsafe SignType Verify(Api api, byte* data, long length, long count)
        {
            int used = 0;
            int code;
            bool added = false;
            try
            {
                AddRef(ref added);
                code = api.SignerVerify(handle.DangerousGetHandle(), data, (UIntPtr)length, (UIntPtr)count, &used);
            }
            finally
            {
                Release(added);
            }
            Ensure.Success(api, code);
            return (SignType)used;
        }

        /// <summary>Parses a WeChat Pay XML document and verifies its signature in one step, as
        /// <see cref="WxPay.VerifyXml(string,string,SignType,int)"/>.</summary>
        /// <param name="xml">The document, e.g. a response or notification body.</param>
        /// <param name="maxSize">The size limit in bytes of UTF-8; 0 for <see cref="WxPay.DefaultMaxXmlSize"/>.</param>
        /// <returns>The verified fields, <c>sign</c> included, in document order.</returns>
        /// <exception cref="WxPayXmlException">The document is refused (see <see cref="WxPay.ParseXml(string,int)"/>).</exception>
        /// <exception cref="WxPaySignatureException">The signature is missing or wrong.</exception>
        /// <exception cref="WxPayInvalidInputException">A null or invalid argument.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public IDictionary<string, string> VerifyXml(string xml, int maxSize = 0)
        {
            return VerifyXml(Utf8.Encode(xml, "xml"), maxSize);
        }

        /// <summary>As <see cref="VerifyXml(string,int)"/> for a body still in bytes (it must be UTF-8).</summary>
        /// <param name="xml">The document's bytes.</param>
        /// <param name="maxSize">The size limit in bytes; 0 for <see cref="WxPay.DefaultMaxXmlSize"/>.</param>
        /// <returns>The verified fields, <c>sign</c> included, in document order.</returns>
        /// <exception cref="WxPayXmlException">The document is refused.</exception>
        /// <exception cref="WxPaySignatureException">The signature is missing or wrong.</exception>
        /// <exception cref="WxPayInvalidInputException">A null argument or a negative size.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe IDictionary<string, string> VerifyXml(byte[] xml, int maxSize = 0)
        {
            Api api = LibraryLoader.Api;
            WxPay.CheckXmlArguments(xml, maxSize);
            using (var result = new FieldsHandle())
            {
                int code = 0;
                bool added = false;
                try
                {
                    AddRef(ref added);
                    fixed (byte* document = xml)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.SignerVerifyXml(handle.DangerousGetHandle(), document, (UIntPtr)xml.Length,
                                (UIntPtr)maxSize, &raw);
                            result.Adopt(raw);
                        }
                    }
                }
                finally
                {
                    Release(added);
                }
                Ensure.Success(api, code);
                return WxPayFields.Read(api, result);
            }
        }

        /// <summary>Frees the native signer (libwxpay wipes its copy of the key). Calling it again does nothing.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        /// <summary>The type and algorithm, e.g. <c>WxPaySigner(HmacSha256)</c>; never the key.</summary>
        /// <returns>The description.</returns>
        public override string ToString()
        {
            return "WxPaySigner(" + signType + (IsDisposed ? ", disposed)" : ")");
        }

        /// <summary>Holds the handle open for one native call.</summary>
        /// <exception cref="ObjectDisposedException">The signer has been disposed.</exception>
        private void AddRef(ref bool added)
        {
            try
            {
                handle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                throw new ObjectDisposedException(nameof(WxPaySigner));
            }
        }

        private void Release(bool added)
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}

using System;
using System.Collections.Generic;

namespace WeChatPay.Native
{
    /// <summary>Turns the library's result codes into exceptions.</summary>
    internal static class Ensure
    {
        internal const int Ok = 0;
        internal const int NullArgumentCode = 100;
        internal const int InvalidUtf8Code = 102;
        internal const int EmbeddedNulCode = 103;
        internal const int NotFoundCode = 109;
        internal const int CertificateFileCode = 405;

        private delegate WxPayException Factory(int code, string name, string message, IReadOnlyDictionary<string, string> response);

        // Codes are grouped by hundreds (include/wxpay.h); a code the wrapper does
        // not know yet still lands in the right family.
        private static readonly Dictionary<int, Factory> families = new Dictionary<int, Factory>
        {
            { 1, (c, n, m, r) => new WxPayInvalidInputException(c, n, m) },
            { 2, (c, n, m, r) => new WxPaySignatureException(c, n, m) },
            { 3, (c, n, m, r) => new WxPayXmlException(c, n, m) },
            { 4, (c, n, m, r) => new WxPayCertificateException(c, n, m) },
            { 5, (c, n, m, r) => new WxPayTransportException(c, n, m) },
            { 6, (c, n, m, r) => new WxPayProtocolException(c, n, m, r) },
            { 7, (c, n, m, r) => new WxPayBusinessException(c, n, m, r) },
        };

        // Codes with a class of their own, a subclass of their family's.
        private static readonly Dictionary<int, Factory> specific = new Dictionary<int, Factory>
        {
            { 210, (c, n, m, r) => new WxPayDecryptionException(c, n, m) },
            { 211, (c, n, m, r) => new WxPayDecryptionException(c, n, m) },
            { 406, (c, n, m, r) => new WxPayCertificateExpiredException(c, n, m) },
            { 407, (c, n, m, r) => new WxPayCertificatePermissionsException(c, n, m) },
        };

        /// <summary>Throws the exception for <paramref name="code"/> unless it is OK.</summary>
        /// <remarks>Must run on the thread that made the call, right after it: the
        /// message and response are the library's per-thread last error.</remarks>
        internal static void Success(Api api, int code)
        {
            if (code != Ok)
            {
                throw Exception(api, code);
            }
        }

        internal static WxPayException Exception(Api api, int code)
        {
            string message = Utf8.FromNative(api.LastErrorMessage());
            if (api.LastErrorCode() != code || string.IsNullOrEmpty(message))
            {
                message = "libwxpay returned " + code;
            }
            int retry = api.LastErrorRetry();
            IReadOnlyDictionary<string, string> response = CopyResponse(api, api.LastErrorResponse());
            WxPayException e = Create(code, Utf8.FromNative(api.ResultName(code)), message, response);
            WxPayBusinessException business = e as WxPayBusinessException;
            if (business != null)
            {
                business.Retry = Retries.Of(retry);
            }
            return e;
        }

        internal static WxPayException Create(int code, string name, string message, IReadOnlyDictionary<string, string> response)
        {
            Factory factory;
            if (specific.TryGetValue(code, out factory) || families.TryGetValue(code / 100, out factory))
            {
                return factory(code, name, message, response);
            }
            return new WxPayException(code, name, message, response);
        }

        /// <summary>The response is borrowed until the next failure on this thread, so it is copied now.</summary>
        private static unsafe IReadOnlyDictionary<string, string> CopyResponse(Api api, IntPtr fields)
        {
            if (fields == IntPtr.Zero)
            {
                return null;
            }
            IntPtr data;
            UIntPtr length, count;
            if (api.FieldsPacked(fields, &data, &length, &count) != Ok)
            {
                return null;
            }
            return Packed.ToDictionary((byte*)data, (long)length.ToUInt64(), (long)count.ToUInt64());
        }

        /// <summary>An exception for <paramref name="code"/> raised by the wrapper itself, named as the library names it.</summary>
        internal static WxPayException Create(Api api, int code, string message)
        {
            return Create(code, Utf8.FromNative(api.ResultName(code)), message, null);
        }

        internal static WxPayInvalidInputException NullArgument(string message)
        {
            return new WxPayInvalidInputException(NullArgumentCode, "WXPAY_RESULT_NULL_ARGUMENT", message);
        }

        internal static WxPayInvalidInputException InvalidUtf8(string what)
        {
            return new WxPayInvalidInputException(InvalidUtf8Code, "WXPAY_RESULT_INVALID_UTF8",
                what + " is not valid UTF-16 (a lone surrogate) and has no UTF-8 form");
        }
    }
}

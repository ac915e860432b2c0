using System;
using System.Collections.Generic;

namespace WeChatPay
{
    /// <summary>
    /// A failure reported by libwxpay. The subclass tells the family of the failure;
    /// <see cref="Code"/> and <see cref="CodeName"/> tell exactly which one.
    /// </summary>
    /// <remarks>Messages never contain the API key.</remarks>
    public class WxPayException : Exception
    {
        /// <summary>Creates an exception for a result code of the C ABI.</summary>
        /// <param name="code">The <c>wxpay_result</c> number.</param>
        /// <param name="codeName">Its C name, e.g. <c>WXPAY_RESULT_XML_DOCTYPE</c>.</param>
        /// <param name="message">The library's description of the failure.</param>
        /// <param name="response">The peer's whole response, when the failure came with one.</param>
        public WxPayException(int code, string codeName, string message, IReadOnlyDictionary<string, string> response)
            : base(message)
        {
            Code = code;
            CodeName = codeName;
            Response = response;
        }

        /// <summary>The <c>wxpay_result</c> number, e.g. 301.</summary>
        public int Code { get; private set; }

        /// <summary>The C name of <see cref="Code"/>, e.g. <c>WXPAY_RESULT_XML_DOCTYPE</c>.</summary>
        public string CodeName { get; private set; }

        /// <summary>The peer's whole response for protocol and business failures; otherwise null.</summary>
        public IReadOnlyDictionary<string, string> Response { get; private set; }

        /// <summary>A field of <see cref="Response"/>, or null.</summary>
        protected string ResponseField(string name)
        {
            string value;
            return Response != null && Response.TryGetValue(name, out value) ? value : null;
        }
    }

    /// <summary>An argument was rejected (codes 1xx): null, not UTF-8, an invalid key, a duplicate or ill-named field, ...</summary>
    public class WxPayInvalidInputException : WxPayException
    {
        /// <summary>Creates the exception for a 1xx code.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        public WxPayInvalidInputException(int code, string codeName, string message)
            : base(code, codeName, message, null)
        {
        }
    }

    /// <summary>A signature is missing, does not match, or uses another algorithm than announced (codes 2xx).</summary>
    public class WxPaySignatureException : WxPayException
    {
        /// <summary>Creates the exception for a 2xx code.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        public WxPaySignatureException(int code, string codeName, string message)
            : base(code, codeName, message, null)
        {
        }
    }

    /// <summary>
    /// Encrypted data (a refund notification's <c>req_info</c>) is not ciphertext (211,
    /// <c>WXPAY_RESULT_CIPHERTEXT_CORRUPT</c>) or does not decrypt with the key (210, <c>WXPAY_RESULT_DECRYPT_FAILED</c>):
    /// a wrong API key, damaged data, or a forgery.
    /// </summary>
    public class WxPayDecryptionException : WxPaySignatureException
    {
        /// <summary>Creates the exception for code 210 or 211.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        public WxPayDecryptionException(int code, string codeName, string message)
            : base(code, codeName, message)
        {
        }
    }

    /// <summary>An XML document was refused (codes 3xx): malformed, DOCTYPE/entities, wrong root, nested, duplicate, too large.</summary>
    public class WxPayXmlException : WxPayException
    {
        /// <summary>Creates the exception for a 3xx code.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        public WxPayXmlException(int code, string codeName, string message)
            : base(code, codeName, message, null)
        {
        }
    }

    /// <summary>A certificate, private key or TLS setup problem (codes 4xx).</summary>
    public class WxPayCertificateException : WxPayException
    {
        /// <summary>Creates the exception for a 4xx code.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        public WxPayCertificateException(int code, string codeName, string message)
            : base(code, codeName, message, null)
        {
        }
    }

    /// <summary>
    /// The merchant certificate has expired (code 406, <c>WXPAY_RESULT_CERTIFICATE_EXPIRED</c>): requests to
    /// certificate endpoints are refused before any network I/O, and a reload refuses an expired replacement.
    /// </summary>
    public class WxPayCertificateExpiredException : WxPayCertificateException
    {
        /// <summary>Creates the exception for code 406.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">Which certificate and when it expired.</param>
        public WxPayCertificateExpiredException(int code, string codeName, string message)
            : base(code, codeName, message)
        {
        }
    }

    /// <summary>
    /// A private key or <c>.p12</c> file is readable by its group or by all users and the option
    /// <see cref="WxPayClientOptions.StrictPermissions"/> is on (code 407, <c>WXPAY_RESULT_CERTIFICATE_PERMISSIONS</c>).
    /// </summary>
    public class WxPayCertificatePermissionsException : WxPayCertificateException
    {
        /// <summary>Creates the exception for code 407.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">Which file, its mode and the fix.</param>
        public WxPayCertificatePermissionsException(int code, string codeName, string message)
            : base(code, codeName, message)
        {
        }
    }

    /// <summary>The request did not complete: connection, timeout, HTTP status (codes 5xx).</summary>
    public class WxPayTransportException : WxPayException
    {
        /// <summary>Creates the exception for a 5xx code.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        public WxPayTransportException(int code, string codeName, string message)
            : base(code, codeName, message, null)
        {
        }
    }

    /// <summary>WeChat Pay answered <c>return_code=FAIL</c> (codes 6xx): the request did not get through.</summary>
    public class WxPayProtocolException : WxPayException
    {
        /// <summary>Creates the exception for a 6xx code.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        /// <param name="response">The whole response, or null.</param>
        public WxPayProtocolException(int code, string codeName, string message, IReadOnlyDictionary<string, string> response)
            : base(code, codeName, message, response)
        {
        }

        /// <summary>The response's <c>return_msg</c>, or null.</summary>
        public string ReturnMsg
        {
            get { return ResponseField("return_msg"); }
        }
    }

    /// <summary>WeChat Pay answered <c>result_code=FAIL</c> (codes 7xx): the request was refused on business grounds.</summary>
    public class WxPayBusinessException : WxPayException
    {
        /// <summary>Creates the exception for a 7xx code.</summary>
        /// <param name="code">The result code.</param>
        /// <param name="codeName">Its C name.</param>
        /// <param name="message">What was wrong.</param>
        /// <param name="response">The whole response, or null.</param>
        public WxPayBusinessException(int code, string codeName, string message, IReadOnlyDictionary<string, string> response)
            : base(code, codeName, message, response)
        {
        }

        /// <summary>The response's <c>err_code</c>, e.g. <c>ORDERPAID</c>, or null.</summary>
        public string ErrCode
        {
            get { return ResponseField("err_code"); }
        }

        /// <summary>The response's <c>err_code_des</c>, or null.</summary>
        public string ErrCodeDes
        {
            get { return ResponseField("err_code_des"); }
        }

        /// <summary>What the <c>err_code</c> says about sending the request again
        /// (<see cref="WxPayClient.ErrCodeRetry"/>).</summary>
        public WxPayRetry Retry { get; internal set; }
    }

    /// <summary>libwxpay could not be loaded, or the one found does not match this wrapper.</summary>
    public sealed class WxPayLibraryException : DllNotFoundException
    {
        /// <summary>Creates the exception.</summary>
        /// <param name="message">What was tried and what failed.</param>
        /// <param name="libraryPath">The library that was opened, or null if none could be.</param>
        /// <param name="libraryVersion">Its version, or null.</param>
        public WxPayLibraryException(string message, string libraryPath, string libraryVersion)
            : base(message)
        {
            LibraryPath = libraryPath;
            LibraryVersion = libraryVersion;
        }

        /// <summary>The library that was opened, or null if none could be.</summary>
        public string LibraryPath { get; private set; }

        /// <summary>The version that library reports, or null.</summary>
        public string LibraryVersion { get; private set; }
    }
}

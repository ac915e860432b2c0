using System;
using System.Collections.Generic;
using WeChatPay.Native;

namespace WeChatPay
{
    // The merchant flows of issue #4; every rule is libwxpay's, this file only converts.
    public sealed partial class WxPayClient
    {
        /// <summary>
        /// Verifies a payment notification (the body WeChat Pay POSTed to <c>notify_url</c>) with this client's
        /// key (the sandbox key in sandbox mode) and checks that it is for this client's <c>appid</c>/<c>mch_id</c>.
        /// Answer it with <see cref="WxPay.NotificationReply"/>. A retried notification verifies again: handle it idempotently.
        /// </summary>
        /// <param name="body">The request body as received.</param>
        /// <returns>The notification's fields and whether the payment succeeded.</returns>
        /// <exception cref="WxPaySignatureException">Forged: no <c>sign</c> (200), a wrong one (201), a disagreeing
        /// <c>sign_type</c> (202), fields added after signing (203, named in the message), another merchant's (204).</exception>
        /// <exception cref="WxPayXmlException">Not acceptable XML, e.g. a field given twice.</exception>
        /// <exception cref="WxPayProtocolException"><c>return_code=FAIL</c> (600, with the fields) or neither code (601).</exception>
        /// <exception cref="WxPayInvalidInputException">A null body, an unknown <c>sign_type</c> (105).</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public WxPayPaymentNotification ParsePaymentNotification(byte[] body)
        {
            bool paid;
            IDictionary<string, string> fields = VerifiedNotification(LibraryLoader.Api.NotifyPayment, body, out paid);
            return new WxPayPaymentNotification(fields, paid);
        }

        /// <summary>As <see cref="ParsePaymentNotification(byte[])"/> for a body already decoded to text.</summary>
        /// <param name="body">The request body.</param>
        /// <returns>The notification's fields and whether the payment succeeded.</returns>
        /// <exception cref="WxPayException">As <see cref="ParsePaymentNotification(byte[])"/>.</exception>
        public WxPayPaymentNotification ParsePaymentNotification(string body)
        {
            return ParsePaymentNotification(Utf8.Encode(body, "body"));
        }

        /// <summary>
        /// Decrypts a refund notification: checks <c>return_code</c> and the merchant, then decrypts <c>req_info</c>
        /// (AES-256-ECB under the MD5 of this client's key, or of the sandbox key in sandbox mode).
        /// </summary>
        /// <param name="body">The request body as received.</param>
        /// <returns>The decrypted fields and the outer ones.</returns>
        /// <exception cref="WxPayDecryptionException"><c>req_info</c> is not ciphertext (211) or does not decrypt with this key (210).</exception>
        /// <exception cref="WxPaySignatureException">Another merchant's notification (204).</exception>
        /// <exception cref="WxPayProtocolException"><c>return_code=FAIL</c> (600), or no <c>req_info</c> (601).</exception>
        /// <exception cref="WxPayXmlException">Not acceptable XML.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe WxPayRefundNotification ParseRefundNotification(byte[] body)
        {
            Api api = LibraryLoader.Api;
            CheckBody(body);
            bool added = false;
            try
            {
                Enter(ref added);
                using (var info = new FieldsHandle())
                using (var outer = new FieldsHandle())
                {
                    int code;
                    fixed (byte* data = body)
                    {
                        IntPtr rawInfo = IntPtr.Zero, rawOuter = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.NotifyRefund(handle.DangerousGetHandle(), data, (UIntPtr)body.Length, &rawInfo, &rawOuter);
                            info.Adopt(rawInfo);
                            outer.Adopt(rawOuter);
                        }
                    }
                    Ensure.Success(api, code);
                    return new WxPayRefundNotification(WxPayFields.Read(api, info), WxPayFields.Read(api, outer));
                }
            }
            finally
            {
                Leave(added);
            }
        }

        /// <summary>As <see cref="ParseRefundNotification(byte[])"/> for a body already decoded to text.</summary>
        /// <param name="body">The request body.</param>
        /// <returns>The decrypted fields and the outer ones.</returns>
        /// <exception cref="WxPayException">As <see cref="ParseRefundNotification(byte[])"/>.</exception>
        public WxPayRefundNotification ParseRefundNotification(string body)
        {
            return ParseRefundNotification(Utf8.Encode(body, "body"));
        }

        /// <summary>
        /// The signed parameters a JSAPI page, mini-program or App passes to WeChat's client SDK to pay a
        /// <c>prepay_id</c> from <see cref="UnifiedOrder"/>, signed with this client's key and sign type.
        /// </summary>
        /// <param name="kind">JSAPI (also mini-programs), App, the JS-SDK's <c>wx.chooseWXPay</c>, or a mini-program's red packet.</param>
        /// <param name="prepayId">The order's <c>prepay_id</c> (for <see cref="WxPayPayKind.RedPacket"/>, the red packet's <c>package</c>).</param>
        /// <param name="appId">The app ID to put in; null for the configured <c>SubAppId</c>, else <c>AppId</c>.</param>
        /// <param name="timestamp">Seconds since the epoch; 0 for now. Given with <paramref name="nonce"/> to reproduce a signature.</param>
        /// <param name="nonce">The nonce; null for a fresh random one.</param>
        /// <returns>The parameters, in the order the client SDK documents them.</returns>
        /// <exception cref="WxPayInvalidInputException">An unknown kind, a null or invalid prepay ID, a negative timestamp.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe IDictionary<string, string> PayParams(WxPayPayKind kind, string prepayId, string appId = null,
            long timestamp = 0, string nonce = null)
        {
            Api api = LibraryLoader.Api;
            byte[] prepay = Utf8.Terminated(prepayId, "prepayId");
            byte[] app = appId == null ? null : Utf8.Terminated(appId, "appId");
            byte[] nonceBytes = nonce == null ? null : Utf8.Terminated(nonce, "nonce");
            if (timestamp < 0)
            {
                throw new WxPayInvalidInputException(101, "WXPAY_RESULT_INVALID_ARGUMENT",
                    "timestamp is " + timestamp + "; give seconds since the epoch, or 0 for now");
            }
            bool added = false;
            try
            {
                Enter(ref added);
                using (var parameters = new FieldsHandle())
                {
                    int code;
                    fixed (byte* p = prepay)
                    fixed (byte* a = app)
                    fixed (byte* n = nonceBytes)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.PayParams(handle.DangerousGetHandle(), (int)kind, p, a, (ulong)timestamp, n, &raw);
                            parameters.Adopt(raw);
                        }
                    }
                    Ensure.Success(api, code);
                    return WxPayFields.Read(api, parameters);
                }
            }
            finally
            {
                Leave(added);
            }
        }

        /// <summary>
        /// The contract-signing link (<c>papay/entrustweb</c>) to open in the user's WeChat, for automatic deduction:
        /// <c>plan_id</c>, <c>contract_code</c>, <c>request_serial</c>, <c>contract_display_account</c> and
        /// <c>notify_url</c> are required, optional ones (<c>return_web</c>, ...) are passed on. The client adds its
        /// <c>appid</c> and <c>mch_id</c>, <c>version=1.0</c> and <c>timestamp</c> (now) unless given, and signs MD5;
        /// values are percent-encoded. The contract notification then arrives at <c>notify_url</c>
        /// (<see cref="ParseContractNotification(byte[])"/>).
        /// </summary>
        /// <param name="fields">The link's fields.</param>
        /// <returns>The link.</returns>
        /// <exception cref="WxPayInvalidInputException">A missing field (110), a <c>sign</c>, <c>sign_type</c> or
        /// another <c>appid</c> (111), no <c>AppId</c> or a <c>request_serial</c> that is not a whole number (101).</exception>
        public unsafe string EntrustUrl(IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            Packed packed = Packed.From(fields);
            return StringResult((client, raw, length) =>
            {
                fixed (byte* data = packed.Data)
                {
                    return api.PapayUrl(client, data, (UIntPtr)packed.Length, (UIntPtr)packed.Count, raw, length);
                }
            });
        }

        /// <summary>
        /// Verifies a contract notification (signature, this client's <c>mch_id</c>, <c>result_code=SUCCESS</c>,
        /// <c>change_type</c> <c>ADD</c> or <c>DELETE</c>, the contract's ids). Answer it with
        /// <see cref="WxPay.NotificationReply"/>(true).
        /// </summary>
        /// <param name="body">The request body as received.</param>
        /// <returns>The notification's fields and whether the contract was signed or ended.</returns>
        /// <exception cref="WxPaySignatureException">Forged, or another merchant's.</exception>
        /// <exception cref="WxPayXmlException">Not acceptable XML.</exception>
        /// <exception cref="WxPayProtocolException"><c>return_code=FAIL</c> (600), or not a contract's (601).</exception>
        public WxPayContractNotification ParseContractNotification(byte[] body)
        {
            bool signed;
            IDictionary<string, string> fields = VerifiedNotification(LibraryLoader.Api.NotifyContract, body, out signed);
            return new WxPayContractNotification(fields, signed);
        }

        // A notification verified by `verify` (wxpay_notify_payment or wxpay_notify_contract): its fields and the
        // function's verdict (paid, or signed).
        private unsafe IDictionary<string, string> VerifiedNotification(NotifyPaymentFn verify, byte[] body, out bool verdict)
        {
            Api api = LibraryLoader.Api;
            CheckBody(body);
            bool added = false;
            try
            {
                Enter(ref added);
                using (var fields = new FieldsHandle())
                {
                    int code;
                    int flag = 0;
                    fixed (byte* data = body)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = verify(handle.DangerousGetHandle(), data, (UIntPtr)body.Length, &raw, &flag);
                            fields.Adopt(raw);
                        }
                    }
                    Ensure.Success(api, code);
                    verdict = flag != 0;
                    return WxPayFields.Read(api, fields);
                }
            }
            finally
            {
                Leave(added);
            }
        }

        /// <summary>As <see cref="ParseContractNotification(byte[])"/> for a body already decoded to text.</summary>
        /// <param name="body">The request body.</param>
        /// <returns>The notification's fields and whether the contract was signed or ended.</returns>
        /// <exception cref="WxPayException">As <see cref="ParseContractNotification(byte[])"/>.</exception>
        public WxPayContractNotification ParseContractNotification(string body)
        {
            return ParseContractNotification(Utf8.Encode(body, "body"));
        }

        /// <summary>The long link of a Native mode-1 QR code for <paramref name="productId"/>
        /// (<c>weixin://wxpay/bizpayurl?sign=...</c>), signed MD5 with this client's key, <c>AppId</c> and <c>MchId</c>.</summary>
        /// <param name="productId">At most 32 printable ASCII characters without <c>&amp; = # % + ?</c> or spaces.</param>
        /// <param name="timestamp">Seconds since the epoch; 0 for now.</param>
        /// <param name="nonce">The nonce; null for a fresh random one.</param>
        /// <returns>The link to encode in the QR code.</returns>
        /// <exception cref="WxPayInvalidInputException">A product ID that would not survive the link, no <c>AppId</c>,
        /// a negative timestamp.</exception>
        public unsafe string NativeUrl(string productId, long timestamp = 0, string nonce = null)
        {
            Api api = LibraryLoader.Api;
            byte[] product = Utf8.Terminated(productId, "productId");
            byte[] nonceBytes = nonce == null ? null : Utf8.Terminated(nonce, "nonce");
            if (timestamp < 0)
            {
                throw new WxPayInvalidInputException(101, "WXPAY_RESULT_INVALID_ARGUMENT",
                    "timestamp is " + timestamp + "; give seconds since the epoch, or 0 for now");
            }
            return StringResult((client, raw, length) =>
            {
                fixed (byte* p = product)
                fixed (byte* n = nonceBytes)
                {
                    return api.NativeUrl(client, p, (ulong)timestamp, n, raw, length);
                }
            });
        }

        /// <summary>Verifies the scan callback WeChat POSTs when a user scans a mode-1 code (signature, this client's
        /// <c>appid</c>/<c>mch_id</c>, <c>product_id</c> and <c>openid</c> present). Place the order with
        /// <see cref="WxPayClient.UnifiedOrder"/> (<c>trade_type</c> <c>NATIVE</c>) and answer with <see cref="NativeReply"/>.</summary>
        /// <param name="body">The request body.</param>
        /// <returns>Every field of the callback.</returns>
        /// <exception cref="WxPaySignatureException">Forged or damaged.</exception>
        public unsafe IDictionary<string, string> NativeScan(byte[] body)
        {
            Api api = LibraryLoader.Api;
            CheckBody(body);
            bool added = false;
            try
            {
                Enter(ref added);
                using (var fields = new FieldsHandle())
                {
                    int code;
                    fixed (byte* data = body)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.NativeScan(handle.DangerousGetHandle(), data, (UIntPtr)body.Length, &raw);
                            fields.Adopt(raw);
                        }
                    }
                    Ensure.Success(api, code);
                    return WxPayFields.Read(api, fields);
                }
            }
            finally
            {
                Leave(added);
            }
        }

        /// <summary>The signed XML answering a scan callback: with <paramref name="prepayId"/> the user goes on to pay;
        /// with null, <c>result_code=FAIL</c> and <paramref name="message"/> shown to the user.</summary>
        /// <param name="prepayId">From <see cref="WxPayClient.UnifiedOrder"/>, or null to refuse.</param>
        /// <param name="message">Shown to the user when refusing; null for a generic one.</param>
        /// <returns>The reply body.</returns>
        public unsafe string NativeReply(string prepayId, string message = null)
        {
            Api api = LibraryLoader.Api;
            byte[] prepay = prepayId == null ? null : Utf8.Terminated(prepayId, "prepayId");
            byte[] text = message == null ? null : Utf8.Terminated(message, "message");
            return StringResult((client, raw, length) =>
            {
                fixed (byte* p = prepay)
                fixed (byte* m = text)
                {
                    return api.NativeReply(client, p, m, raw, length);
                }
            });
        }

        private unsafe delegate int StringCall(IntPtr client, IntPtr* raw, UIntPtr* length);

        /// <summary>Runs <paramref name="call"/> on this client and returns the string it hands out, then frees it.</summary>
        private unsafe string StringResult(StringCall call)
        {
            Api api = LibraryLoader.Api;
            bool added = false;
            try
            {
                Enter(ref added);
                using (var text = new StringHandle())
                {
                    int code;
                    UIntPtr length = UIntPtr.Zero;
                    IntPtr raw = IntPtr.Zero;
                    try
                    {
                    }
                    finally
                    {
                        code = call(handle.DangerousGetHandle(), &raw, &length);
                        text.Adopt(raw);
                    }
                    Ensure.Success(api, code);
                    return Utf8.FromNative((byte*)text.DangerousGetHandle(), checked((int)length.ToUInt64()));
                }
            }
            finally
            {
                Leave(added);
            }
        }

        /// <summary>
        /// The whole payment-code flow: <c>pay/micropay</c>; on <c>USERPAYING</c>, <c>SYSTEMERROR</c>, <c>BANKERROR</c>
        /// or a lost answer, <c>pay/orderquery</c> until paid or the deadline; then, if not paid,
        /// <c>secapi/pay/reverse</c> (again while WeChat answers <c>recall=Y</c>). Blocks for the whole flow.
        /// </summary>
        /// <param name="fields">The payment's fields (<c>body</c>, <c>out_trade_no</c>, <c>total_fee</c>,
        /// <c>spbill_create_ip</c>, <c>auth_code</c>, ...).</param>
        /// <param name="options">The timing; null for libwxpay's defaults.</param>
        /// <returns>The state, the deciding response and every step; a failed payment is a state, not an exception.</returns>
        /// <exception cref="WxPayInvalidInputException">A missing or conflicting field, bad options; found before any I/O.</exception>
        /// <exception cref="WxPayCertificateException">The client has no certificate (403): a reversal would need it.</exception>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public unsafe WxPayMicropayResult MicropayFlow(IEnumerable<KeyValuePair<string, string>> fields,
            WxPayMicropayOptions options = null)
        {
            Api api = LibraryLoader.Api;
            MicropayOptionsStruct timing;
            Ensure.Success(api, api.MicropayOptionsDefault(&timing));
            if (options != null)
            {
                Override(ref timing.PollIntervalMs, options.PollInterval, "PollInterval");
                Override(ref timing.PollDeadlineMs, options.PollDeadline, "PollDeadline");
                Override(ref timing.ReverseIntervalMs, options.ReverseInterval, "ReverseInterval");
                if (options.ReverseAttempts.HasValue)
                {
                    if (options.ReverseAttempts.Value < 0)
                    {
                        throw Negative("ReverseAttempts");
                    }
                    timing.ReverseAttempts = (ulong)options.ReverseAttempts.Value;
                }
            }
            Packed packed = Packed.From(fields);
            bool added = false;
            try
            {
                Enter(ref added);
                using (var response = new FieldsHandle())
                using (var steps = new TableHandle())
                {
                    int code;
                    int state = 0;
                    fixed (byte* data = packed.Data)
                    {
                        IntPtr rawFields = IntPtr.Zero, rawSteps = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.Micropay(handle.DangerousGetHandle(), data, (UIntPtr)packed.Length, (UIntPtr)packed.Count,
                                &timing, &state, &rawFields, &rawSteps);
                            response.Adopt(rawFields);
                            steps.Adopt(rawSteps);
                        }
                    }
                    Ensure.Success(api, code);
                    return new WxPayMicropayResult((WxPayMicropayState)state, WxPayFields.Read(api, response),
                        WxPayTable.Read(api, steps));
                }
            }
            finally
            {
                Leave(added);
                packed.Recycle();
            }
        }

        /// <summary>Downloads a bill and parses it in one call (<c>wxpay_download_bill</c>).</summary>
        /// <param name="path"><c>pay/downloadbill</c> or <c>pay/downloadfundflow</c>.</param>
        /// <param name="fields">The request's own fields (<c>bill_date</c>, <c>bill_type</c>, ...).</param>
        /// <returns>The rows under the bill's header and the summary.</returns>
        /// <exception cref="WxPayException">As <see cref="Download"/>; a body that is not a bill is a
        /// <see cref="WxPayProtocolException"/> (601).</exception>
        public unsafe WxPayBill DownloadAndParseBill(string path, IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            byte[] pathBytes = Utf8.Terminated(path, "path");
            Packed packed = Packed.From(fields);
            bool added = false;
            try
            {
                Enter(ref added);
                using (var rows = new TableHandle())
                using (var summary = new TableHandle())
                {
                    int code;
                    fixed (byte* p = pathBytes)
                    fixed (byte* data = packed.Data)
                    {
                        IntPtr rawRows = IntPtr.Zero, rawSummary = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.DownloadBill(handle.DangerousGetHandle(), p, data, (UIntPtr)packed.Length,
                                (UIntPtr)packed.Count, &rawRows, &rawSummary);
                            rows.Adopt(rawRows);
                            summary.Adopt(rawSummary);
                        }
                    }
                    Ensure.Success(api, code);
                    return WxPayBill.Read(api, rows, summary);
                }
            }
            finally
            {
                Leave(added);
                packed.Recycle();
            }
        }

        private void Leave(bool added)
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        private static void CheckBody(byte[] body)
        {
            if (body == null)
            {
                throw Ensure.NullArgument("body is null");
            }
        }

        private static void Override(ref ulong milliseconds, TimeSpan? value, string name)
        {
            if (!value.HasValue)
            {
                return;
            }
            if (value.Value < TimeSpan.Zero)
            {
                throw Negative(name);
            }
            milliseconds = ulong.Parse(Milliseconds(value.Value), System.Globalization.CultureInfo.InvariantCulture);
        }

        private static WxPayInvalidInputException Negative(string name)
        {
            return new WxPayInvalidInputException(101, "WXPAY_RESULT_INVALID_ARGUMENT", name + " is negative");
        }
    }
}

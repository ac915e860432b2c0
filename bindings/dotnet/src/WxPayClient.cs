using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using WeChatPay.Native;

namespace WeChatPay
{
    /// <summary>
    /// A WeChat Pay API v2 client: libwxpay's <c>wxpay_client</c>, configured once from
    /// <see cref="WxPayClientOptions"/>. It adds the app and merchant IDs, <c>nonce_str</c>,
    /// <c>sign_type</c> and <c>sign</c>, sends over TLS (with the merchant certificate where the
    /// endpoint needs it), and verifies and judges the response.
    /// </summary>
    /// <remarks>
    /// <para>Thread-safe: share one client between any number of threads; it keeps connections
    /// alive between requests. Dispose it when done. A request in flight on another thread when
    /// <see cref="Dispose"/> is called finishes normally; the native client is freed after it.
    /// After <see cref="Dispose"/> every request throws <see cref="ObjectDisposedException"/>.</para>
    /// <para>Failures are exceptions: <see cref="WxPayInvalidInputException"/> (checked before any I/O),
    /// <see cref="WxPayCertificateException"/>, <see cref="WxPayTransportException"/>,
    /// <see cref="WxPaySignatureException"/>, <see cref="WxPayXmlException"/>,
    /// <see cref="WxPayProtocolException"/> (<c>return_code=FAIL</c>) and
    /// <see cref="WxPayBusinessException"/> (<c>result_code=FAIL</c>), the last two with the whole response.</para>
    /// </remarks>
    public sealed partial class WxPayClient : IDisposable
    {
        private static readonly TraceSource trace = new TraceSource("WxPay", SourceLevels.Off);

        private readonly ClientHandle handle = new ClientHandle();

        // SafeHandle.Dispose only marks the handle while calls hold references: it is closed,
        // and DangerousAddRef refused, once the last of them returns. Threads that keep
        // requesting could hold it open for ever, so disposal is recorded here as well.
        private volatile bool disposed;

        /// <summary>
        /// The trace source "WxPay" every client reports to (level Off unless configured, e.g. in
        /// app.config or by setting <c>Switch.Level</c> and adding a listener). Its switch is read
        /// when a client is made: a client made while it is Off and without
        /// <see cref="WxPayClientOptions.Log"/> installs no log callback at all.
        /// </summary>
        public static TraceSource TraceSource
        {
            get { return trace; }
        }

        /// <summary>Makes a client: loads and checks the certificate, the root CA and every option.</summary>
        /// <param name="options">The configuration; copied, not kept.</param>
        /// <exception cref="WxPayInvalidInputException">A missing merchant ID or key, a bad key, an unknown or bad option, two certificate sources.</exception>
        /// <exception cref="WxPayCertificateException">A wrong <c>.p12</c> password, a corrupt or unsupported certificate, a key that does not match, an unreadable file.</exception>
        public WxPayClient(WxPayClientOptions options)
        {
            if (options == null)
            {
                throw Ensure.NullArgument("options is null");
            }
            Api api = LibraryLoader.Api;
            using (var config = new ConfigHandle())
            {
                try
                {
                }
                finally
                {
                    config.Adopt(api.ConfigNew());
                }
                if (config.IsInvalid)
                {
                    throw Ensure.Exception(api, api.LastErrorCode());
                }
                ClientConfig.Apply(api, config, options);
                bool logging = LogBridge.Wanted(trace, options.Log);
                var sink = logging ? GCHandle.Alloc(new LogBridge(trace, options.Log, options.LogLevel)) : default(GCHandle);
                int code;
                try
                {
                    if (logging)
                    {
                        Ensure.Success(api, api.ConfigSetLog(config.DangerousGetHandle(), LogBridge.CallbackPointer,
                            GCHandle.ToIntPtr(sink), (int)options.LogLevel));
                    }
                    code = Create(api, config, sink);
                }
                catch
                {
                    if (sink.IsAllocated)
                    {
                        sink.Free();
                    }
                    throw;
                }
                if (code != Ensure.Ok)
                {
                    // Nothing native refers to the sink any more: wxpay_client_new failed, and the
                    // configuration that holds the pointer is freed without calling it.
                    WxPayException failure = Ensure.Exception(api, code);
                    if (sink.IsAllocated)
                    {
                        sink.Free();
                    }
                    throw failure;
                }
            }
        }

        private unsafe int Create(Api api, ConfigHandle config, GCHandle sink)
        {
            int code;
            IntPtr raw = IntPtr.Zero;
            try
            {
            }
            finally
            {
                code = api.ClientNew(config.DangerousGetHandle(), &raw);
                if (code == Ensure.Ok)
                {
                    handle.Adopt(raw, sink);
                }
            }
            return code;
        }

        /// <summary>True once <see cref="Dispose"/> has run.</summary>
        public bool IsDisposed
        {
            get { return disposed; }
        }

        /// <summary>
        /// Frees the native client and its connections, once no request is in flight. Calling it
        /// again does nothing.
        /// </summary>
        public void Dispose()
        {
            disposed = true;
            handle.Dispose();
        }

        /// <summary>Calls an XML endpoint, e.g. <c>pay/unifiedorder</c>, and returns the verified response.</summary>
        /// <param name="path">The endpoint path, without host (a leading slash is accepted).</param>
        /// <param name="fields">The request's own fields; the client adds IDs, <c>nonce_str</c>, <c>sign_type</c> and <c>sign</c>.</param>
        /// <returns>The response's fields, in document order, <c>sign</c> included.</returns>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        /// <exception cref="WxPayInvalidInputException">Null or invalid fields or path, a missing required field, a conflicting
        /// field, a bill endpoint (use <see cref="Download"/>).</exception>
        /// <exception cref="WxPayCertificateException">The endpoint needs the merchant certificate and the client has none; a TLS failure.</exception>
        /// <exception cref="WxPayTransportException">No connection, a timeout, an HTTP status other than 200, a response too large.</exception>
        /// <exception cref="WxPaySignatureException">The response's signature is missing or wrong.</exception>
        /// <exception cref="WxPayXmlException">The response is not acceptable XML.</exception>
        /// <exception cref="WxPayProtocolException"><c>return_code=FAIL</c>, or a response that is neither success nor failure.</exception>
        /// <exception cref="WxPayBusinessException"><c>result_code=FAIL</c>; see <see cref="WxPayBusinessException.ErrCode"/>.</exception>
        public IDictionary<string, string> Request(string path, IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Exchange(Utf8.Terminated(path, "path"), fields);
        }

        /// <summary><c>wxpay_request</c> on <paramref name="pathBytes"/>, or <c>wxpay_pay_bank</c> when it is null.</summary>
        private unsafe IDictionary<string, string> Exchange(byte[] pathBytes, IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            Packed packed = Packed.From(fields);
            bool added = false;
            try
            {
                Enter(ref added);
                using (var response = new FieldsHandle())
                {
                    int code;
                    fixed (byte* pathData = pathBytes)
                    fixed (byte* data = packed.Data)
                    {
                        IntPtr raw = IntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = pathBytes == null
                                ? api.PayBank(handle.DangerousGetHandle(), data, (UIntPtr)packed.Length, (UIntPtr)packed.Count, &raw)
                                : api.Request(handle.DangerousGetHandle(), pathData, data, (UIntPtr)packed.Length,
                                    (UIntPtr)packed.Count, &raw);
                            response.Adopt(raw);
                        }
                    }
                    Ensure.Success(api, code);
                    return WxPayFields.Read(api, response);
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
                packed.Recycle();
            }
        }

        /// <summary>Downloads a bill (<c>pay/downloadbill</c>, <c>pay/downloadfundflow</c>, <c>billcommentsp/batchquerycomment</c>).</summary>
        /// <param name="path">The endpoint path.</param>
        /// <param name="fields">The request's own fields, as for <see cref="Request"/>.</param>
        /// <returns>The bill's bytes, gunzipped if the server sent gzip.</returns>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        /// <exception cref="WxPayException">As <see cref="Request"/>; a failure answered in XML is a
        /// <see cref="WxPayProtocolException"/> or <see cref="WxPayBusinessException"/>.</exception>
        public unsafe byte[] Download(string path, IEnumerable<KeyValuePair<string, string>> fields)
        {
            Api api = LibraryLoader.Api;
            byte[] pathBytes = Utf8.Terminated(path, "path");
            Packed packed = Packed.From(fields);
            bool added = false;
            try
            {
                Enter(ref added);
                using (var body = new BytesHandle())
                {
                    int code;
                    fixed (byte* pathData = pathBytes)
                    fixed (byte* data = packed.Data)
                    {
                        IntPtr raw = IntPtr.Zero;
                        UIntPtr length = UIntPtr.Zero;
                        try
                        {
                        }
                        finally
                        {
                            code = api.Download(handle.DangerousGetHandle(), pathData, data, (UIntPtr)packed.Length,
                                (UIntPtr)packed.Count, &raw, &length);
                            if (code == Ensure.Ok)
                            {
                                body.Adopt(raw, length);
                            }
                        }
                    }
                    Ensure.Success(api, code);
                    if (body.Length > int.MaxValue)
                    {
                        throw new WxPayTransportException(503, "WXPAY_RESULT_RESPONSE_TOO_LARGE",
                            path + ": the bill is " + body.Length + " bytes, more than a .NET array holds; lower MaxDownloadSize");
                    }
                    var bytes = new byte[body.Length];
                    if (bytes.Length > 0)
                    {
                        Marshal.Copy(body.DangerousGetHandle(), bytes, 0, bytes.Length);
                    }
                    return bytes;
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
                packed.Recycle();
            }
        }

        /// <summary>The certificate this client uses now and how its reloads went, for monitoring.</summary>
        /// <returns>The status; <see cref="WxPayCertStatus.Certificate"/> is null when the client has no certificate.</returns>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        public WxPayCertStatus CertStatus()
        {
            Api api = LibraryLoader.Api;
            return new WxPayCertStatus(CallForFields(api, api.ClientCertStatus));
        }

        /// <summary>
        /// Re-reads the certificate files the client was made with (<see cref="WxPayClientOptions.P12Path"/>,
        /// or <see cref="WxPayClientOptions.CertPemPath"/> and <see cref="WxPayClientOptions.KeyPemPath"/>) and
        /// swaps the new certificate in without a restart. Requests in flight finish with the old one.
        /// </summary>
        /// <remarks>A replacement that does not load is refused with its exception, logged, kept in
        /// <see cref="WxPayCertStatus.LastReloadError"/>, and the current certificate stays in use.
        /// Thread-safe; may run while other threads make requests.</remarks>
        /// <returns>The new certificate.</returns>
        /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
        /// <exception cref="WxPayInvalidInputException">The certificate was given as bytes: there is nothing to re-read.</exception>
        /// <exception cref="WxPayCertificateException">The replacement cannot be read (405), has a wrong password (400), is
        /// corrupt (401), has a key of another certificate (402); <see cref="WxPayCertificateExpiredException"/> (406) when it
        /// has expired; <see cref="WxPayCertificatePermissionsException"/> (407) when others can read it under
        /// <see cref="WxPayClientOptions.StrictPermissions"/>.</exception>
        public WxPayCertInfo ReloadCertificate()
        {
            Api api = LibraryLoader.Api;
            return new WxPayCertInfo(CallForFields(api, api.ClientReloadCertificate));
        }

        private unsafe Dictionary<string, string> CallForFields(Api api, ClientFieldsFn function)
        {
            bool added = false;
            try
            {
                Enter(ref added);
                using (var result = new FieldsHandle())
                {
                    int code;
                    IntPtr raw = IntPtr.Zero;
                    try
                    {
                    }
                    finally
                    {
                        code = function(handle.DangerousGetHandle(), &raw);
                        result.Adopt(raw);
                    }
                    Ensure.Success(api, code);
                    return WxPayFields.Read(api, result);
                }
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        /// <summary>What libwxpay knows about an endpoint: certificate, signing, required fields, body kind.</summary>
        /// <param name="path">An endpoint path, e.g. <c>secapi/pay/refund</c>.</param>
        /// <returns>The endpoint's rules; an unknown path gets the defaults with <see cref="WxPayEndpointMatch.Unknown"/>.</returns>
        /// <exception cref="WxPayInvalidInputException">Text that is not a path (a URL, a query, <c>..</c>), null, a NUL inside.</exception>
        public static unsafe WxPayEndpoint EndpointInfo(string path)
        {
            Api api = LibraryLoader.Api;
            byte[] pathBytes = Utf8.Terminated(path, "path");
            EndpointStruct info;
            int code;
            fixed (byte* pathData = pathBytes)
            {
                code = api.EndpointInfo(pathData, &info);
            }
            Ensure.Success(api, code);
            return new WxPayEndpoint(info);
        }

        /// <summary>What <paramref name="errCode"/>, from a <c>result_code=FAIL</c> answer of
        /// <paramref name="path"/>, says about sending the request again
        /// (<see cref="WxPayBusinessException.Retry"/> for a request's own failure).</summary>
        /// <param name="path">An endpoint path, e.g. <c>pay/micropay</c>.</param>
        /// <param name="errCode">The answer's <c>err_code</c>, e.g. <c>USERPAYING</c>.</param>
        /// <returns>Retryable, final, or unknown for a code the library does not list for the endpoint.</returns>
        /// <exception cref="WxPayInvalidInputException">Text that is not a path, null, a NUL inside.</exception>
        public static unsafe WxPayRetry ErrCodeRetry(string path, string errCode)
        {
            Api api = LibraryLoader.Api;
            byte[] pathBytes = Utf8.Terminated(path, "path");
            byte[] codeBytes = Utf8.Terminated(errCode, "errCode");
            int retry;
            int code;
            fixed (byte* pathData = pathBytes)
            fixed (byte* codeData = codeBytes)
            {
                code = api.ErrCodeRetry(pathData, codeData, &retry);
            }
            Ensure.Success(api, code);
            return Retries.Of(retry);
        }

        /// <summary><c>pay/unifiedorder</c>: places an order (needs <c>body</c>, <c>out_trade_no</c>, <c>total_fee</c>,
        /// <c>spbill_create_ip</c>, <c>notify_url</c>, <c>trade_type</c>).</summary>
        /// <param name="fields">The order's fields.</param>
        /// <returns>The response, e.g. <c>prepay_id</c>, <c>code_url</c>.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> UnifiedOrder(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/unifiedorder", fields);
        }

        /// <summary><c>pay/orderquery</c>: an order's state, by <c>out_trade_no</c> or <c>transaction_id</c>.</summary>
        /// <param name="fields">The query's fields.</param>
        /// <returns>The response, e.g. <c>trade_state</c>.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> OrderQuery(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/orderquery", fields);
        }

        /// <summary><c>pay/closeorder</c>: closes an unpaid order (<c>out_trade_no</c>).</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> CloseOrder(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/closeorder", fields);
        }

        /// <summary><c>pay/micropay</c>: charges a customer's payment code (<c>auth_code</c>).</summary>
        /// <param name="fields">The payment's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>; <c>USERPAYING</c> comes as a <see cref="WxPayBusinessException"/>.</exception>
        public IDictionary<string, string> Micropay(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/micropay", fields);
        }

        /// <summary><c>secapi/pay/reverse</c>: cancels a payment-code order (needs the merchant certificate).</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The response, e.g. <c>recall</c>.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> Reverse(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("secapi/pay/reverse", fields);
        }

        /// <summary><c>secapi/pay/refund</c>: refunds an order (needs the merchant certificate).</summary>
        /// <param name="fields">The refund's fields: <c>out_refund_no</c>, <c>total_fee</c>, <c>refund_fee</c>, and the order.</param>
        /// <returns>The response, e.g. <c>refund_id</c>.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> Refund(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("secapi/pay/refund", fields);
        }

        /// <summary><c>pay/refundquery</c>: the refunds of an order.</summary>
        /// <param name="fields">The query's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> RefundQuery(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/refundquery", fields);
        }

        /// <summary><c>payitil/report</c>: reports a call's outcome and latency to WeChat.</summary>
        /// <param name="fields">The report's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> Report(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("payitil/report", fields);
        }

        /// <summary><c>mmpaymkttransfers/promotion/transfers</c>: pays money to a user (needs the merchant certificate).</summary>
        /// <param name="fields">The transfer's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> Transfers(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaymkttransfers/promotion/transfers", fields);
        }

        /// <summary><c>mmpaymkttransfers/sendredpack</c>: a cash red packet to one user (needs the merchant certificate).</summary>
        /// <param name="fields">The red packet's fields.</param>
        /// <returns>The response, e.g. <c>send_listid</c>.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> SendRedPack(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaymkttransfers/sendredpack", fields);
        }

        /// <summary><c>mmpaymkttransfers/gethbinfo</c>: a red packet's state; who received it comes as
        /// <c>openid_$n</c>, <c>amount_$n</c>, <c>rcv_time_$n</c> (WeChat nests them in <c>hblist</c>).</summary>
        /// <param name="fields">The query's fields (<c>mch_billno</c>, <c>bill_type</c>).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> GetHbInfo(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaymkttransfers/gethbinfo", fields);
        }

        /// <summary><c>mmpaymkttransfers/send_coupon</c>: sends one coupon of a stock to a user (<c>coupon_stock_id</c>, <c>openid_count=1</c>, <c>partner_trade_no</c>, <c>openid</c>).</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> SendCoupon(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaymkttransfers/send_coupon", fields);
        }

        /// <summary><c>mmpaymkttransfers/query_coupon_stock</c>: a coupon stock's value, state and how many were sent.</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> QueryCouponStock(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaymkttransfers/query_coupon_stock", fields);
        }

        /// <summary><c>mmpaymkttransfers/querycouponsinfo</c>: a coupon a user holds (<c>coupon_id</c>, <c>openid</c>, <c>stock_id</c>).</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> QueryCouponsInfo(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaymkttransfers/querycouponsinfo", fields);
        }

        /// <summary><c>mmpaymkttransfers/sendminiprogramhb</c>: a red packet the user opens in a mini-program; pass the
        /// answered <c>package</c> to <see cref="PayParams"/> with <see cref="WxPayPayKind.RedPacket"/>.</summary>
        /// <param name="fields">The red packet's fields (<c>notify_way</c> <c>MINI_PROGRAM_JSAPI</c>).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> SendMiniProgramHb(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaymkttransfers/sendminiprogramhb", fields);
        }

        /// <summary><c>pay/pappayapply</c>: a deduction under a signed contract (<c>trade_type</c> <c>PAP</c>,
        /// <c>contract_id</c>); the result comes as a payment notification.</summary>
        /// <param name="fields">The deduction's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> PapPayApply(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/pappayapply", fields);
        }

        /// <summary><c>pay/paporderquery</c>: a deduction's state, by <c>transaction_id</c> or <c>out_trade_no</c>.</summary>
        /// <param name="fields">The query's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> PapOrderQuery(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/paporderquery", fields);
        }

        /// <summary><c>papay/querycontract</c>: a contract by <c>contract_id</c>, or by <c>plan_id</c> and
        /// <c>contract_code</c> (with <c>version</c> <c>1.0</c>).</summary>
        /// <param name="fields">The query's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> QueryContract(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("papay/querycontract", fields);
        }

        /// <summary><c>papay/deletecontract</c>: ends a contract (named as for <see cref="QueryContract"/>, with
        /// <c>contract_termination_remark</c>); WeChat then sends a contract notification.</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> DeleteContract(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("papay/deletecontract", fields);
        }

        /// <summary>
        /// <c>mmpaysptrans/pay_bank</c>: pays to a bank card (needs the merchant certificate). Give <c>bank_no</c> and
        /// <c>true_name</c> in plain text with <c>partner_trade_no</c>, <c>bank_code</c>, <c>amount</c> (and optionally
        /// <c>desc</c>): the library encrypts them (RSA-OAEP with WeChat's key, fetched once from
        /// <c>risk/getpublickey</c>) and sends <c>enc_bank_no</c>/<c>enc_true_name</c>. Neither plain value is logged or
        /// quoted in a message.
        /// </summary>
        /// <param name="fields">The payout's fields.</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayInvalidInputException"><c>bank_no</c> or <c>true_name</c> missing, or given already
        /// encrypted.</exception>
        /// <exception cref="WxPayException">Otherwise as <see cref="Request"/>.</exception>
        public IDictionary<string, string> PayBank(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Exchange(null, fields);
        }

        /// <summary><c>mmpaysptrans/query_bank</c>: a bank-card payout's state (needs the merchant certificate).</summary>
        /// <param name="fields">The query's fields (<c>partner_trade_no</c>).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> QueryBank(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("mmpaysptrans/query_bank", fields);
        }

        // Profit sharing: HMAC-SHA256 whatever the client's SignType; the two
        // queries go without appid. receiver/receivers are JSON strings.

        /// <summary><c>pay/profitsharingaddreceiver</c>: adds a profit-sharing receiver.</summary>
        /// <param name="fields">The request's fields (<c>receiver</c>, JSON).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharingAddReceiver(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/profitsharingaddreceiver", fields);
        }

        /// <summary><c>pay/profitsharingremovereceiver</c>: removes a profit-sharing receiver.</summary>
        /// <param name="fields">The request's fields (<c>receiver</c>, JSON).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharingRemoveReceiver(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/profitsharingremovereceiver", fields);
        }

        /// <summary><c>secapi/pay/profitsharing</c>: one split, after which the order is finished (needs the merchant certificate).</summary>
        /// <param name="fields">The request's fields (<c>transaction_id</c>, <c>out_order_no</c>, <c>receivers</c> as JSON).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharing(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("secapi/pay/profitsharing", fields);
        }

        /// <summary><c>secapi/pay/multiprofitsharing</c>: a split that leaves the order open for more (needs the merchant certificate).</summary>
        /// <param name="fields">The request's fields (<c>transaction_id</c>, <c>out_order_no</c>, <c>receivers</c> as JSON).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> MultiProfitSharing(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("secapi/pay/multiprofitsharing", fields);
        }

        /// <summary><c>pay/profitsharingquery</c>: a split's state and its receivers (<c>receivers</c>, JSON).</summary>
        /// <param name="fields">The query's fields (<c>transaction_id</c>, <c>out_order_no</c>).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharingQuery(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/profitsharingquery", fields);
        }

        /// <summary><c>pay/profitsharingorderamountquery</c>: what is left to split of an order (<c>unsplit_amount</c>).</summary>
        /// <param name="fields">The query's fields (<c>transaction_id</c>).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharingOrderAmountQuery(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/profitsharingorderamountquery", fields);
        }

        /// <summary><c>secapi/pay/profitsharingfinish</c>: finishes an order's profit sharing, its unsplit rest to the merchant (needs the merchant certificate).</summary>
        /// <param name="fields">The request's fields (<c>transaction_id</c>, <c>out_order_no</c>, <c>amount</c>, <c>description</c>).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharingFinish(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("secapi/pay/profitsharingfinish", fields);
        }

        /// <summary><c>secapi/pay/profitsharingreturn</c>: money back from a merchant receiver of a split (needs the merchant certificate).</summary>
        /// <param name="fields">The request's fields (<c>order_id</c> or <c>out_order_no</c>, <c>out_return_no</c>, <c>return_account</c>, <c>return_amount</c>, ...).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharingReturn(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("secapi/pay/profitsharingreturn", fields);
        }

        /// <summary><c>pay/profitsharingreturnquery</c>: a return's state.</summary>
        /// <param name="fields">The query's fields (<c>order_id</c> or <c>out_order_no</c>, <c>out_return_no</c>).</param>
        /// <returns>The response.</returns>
        /// <exception cref="WxPayException">As <see cref="Request"/>.</exception>
        public IDictionary<string, string> ProfitSharingReturnQuery(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Request("pay/profitsharingreturnquery", fields);
        }

        /// <summary><c>pay/downloadbill</c>: the transaction bill of a day (<c>bill_date</c>).</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The bill's bytes.</returns>
        /// <exception cref="WxPayException">As <see cref="Download"/>.</exception>
        public byte[] DownloadBill(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Download("pay/downloadbill", fields);
        }

        /// <summary><c>pay/downloadfundflow</c>: the fund flow of a day (needs the merchant certificate; HMAC-SHA256).</summary>
        /// <param name="fields">The request's fields.</param>
        /// <returns>The bill's bytes.</returns>
        /// <exception cref="WxPayException">As <see cref="Download"/>.</exception>
        public byte[] DownloadFundFlow(IEnumerable<KeyValuePair<string, string>> fields)
        {
            return Download("pay/downloadfundflow", fields);
        }

        /// <summary>Takes a reference on the native client for the length of one call.</summary>
        private void Enter(ref bool added)
        {
            if (!disposed)
            {
                try
                {
                    handle.DangerousAddRef(ref added);
                }
                catch (ObjectDisposedException)
                {
                    // Closed between the check and the call.
                }
            }
            // Checked again after taking the reference: a call that got in before Dispose
            // keeps the native client alive until it returns; one that did not is refused.
            if (!added || disposed)
            {
                throw new ObjectDisposedException(nameof(WxPayClient));
            }
        }

        internal static string Milliseconds(TimeSpan value)
        {
            // Rounded up, so that a positive sub-millisecond timeout does not become 0.
            long ms = (value.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
            if (value.Ticks < 0)
            {
                ms = value.Ticks / TimeSpan.TicksPerMillisecond;
            }
            return ms.ToString(CultureInfo.InvariantCulture);
        }
    }
}

using System;
using WeChatPay.Native;

namespace WeChatPay
{
    public static partial class WxPay
    {
        /// <summary>
        /// The XML answer to a notification: true gives <c>return_code=SUCCESS</c> (WeChat Pay stops retrying),
        /// false gives <c>FAIL</c> (it retries later).
        /// </summary>
        /// <param name="success">Whether the notification was taken.</param>
        /// <param name="message">The <c>return_msg</c>; null for <c>OK</c> / <c>FAIL</c>.</param>
        /// <returns>The XML document to send back with HTTP 200.</returns>
        /// <exception cref="WxPayInvalidInputException">A message with a NUL or a character XML cannot carry.</exception>
        public static unsafe string NotificationReply(bool success, string message = null)
        {
            Api api = LibraryLoader.Api;
            byte[] text = message == null ? null : Utf8.Terminated(message, "message");
            using (var xml = new StringHandle())
            {
                int code;
                UIntPtr length = UIntPtr.Zero;
                fixed (byte* m = text)
                {
                    IntPtr raw = IntPtr.Zero;
                    try
                    {
                    }
                    finally
                    {
                        code = api.NotifyReply(success ? 1 : 0, m, &raw, &length);
                        xml.Adopt(raw);
                    }
                }
                Ensure.Success(api, code);
                return Utf8.FromNative((byte*)xml.DangerousGetHandle(), checked((int)length.ToUInt64()));
            }
        }

        /// <summary>Parses a bill body (<c>pay/downloadbill</c>, <c>pay/downloadfundflow</c>; plain or gzip).</summary>
        /// <param name="data">The bill's bytes, e.g. from <see cref="WxPayClient.DownloadBill"/>.</param>
        /// <returns>The rows under the bill's header and the summary.</returns>
        /// <exception cref="WxPayProtocolException">Not a bill (601): no header or summary, a row of the wrong width,
        /// not UTF-8, damaged gzip.</exception>
        /// <exception cref="WxPayTransportException">Over 256 MiB (503).</exception>
        /// <exception cref="WxPayInvalidInputException">A null argument.</exception>
        public static unsafe WxPayBill ParseBill(byte[] data)
        {
            Api api = LibraryLoader.Api;
            if (data == null)
            {
                throw Ensure.NullArgument("data is null");
            }
            using (var rows = new TableHandle())
            using (var summary = new TableHandle())
            {
                int code;
                fixed (byte* d = data)
                {
                    IntPtr rawRows = IntPtr.Zero, rawSummary = IntPtr.Zero;
                    try
                    {
                    }
                    finally
                    {
                        code = api.BillParse(d, (UIntPtr)data.Length, &rawRows, &rawSummary);
                        rows.Adopt(rawRows);
                        summary.Adopt(rawSummary);
                    }
                }
                Ensure.Success(api, code);
                return WxPayBill.Read(api, rows, summary);
            }
        }
    }
}

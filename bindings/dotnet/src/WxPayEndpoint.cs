using System;
using System.Collections.Generic;
using WeChatPay.Native;

namespace WeChatPay
{
    /// <summary>How <see cref="WxPayClient.EndpointInfo"/> found a path.</summary>
    public enum WxPayEndpointMatch
    {
        /// <summary>Not known: signed XML without certificate is assumed.</summary>
        Unknown = 0,

        /// <summary>Of a known family (e.g. <c>secapi/</c>) whose rules apply.</summary>
        Family = 1,

        /// <summary>Listed in the library's table.</summary>
        Exact = 2,
    }

    /// <summary>What a business failure's <c>err_code</c> says about sending the request again,
    /// from libwxpay's table for each endpoint group (<c>wxpay_retry</c>).</summary>
    public enum WxPayRetry
    {
        /// <summary>A code the library does not list for the endpoint: decide from <c>err_code_des</c>.</summary>
        Unknown = 0,

        /// <summary>WeChat's failure or an outcome not settled yet (<c>SYSTEMERROR</c>, <c>USERPAYING</c> from
        /// <c>pay/micropay</c>, ...): query, or send the same request again later with the same merchant number,
        /// never a new one.</summary>
        Retryable = 1,

        /// <summary>The request will not succeed as it is (<c>ORDERPAID</c>, <c>NOTENOUGH</c>, ...).</summary>
        Final = 2,
    }

    internal static class Retries
    {
        internal static WxPayRetry Of(int value)
        {
            return Enum.IsDefined(typeof(WxPayRetry), value) ? (WxPayRetry)value : WxPayRetry.Unknown;
        }
    }

    /// <summary>What libwxpay knows about an endpoint (<c>wxpay_endpoint</c>), so that no wrapper keeps endpoint rules of its own.</summary>
    public sealed class WxPayEndpoint
    {
        internal WxPayEndpoint(EndpointStruct info)
        {
            Match = (WxPayEndpointMatch)info.Matched;
            Sandbox = info.Sandbox != 0;
            CertificateRequired = info.Certificate != 0;
            SignedResponse = info.SignedResponse != 0;
            ReturnsBytes = info.BodyKind == 1;
            Md5 = info.Md5 != 0;
            HmacSha256 = info.HmacSha256 != 0;
            SendsSignType = info.SendsSignType != 0;
            SubIds = info.SubIds != 0;
            AppIdField = Utf8.FromNative(info.AppIdField);
            MchIdField = Utf8.FromNative(info.MchIdField);
            RequiredFields = Names(info.Required, info.RequiredLen, info.RequiredCount);
            OneOfFields = Names(info.OneOf, info.OneOfLen, info.OneOfCount);
        }

        /// <summary>How the path was found.</summary>
        public WxPayEndpointMatch Match { get; private set; }

        /// <summary>The path was under <c>xdc/apiv2sandbox/</c> (MD5 only).</summary>
        public bool Sandbox { get; private set; }

        /// <summary>The merchant certificate is required.</summary>
        public bool CertificateRequired { get; private set; }

        /// <summary>Responses are signed and verified.</summary>
        public bool SignedResponse { get; private set; }

        /// <summary>A successful response is a bill (call <see cref="WxPayClient.Download"/>), not XML.</summary>
        public bool ReturnsBytes { get; private set; }

        /// <summary>The MD5 algorithm is accepted.</summary>
        public bool Md5 { get; private set; }

        /// <summary>The HMAC-SHA256 algorithm is accepted.</summary>
        public bool HmacSha256 { get; private set; }

        /// <summary>The request carries a <c>sign_type</c> field.</summary>
        public bool SendsSignType { get; private set; }

        /// <summary>Takes <c>sub_appid</c> / <c>sub_mch_id</c> in service-provider mode.</summary>
        public bool SubIds { get; private set; }

        /// <summary>The field name of the app ID (<c>appid</c>, <c>mch_appid</c>, <c>wxappid</c>), or "" if none.</summary>
        public string AppIdField { get; private set; }

        /// <summary>The field name of the merchant ID (<c>mch_id</c> or <c>mchid</c>).</summary>
        public string MchIdField { get; private set; }

        /// <summary>The fields a request must carry.</summary>
        public IReadOnlyList<string> RequiredFields { get; private set; }

        /// <summary>Of these fields at least one is required (empty if there is no such rule).</summary>
        public IReadOnlyList<string> OneOfFields { get; private set; }

        private static unsafe IReadOnlyList<string> Names(IntPtr data, UIntPtr length, UIntPtr count)
        {
            int expected = checked((int)count.ToUInt64());
            var names = new List<string>(expected);
            byte* position = (byte*)data;
            byte* end = position + (long)length.ToUInt64();
            // Static strings from the library: each name is followed by a NUL, the last one too.
            while (names.Count < expected && position <= end)
            {
                byte* start = position;
                while (position < end && *position != 0)
                {
                    position++;
                }
                names.Add(Utf8.FromNative(start, checked((int)(position - start))));
                position++;
            }
            return names.AsReadOnly();
        }
    }
}

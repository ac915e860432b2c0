using System;
using System.Collections.Generic;

namespace WeChatPay
{
    /// <summary>Which client SDK the payment parameters of <see cref="WxPayClient.PayParams"/> are for.</summary>
    public enum WxPayPayKind
    {
        /// <summary>JSAPI pages and mini-programs: <c>appId, timeStamp, nonceStr, package, signType, paySign</c>.</summary>
        Jsapi = 1,

        /// <summary>The App SDK: <c>appid, partnerid, prepayid, package, noncestr, timestamp, sign</c>.</summary>
        App = 2,

        /// <summary>The JS-SDK's <c>wx.chooseWXPay</c>: <c>timestamp, nonceStr, package, signType, paySign</c>, signed as
        /// <see cref="Jsapi"/> (over <c>appId</c> and <c>timeStamp</c>); the JS-SDK takes the app ID from <c>wx.config</c>.</summary>
        ChooseWxPay = 3,

        /// <summary>A mini-program's red packet (<c>wx.sendBizRedPacket</c>): <c>timeStamp, nonceStr, package, signType,
        /// paySign</c>. The "prepay ID" is then the <c>package</c> that <c>mmpaymkttransfers/sendminiprogramhb</c>
        /// answered, handed out percent-encoded; always MD5.</summary>
        RedPacket = 4,
    }

    /// <summary>How a <see cref="WxPayClient.MicropayFlow"/> ended.</summary>
    public enum WxPayMicropayState
    {
        /// <summary>The order is paid.</summary>
        Paid = 1,

        /// <summary>The payment definitely failed (e.g. <c>NOTENOUGH</c>); nothing was charged.</summary>
        Failed = 2,

        /// <summary>Not paid by the deadline, and reversed.</summary>
        Reversed = 3,

        /// <summary>The reversal did not succeed: query the order later; it needs the merchant's attention.</summary>
        Unknown = 4,
    }

    /// <summary>
    /// The timing of <see cref="WxPayClient.MicropayFlow"/>; null properties keep libwxpay's defaults
    /// (poll every 5 s for 30 s, then at most 3 reversals 1 s apart). Rounded up to whole milliseconds.
    /// </summary>
    public sealed class WxPayMicropayOptions
    {
        /// <summary>Between two <c>pay/orderquery</c> calls.</summary>
        public TimeSpan? PollInterval { get; set; }

        /// <summary>How long polling goes on after the micropay answer.</summary>
        public TimeSpan? PollDeadline { get; set; }

        /// <summary><c>secapi/pay/reverse</c> calls at most (while WeChat answers <c>recall=Y</c> or the call fails); at least 1.</summary>
        public int? ReverseAttempts { get; set; }

        /// <summary>Between two reverse calls.</summary>
        public TimeSpan? ReverseInterval { get; set; }
    }

    /// <summary>The outcome of <see cref="WxPayClient.MicropayFlow"/>: the state, the deciding response, and every call made.</summary>
    public sealed class WxPayMicropayResult
    {
        internal WxPayMicropayResult(WxPayMicropayState state, IDictionary<string, string> response, WxPayTable steps)
        {
            State = state;
            Response = response;
            Steps = steps;
        }

        /// <summary>Paid, failed, reversed, or unknown.</summary>
        public WxPayMicropayState State { get; private set; }

        /// <summary>
        /// The response that decided <see cref="State"/>: the payment or query for Paid, the failure for Failed,
        /// the reversal for Reversed, the last response for Unknown; empty when there was none.
        /// </summary>
        public IDictionary<string, string> Response { get; private set; }

        /// <summary>
        /// One row per call, columns <c>path</c>, <c>outcome</c> (<c>SUCCESS</c>, a <c>trade_state</c>, an
        /// <c>err_code</c>, <c>FAIL</c> or <c>ERROR</c>), <c>return_code</c>, <c>result_code</c>, <c>err_code</c>,
        /// <c>trade_state</c>, <c>recall</c>, <c>error</c> (a <c>WXPAY_RESULT_*</c> name), <c>message</c>,
        /// <c>elapsed_ms</c> (since the start of the flow).
        /// </summary>
        public WxPayTable Steps { get; private set; }
    }

    /// <summary>A verified payment notification (<see cref="WxPayClient.ParsePaymentNotification(byte[])"/>).</summary>
    public sealed class WxPayPaymentNotification
    {
        internal WxPayPaymentNotification(IDictionary<string, string> fields, bool paid)
        {
            Fields = fields;
            Paid = paid;
        }

        /// <summary>Every field of the notification, <c>sign</c> included, in document order.</summary>
        public IDictionary<string, string> Fields { get; private set; }

        /// <summary>
        /// True for <c>result_code=SUCCESS</c>; false for a genuine notification of a failed payment, which is
        /// still answered with <see cref="WxPay.NotificationReply"/>(true).
        /// </summary>
        public bool Paid { get; private set; }
    }

    /// <summary>A verified contract notification of automatic deduction
    /// (<see cref="WxPayClient.ParseContractNotification(byte[])"/>).</summary>
    public sealed class WxPayContractNotification
    {
        internal WxPayContractNotification(IDictionary<string, string> fields, bool signed)
        {
            Fields = fields;
            Signed = signed;
        }

        /// <summary>Every field of the notification (<c>contract_id</c>, <c>contract_code</c>, <c>plan_id</c>,
        /// <c>openid</c>, <c>change_type</c>, ...), <c>sign</c> included.</summary>
        public IDictionary<string, string> Fields { get; private set; }

        /// <summary>True when the user signed the contract (<c>change_type=ADD</c>), false when it ended
        /// (<c>DELETE</c>). Either is answered with <see cref="WxPay.NotificationReply"/>(true).</summary>
        public bool Signed { get; private set; }
    }

    /// <summary>A decrypted refund notification (<see cref="WxPayClient.ParseRefundNotification(byte[])"/>).</summary>
    public sealed class WxPayRefundNotification
    {
        internal WxPayRefundNotification(IDictionary<string, string> info, IDictionary<string, string> outer)
        {
            Info = info;
            Outer = outer;
        }

        /// <summary>The decrypted <c>req_info</c>: <c>out_refund_no</c>, <c>refund_status</c>, <c>refund_recv_accout</c> (WeChat's spelling), ...</summary>
        public IDictionary<string, string> Info { get; private set; }

        /// <summary>The outer fields: <c>return_code</c>, <c>appid</c>, <c>mch_id</c>, <c>nonce_str</c>, <c>req_info</c>.</summary>
        public IDictionary<string, string> Outer { get; private set; }
    }
}

namespace WeChatPay
{
    /// <summary>The signature algorithm; the numbers are the C ABI's <c>wxpay_sign_type</c>.</summary>
    public enum SignType
    {
        /// <summary>
        /// Signing: the message's <c>sign_type</c> field, else MD5. Verifying: the field,
        /// else the signature's length (32 hex digits: MD5, 64: HMAC-SHA256).
        /// </summary>
        Auto = 0,

        /// <summary>MD5 over the canonical string, uppercase hex.</summary>
        Md5 = 1,

        /// <summary>HMAC-SHA256 keyed with the API key over the canonical string, uppercase hex.</summary>
        HmacSha256 = 2,
    }
}

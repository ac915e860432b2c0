using System;
using System.Collections.Generic;
using System.Globalization;

namespace WeChatPay
{
    /// <summary>Where a certificate stands in its validity period, as libwxpay judges it.</summary>
    public enum WxPayCertExpiry
    {
        /// <summary>Valid for longer than the warning period.</summary>
        Valid,

        /// <summary>Valid, but expires within <see cref="WxPayCertInfo.WarningDays"/> days: renew it.</summary>
        Expiring,

        /// <summary>Past its <see cref="WxPayCertInfo.NotAfter"/>.</summary>
        Expired,

        /// <summary>Before its <see cref="WxPayCertInfo.NotBefore"/>.</summary>
        NotYetValid,
    }

    /// <summary>
    /// What libwxpay reads from a merchant certificate (<c>wxpay_cert_info</c>): subject, issuer,
    /// serial, validity, key, fingerprint. <see cref="Fields"/> holds the library's fields as given.
    /// </summary>
    public sealed class WxPayCertInfo
    {
        /// <summary>
        /// Days before expiry from which a certificate is <see cref="WxPayCertExpiry.Expiring"/> and
        /// clients warn (<c>WXPAY_CERT_WARNING_DAYS</c>): WeChat Pay opens renewal then.
        /// </summary>
        public const int WarningDays = 60;

        internal WxPayCertInfo(IReadOnlyDictionary<string, string> fields)
        {
            Fields = fields;
        }

        /// <summary>Every field the library reported, by its C name (<c>subject_cn</c>, <c>serial</c>, ...).</summary>
        public IReadOnlyDictionary<string, string> Fields { get; private set; }

        /// <summary>The subject's common name; for a WeChat Pay merchant certificate, the merchant ID.</summary>
        public string SubjectCn { get { return Fields["subject_cn"]; } }

        /// <summary>The whole subject.</summary>
        public string Subject { get { return Fields["subject"]; } }

        /// <summary>The issuer's common name.</summary>
        public string IssuerCn { get { return Fields["issuer_cn"]; } }

        /// <summary><c>wechatpay</c> (issued by <c>MmpaymchCA</c>), <c>ca</c> (<c>Tenpay.com Root CA</c>) or <c>unknown</c>.</summary>
        public string IssuerKind { get { return Fields["issuer_kind"]; } }

        /// <summary>The serial number in uppercase hex of whole bytes.</summary>
        public string Serial { get { return Fields["serial"]; } }

        /// <summary>The start of the validity period.</summary>
        public DateTimeOffset NotBefore { get { return DateTimeOffset.FromUnixTimeSeconds(Number("not_before_unix")); } }

        /// <summary>The end of the validity period.</summary>
        public DateTimeOffset NotAfter { get { return DateTimeOffset.FromUnixTimeSeconds(Number("not_after_unix")); } }

        /// <summary>Whole days left until <see cref="NotAfter"/>, rounded down; negative once expired.</summary>
        public long DaysUntilExpiry { get { return Number("days_until_expiry"); } }

        /// <summary>Valid, expiring, expired or not yet valid.</summary>
        public WxPayCertExpiry Expiry
        {
            get
            {
                string expiry = Fields["expiry"];
                switch (expiry)
                {
                    case "valid":
                        return WxPayCertExpiry.Valid;
                    case "expiring":
                        return WxPayCertExpiry.Expiring;
                    case "expired":
                        return WxPayCertExpiry.Expired;
                    case "not_yet_valid":
                        return WxPayCertExpiry.NotYetValid;
                    default:
                        throw new InvalidOperationException("libwxpay reported an expiry this wrapper does not know: " + expiry);
                }
            }
        }

        /// <summary>The merchant ID when the common name is one (8 to 10 digits), else the empty string.</summary>
        public string MerchantId { get { return Fields["merchant_id"]; } }

        /// <summary>The key's algorithm: <c>RSA</c>, <c>EC</c>, ...</summary>
        public string KeyType { get { return Fields["key_type"]; } }

        /// <summary>The key's size in bits.</summary>
        public int KeyBits { get { return checked((int)Number("key_bits")); } }

        /// <summary>Whether the private key belongs to the certificate; null when no private key was given.</summary>
        public bool? KeyMatches
        {
            get
            {
                string matches = Fields["key_matches"];
                return matches == "true" ? true : matches == "false" ? (bool?)false : null;
            }
        }

        /// <summary>The SHA-256 fingerprint of the certificate, uppercase hex pairs joined by colons.</summary>
        public string Sha256Fingerprint { get { return Fields["sha256_fingerprint"]; } }

        private long Number(string name)
        {
            return long.Parse(Fields[name], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The certificate a <see cref="WxPayClient"/> uses now, and how its reloads went (<c>wxpay_client_cert_status</c>).</summary>
    public sealed class WxPayCertStatus
    {
        internal WxPayCertStatus(IReadOnlyDictionary<string, string> fields)
        {
            Fields = fields;
            Certificate = fields["certificate"] == "loaded" ? new WxPayCertInfo(fields) : null;
        }

        /// <summary>Every field the library reported, by its C name.</summary>
        public IReadOnlyDictionary<string, string> Fields { get; private set; }

        /// <summary>The certificate in use, or null when the client has none.</summary>
        public WxPayCertInfo Certificate { get; private set; }

        /// <summary>The warning logged at creation and reload (expiring, expired, a file others can read), or the empty string.</summary>
        public string Warning { get { return Get("warning"); } }

        /// <summary>True when the certificate came from files, so <see cref="WxPayClient.ReloadCertificate"/> can read them again.</summary>
        public bool Reloadable { get { return Get("reloadable") == "true"; } }

        /// <summary>Successful reloads so far.</summary>
        public long Reloads
        {
            get { return long.Parse(Get("reloads") ?? "0", NumberStyles.None, CultureInfo.InvariantCulture); }
        }

        /// <summary>Why the last reload was refused, or the empty string when it was not.</summary>
        public string LastReloadError { get { return Get("last_reload_error"); } }

        private string Get(string name)
        {
            string value;
            return Fields.TryGetValue(name, out value) ? value : null;
        }
    }
}

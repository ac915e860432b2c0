using System;

namespace WeChatPay
{
    /// <summary>When a request moves on from the main host to the backup host.</summary>
    public enum WxPayFailover
    {
        /// <summary>Never: a failure on the main host is the result.</summary>
        Never = 0,

        /// <summary>Only when no connection could be made (the library's default).</summary>
        OnConnectError = 1,

        /// <summary>
        /// Also when the request was sent but no response arrived; this relies on WeChat Pay's
        /// idempotency by order number. Never after a response was received.
        /// </summary>
        OnNoResponse = 2,
    }

    /// <summary>The severity of a message from the library; a lower number is more severe.</summary>
    public enum WxPayLogLevel
    {
        /// <summary>A request failed (transport, TLS, signature, ...).</summary>
        Error = 1,

        /// <summary>Something was retried or answered <c>return_code=FAIL</c>.</summary>
        Warn = 2,

        /// <summary>One line per request and outcome; certificate loaded.</summary>
        Info = 3,

        /// <summary>Field names, URLs, sizes and timings (never field values).</summary>
        Debug = 4,
    }

    /// <summary>
    /// What a <see cref="WxPayClient"/> is made from. Fill it, pass it to the constructor;
    /// the client copies what it needs, so the options may be changed or dropped afterwards.
    /// </summary>
    /// <remarks>
    /// Null (the default) leaves an option at the library's default. Every value is checked by
    /// libwxpay when the client is made, never by this wrapper, so the rules are the same in
    /// every language. At most one certificate source may be set: <see cref="P12Path"/>,
    /// <see cref="P12"/>, <see cref="CertPem"/> + <see cref="KeyPem"/>, or
    /// <see cref="CertPemPath"/> + <see cref="KeyPemPath"/>.
    /// </remarks>
    public sealed class WxPayClientOptions
    {
        /// <summary>The app ID (<c>appid</c>), added to requests of endpoints that take one.</summary>
        public string AppId { get; set; }

        /// <summary>The merchant ID (<c>mch_id</c>); required.</summary>
        public string MchId { get; set; }

        /// <summary>The API key: 32 ASCII letters or digits; required. Never logged or put in a message.</summary>
        public string ApiKey { get; set; }

        /// <summary>
        /// The algorithm for endpoints that accept both: <see cref="WeChatPay.SignType.Md5"/> or
        /// <see cref="WeChatPay.SignType.HmacSha256"/>; <see cref="WeChatPay.SignType.Auto"/> (the default)
        /// leaves the library's default, MD5.
        /// </summary>
        public SignType SignType { get; set; }

        /// <summary>Service-provider mode: the sub-merchant's app ID (<c>sub_appid</c>).</summary>
        public string SubAppId { get; set; }

        /// <summary>Service-provider mode: the sub-merchant ID (<c>sub_mch_id</c>); leave null to pass it per request.</summary>
        public string SubMchId { get; set; }

        /// <summary>The merchant certificate as a file, <c>apiclient_cert.p12</c> (read when the client is made).</summary>
        public string P12Path { get; set; }

        /// <summary>The merchant certificate as the bytes of <c>apiclient_cert.p12</c>.</summary>
        public byte[] P12 { get; set; }

        /// <summary>The <c>.p12</c> password; null means the merchant ID, as WeChat Pay issues them. Never logged.</summary>
        public string P12Password { get; set; }

        /// <summary>The merchant certificate as PEM text (<c>apiclient_cert.pem</c>, optionally followed by its chain).</summary>
        public string CertPem { get; set; }

        /// <summary>The private key as PEM text (<c>apiclient_key.pem</c>: PKCS#8, PKCS#1 or encrypted).</summary>
        public string KeyPem { get; set; }

        /// <summary>The merchant certificate as a PEM file (<c>apiclient_cert.pem</c>).</summary>
        public string CertPemPath { get; set; }

        /// <summary>The private key as a PEM file (<c>apiclient_key.pem</c>).</summary>
        public string KeyPemPath { get; set; }

        /// <summary>The password of an encrypted PEM private key, or null. Never logged.</summary>
        public string KeyPassword { get; set; }

        /// <summary>A PEM bundle of CA certificates trusted in addition to the system's (<c>rootca.pem</c>).</summary>
        public string RootCaPem { get; set; }

        /// <summary>As <see cref="RootCaPem"/>, from a file.</summary>
        public string RootCaPath { get; set; }

        /// <summary>
        /// The host: <c>api</c> (the default), <c>api2</c>, <c>apihk</c>, <c>apius</c>, or an
        /// <c>https://</c> base URL (a test server, the simulator).
        /// </summary>
        public string Host { get; set; }

        /// <summary>The backup host, in the same forms, or <c>none</c>; by default <c>api2</c> when the host is <c>api</c>.</summary>
        public string BackupHost { get; set; }

        /// <summary>
        /// The outbound proxy: <c>environment</c> (the default: <c>HTTPS_PROXY</c> or <c>ALL_PROXY</c>, and
        /// <c>NO_PROXY</c>, as set when the client is made), <c>none</c>, or
        /// <c>http://[user:password@]host:port</c>. TLS to WeChat runs end to end through the tunnel and is
        /// verified as without a proxy; a password here never appears in errors or logs.
        /// </summary>
        public string Proxy { get; set; }

        /// <summary>When to move on to <see cref="BackupHost"/>; null for the library's default, <see cref="WxPayFailover.OnConnectError"/>.</summary>
        public WxPayFailover? Failover { get; set; }

        /// <summary>The connect timeout (library default 6 s). Rounded up to whole milliseconds; must be positive.</summary>
        public TimeSpan? ConnectTimeout { get; set; }

        /// <summary>The total timeout of a request, from connect to the last byte (library default 30 s).</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>
        /// Whether connections are kept open between requests (the library's default, true);
        /// false opens a new connection for every request (measurements, broken middleboxes).
        /// </summary>
        public bool? KeepAlive { get; set; }

        /// <summary>The largest XML response accepted, in bytes (library default 1 MiB).</summary>
        public long? MaxResponseSize { get; set; }

        /// <summary>The largest bill <see cref="WxPayClient.Download"/> accepts, in bytes (library default 256 MiB).</summary>
        public long? MaxDownloadSize { get; set; }

        /// <summary>The most fields a response or notification may have (library default 1024);
        /// more is <c>WXPAY_RESULT_XML_TOO_MANY_FIELDS</c>.</summary>
        public long? MaxFields { get; set; }

        /// <summary>
        /// Sandbox mode: every path is sent under <c>xdc/apiv2sandbox/</c>, signed with MD5 and the key from
        /// <c>xdc/apiv2getsignkey/sign/getsignkey</c> (fetched once and cached); responses and notifications are verified with it.
        /// </summary>
        public bool? Sandbox { get; set; }

        /// <summary>How long a fetched sandbox key is reused (library default: 3 days less an hour); rounded up to whole seconds.</summary>
        public TimeSpan? SandboxKeyTtl { get; set; }

        /// <summary>
        /// True refuses a private key or <c>.p12</c> file that its group or all users can read
        /// (<see cref="WxPayCertificatePermissionsException"/>, when the client is made and on reload);
        /// false or null (the library's default) logs a warning instead.
        /// </summary>
        public bool? StrictPermissions { get; set; }

        /// <summary>
        /// How often requests look at most whether the certificate files were replaced, and reload them
        /// (see <see cref="WxPayClient.ReloadCertificate"/>); null or zero (the default) never. Rounded
        /// up to whole milliseconds.
        /// </summary>
        public TimeSpan? CertificateCheckInterval { get; set; }

        /// <summary>
        /// Receives the library's diagnostics, besides the <see cref="WxPayClient.TraceSource"/>. It is
        /// called on the thread making the request, possibly on several threads at once, so it must be
        /// thread-safe; it must not call into the same client. An exception it throws is caught
        /// (a native caller cannot unwind) and reported to the trace source instead.
        /// </summary>
        public Action<WxPayLogLevel, string> Log { get; set; }

        /// <summary>The least severe level passed to <see cref="Log"/> and the trace source; <see cref="WxPayLogLevel.Info"/> by default.</summary>
        public WxPayLogLevel LogLevel { get; set; } = WxPayLogLevel.Info;
    }
}

using System;
using System.Globalization;

namespace WeChatPay.Native
{
    /// <summary>
    /// Copies <see cref="WxPayClientOptions"/> into a <c>wxpay_config</c>, one setter per option.
    /// Values are checked by the library; this only refuses what cannot be expressed in C
    /// (null inside a string, a lone surrogate) and two certificate sources at once.
    /// </summary>
    internal static class ClientConfig
    {
        internal static void Apply(Api api, ConfigHandle config, WxPayClientOptions o)
        {
            CheckOneCertificate(o);
            Set(api, config, "mch_id", o.MchId);
            Set(api, config, "api_key", o.ApiKey, secret: true);
            Set(api, config, "appid", o.AppId);
            Set(api, config, "sub_appid", o.SubAppId);
            Set(api, config, "sub_mch_id", o.SubMchId);
            if (o.SignType != SignType.Auto)
            {
                Set(api, config, "sign_type", SignTypeName(o.SignType));
            }
            Set(api, config, "host", o.Host);
            Set(api, config, "backup_host", o.BackupHost);
            Set(api, config, "proxy", o.Proxy, secret: true);
            if (o.Failover.HasValue)
            {
                Set(api, config, "failover", FailoverName(o.Failover.Value));
            }
            if (o.ConnectTimeout.HasValue)
            {
                Set(api, config, "connect_timeout_ms", WxPayClient.Milliseconds(o.ConnectTimeout.Value));
            }
            if (o.Timeout.HasValue)
            {
                Set(api, config, "timeout_ms", WxPayClient.Milliseconds(o.Timeout.Value));
            }
            if (o.KeepAlive.HasValue)
            {
                Set(api, config, "keep_alive", o.KeepAlive.Value ? "true" : "false");
            }
            if (o.MaxResponseSize.HasValue)
            {
                Set(api, config, "max_response_size", o.MaxResponseSize.Value.ToString(CultureInfo.InvariantCulture));
            }
            if (o.MaxDownloadSize.HasValue)
            {
                Set(api, config, "max_download_size", o.MaxDownloadSize.Value.ToString(CultureInfo.InvariantCulture));
            }
            if (o.MaxFields.HasValue)
            {
                Set(api, config, "max_fields", o.MaxFields.Value.ToString(CultureInfo.InvariantCulture));
            }
            if (o.Sandbox.HasValue)
            {
                Set(api, config, "sandbox", o.Sandbox.Value ? "true" : "false");
            }
            if (o.SandboxKeyTtl.HasValue)
            {
                Set(api, config, "sandbox_key_ttl_s", Seconds(o.SandboxKeyTtl.Value));
            }
            if (o.StrictPermissions.HasValue)
            {
                Set(api, config, "strict_permissions", o.StrictPermissions.Value ? "true" : "false");
            }
            if (o.CertificateCheckInterval.HasValue)
            {
                Set(api, config, "certificate_check_interval_ms", WxPayClient.Milliseconds(o.CertificateCheckInterval.Value));
            }
            SetCertificate(api, config, o);
            SetRootCa(api, config, o);
        }

        private static string Seconds(TimeSpan value)
        {
            // Rounded up, as the millisecond options are; a negative value is passed on for the library to refuse.
            return ((long)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        private static string SignTypeName(SignType type)
        {
            switch (type)
            {
                case SignType.Md5:
                    return "MD5";
                case SignType.HmacSha256:
                    return "HMAC-SHA256";
                default:
                    // An undefined enum value: let the library refuse it by its number.
                    return ((int)type).ToString(CultureInfo.InvariantCulture);
            }
        }

        private static string FailoverName(WxPayFailover failover)
        {
            switch (failover)
            {
                case WxPayFailover.Never:
                    return "never";
                case WxPayFailover.OnConnectError:
                    return "on_connect_error";
                case WxPayFailover.OnNoResponse:
                    return "on_no_response";
                default:
                    return ((int)failover).ToString(CultureInfo.InvariantCulture);
            }
        }

        private static void CheckOneCertificate(WxPayClientOptions o)
        {
            int sources = (o.P12Path != null ? 1 : 0) + (o.P12 != null ? 1 : 0)
                + (o.CertPem != null || o.KeyPem != null ? 1 : 0)
                + (o.CertPemPath != null || o.KeyPemPath != null ? 1 : 0);
            if (sources > 1)
            {
                throw Invalid("give one certificate source: P12Path, P12, CertPem + KeyPem, or CertPemPath + KeyPemPath");
            }
            if ((o.CertPem == null) != (o.KeyPem == null))
            {
                throw Invalid("CertPem and KeyPem go together; one of them is missing");
            }
            if ((o.CertPemPath == null) != (o.KeyPemPath == null))
            {
                throw Invalid("CertPemPath and KeyPemPath go together; one of them is missing");
            }
            if (o.RootCaPem != null && o.RootCaPath != null)
            {
                throw Invalid("give RootCaPem or RootCaPath, not both");
            }
        }

        private static WxPayInvalidInputException Invalid(string message)
        {
            return new WxPayInvalidInputException(101, "WXPAY_RESULT_INVALID_ARGUMENT", message);
        }

        private static unsafe void Set(Api api, ConfigHandle config, string name, string value, bool secret = false)
        {
            if (value == null)
            {
                return;
            }
            byte[] nameBytes = Utf8.Terminated(name, "option name");
            byte[] valueBytes = Utf8.Terminated(value, secret ? "the " + name : "option " + name);
            try
            {
                fixed (byte* n = nameBytes)
                fixed (byte* v = valueBytes)
                {
                    Ensure.Success(api, api.ConfigSet(config.DangerousGetHandle(), n, v));
                }
            }
            finally
            {
                Array.Clear(valueBytes, 0, valueBytes.Length);
            }
        }

        private static unsafe void SetCertificate(Api api, ConfigHandle config, WxPayClientOptions o)
        {
            byte[] password = null;
            try
            {
                if (o.P12Path != null || o.P12 != null)
                {
                    password = o.P12Password == null ? null : Utf8.Terminated(o.P12Password, "P12Password");
                    fixed (byte* pw = password)
                    {
                        if (o.P12Path != null)
                        {
                            byte[] path = Utf8.Terminated(o.P12Path, "P12Path");
                            fixed (byte* p = path)
                            {
                                Ensure.Success(api, api.ConfigSetP12File(config.DangerousGetHandle(), p, pw));
                            }
                        }
                        else
                        {
                            fixed (byte* data = o.P12)
                            {
                                Ensure.Success(api, api.ConfigSetP12(config.DangerousGetHandle(), data, (UIntPtr)o.P12.Length, pw));
                            }
                        }
                    }
                }
                else if (o.CertPem != null || o.CertPemPath != null)
                {
                    password = o.KeyPassword == null ? null : Utf8.Terminated(o.KeyPassword, "KeyPassword");
                    fixed (byte* pw = password)
                    {
                        if (o.CertPemPath != null)
                        {
                            byte[] cert = Utf8.Terminated(o.CertPemPath, "CertPemPath");
                            byte[] key = Utf8.Terminated(o.KeyPemPath, "KeyPemPath");
                            fixed (byte* c = cert)
                            fixed (byte* k = key)
                            {
                                Ensure.Success(api, api.ConfigSetPemFiles(config.DangerousGetHandle(), c, k, pw));
                            }
                        }
                        else
                        {
                            byte[] cert = Utf8.Encode(o.CertPem, "CertPem");
                            byte[] key = Utf8.Encode(o.KeyPem, "KeyPem");
                            try
                            {
                                fixed (byte* c = cert)
                                fixed (byte* k = key)
                                {
                                    Ensure.Success(api, api.ConfigSetPem(config.DangerousGetHandle(), c, (UIntPtr)cert.Length,
                                        k, (UIntPtr)key.Length, pw));
                                }
                            }
                            finally
                            {
                                Array.Clear(key, 0, key.Length);
                            }
                        }
                    }
                }
            }
            finally
            {
                if (password != null)
                {
                    Array.Clear(password, 0, password.Length);
                }
            }
        }

        private static unsafe void SetRootCa(Api api, ConfigHandle config, WxPayClientOptions o)
        {
            if (o.RootCaPath != null)
            {
                byte[] path = Utf8.Terminated(o.RootCaPath, "RootCaPath");
                fixed (byte* p = path)
                {
                    Ensure.Success(api, api.ConfigSetRootCaFile(config.DangerousGetHandle(), p));
                }
            }
            else if (o.RootCaPem != null)
            {
                byte[] pem = Utf8.Encode(o.RootCaPem, "RootCaPem");
                fixed (byte* p = pem)
                {
                    Ensure.Success(api, api.ConfigSetRootCa(config.DangerousGetHandle(), p, (UIntPtr)pem.Length));
                }
            }
        }
    }
}

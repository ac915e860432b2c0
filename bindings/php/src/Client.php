<?php

declare(strict_types=1);

namespace WxPay;

use WxPay\Exception\BusinessException;
use WxPay\Exception\CertificateException;
use WxPay\Exception\CertificateExpiredException;
use WxPay\Exception\CertificatePermissionsException;
use WxPay\Exception\ClientClosedException;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\ProtocolException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\TransportException;
use WxPay\Exception\WxPayException;
use WxPay\Exception\XmlException;
use WxPay\Internal\ClientConfig;
use WxPay\Internal\Errors;
use WxPay\Internal\FieldsHandle;
use WxPay\Internal\LogBridge;
use WxPay\Internal\Packed;

/**
 * A WeChat Pay API v2 client: requests over HTTPS (mutual TLS where the
 * endpoint needs the merchant certificate), signed and verified by libwxpay.
 *
 * Configured once; the library fills in `appid`, `mch_id`, `sub_*`,
 * `nonce_str`, `sign_type` and `sign`, checks required fields before
 * sending, verifies the response and turns `return_code=FAIL` /
 * `result_code=FAIL` into exceptions. The wrapper adds no protocol logic.
 *
 * It owns a native client, freed by {@see close()} or when the object goes
 * away, whichever comes first. It cannot be cloned or serialized. In a
 * process that forks (PHP-FPM, pcntl_fork) make clients after the fork: the
 * native client has a background I/O thread, which a fork does not copy.
 */
final class Client
{
    use MerchantFlows;

    /** `WXPAY_PAY_KIND_*` for {@see MerchantFlows}: enum values, which gen-ffi does not export. */
    private const PAY_KIND_JSAPI = 1;
    private const PAY_KIND_APP = 2;
    private const PAY_KIND_CHOOSE_WX_PAY = 3;
    private const PAY_KIND_RED_PACKET = 4;

    private ?\FFI\CData $handle = null;
    private ?\FFI $ffi = null;
    private ?int $loggerId = null;
    /** Calls into the native client now running (a logger may run inside one). */
    private int $busy = 0;
    private bool $closeRequested = false;

    /**
     * @param array<string, mixed> $options
     *   - `mch_id` (required), `api_key` (required, 32 letters/digits), `appid`,
     *     `sub_appid`, `sub_mch_id`;
     *   - `sign_type`: `'MD5'` (default), `'HMAC-SHA256'` or a {@see SignType};
     *   - the merchant certificate, one of: `p12_file` (path to
     *     `apiclient_cert.p12`) or `p12` (its bytes), with `p12_password`
     *     (default: the mch_id); `cert_file` + `key_file` (PEM paths) or
     *     `cert` + `key` (PEM text; PKCS#8 or PKCS#1), with `key_password`
     *     for an encrypted key;
     *   - `root_ca_file` or `root_ca`: extra trusted CAs (PEM), in addition
     *     to the system's; the server is always verified;
     *   - `host`: `api` (default), `api2`, `apihk`, `apius` or an `https://`
     *     base URL; `backup_host` (same forms, or `none`); `failover`:
     *     `never`, `on_connect_error` (default), `on_no_response`;
     *   - `proxy`: `environment` (default: `HTTPS_PROXY`/`ALL_PROXY`,
     *     `NO_PROXY`), `none`, or `http://[user:password@]host:port`;
     *   - `connect_timeout_ms`, `timeout_ms`, `max_response_size`,
     *     `max_download_size`, `max_fields` (the most fields a response or
     *     notification may have; default 1024);
     *   - `log_level`: the least severe level sent to `$logger`, `error`,
     *     `warning`, `info` (default) or `debug`.
     *   Values are strings or ints; null means the default. Every key but
     *   the certificate, CA and log ones is passed to the library by name,
     *   which refuses unknown names and bad values.
     * @param object|null $logger anything with a PSR-3 style
     *   `log(string $level, string $message)` method (a PSR-3 logger fits).
     *   It receives paths, hosts, timings and outcomes, never the API key,
     *   passwords, key material or field values. Exceptions it throws are
     *   swallowed (PHP cannot let them through the native call); it must
     *   not use this client.
     * @throws InvalidInputException a missing or bad option
     * @throws CertificateException an unreadable, corrupt or mismatched
     *   certificate, a wrong password, a bad root CA
     */
    public function __construct(#[\SensitiveParameter] array $options, ?object $logger = null)
    {
        if ($this->ffi !== null) {
            throw new \LogicException('a WxPay\Client is constructed once; make a new one instead');
        }
        if ($logger !== null && !is_callable([$logger, 'log'])) {
            throw InvalidInputException::fromWrapper('the logger must have a public log($level, $message) method; ' . $logger::class . ' has none');
        }
        $ffi = FFI::instance();
        $this->ffi = $ffi;
        $loggerId = $logger === null ? null : LogBridge::register($logger);
        try {
            $cfg = ClientConfig::build($ffi, $options, $loggerId);
            try {
                $out = $ffi->new('wxpay_client *');
                $rc = $ffi->wxpay_client_new($cfg, \FFI::addr($out));
                if ($rc !== 0) {
                    Errors::throwLast($ffi, $rc);
                }
            } finally {
                $ffi->wxpay_config_free($cfg);
            }
        } catch (\Throwable $e) {
            if ($loggerId !== null) {
                LogBridge::unregister($loggerId);
            }
            throw $e;
        }
        $this->handle = $out;
        $this->loggerId = $loggerId;
    }

    /**
     * Calls an XML endpoint and returns the verified response.
     *
     * @param string $path e.g. `pay/unifiedorder` or `secapi/pay/refund` (no
     *     host; a leading slash is fine); `xdc/apiv2sandbox/...` for the sandbox
     * @param array<string, string|int> $fields the request's own fields; the
     *     client adds its identity, `nonce_str`, `sign_type` and `sign`
     * @return array<string, string> the response, `sign` included
     * @throws InvalidInputException a bad path or field, a missing required
     *     field (`MISSING_FIELD`), one that contradicts the configuration
     *     (`CONFLICTING_FIELD`), a bill endpoint (use {@see download()})
     * @throws CertificateException the endpoint needs the merchant
     *     certificate and the client has none; the TLS handshake failed
     * @throws TransportException no connection, a timeout, an HTTP status, a
     *     connection lost, a response too large
     * @throws ProtocolException `return_code=FAIL` ({@see ProtocolException::getReturnMsg()})
     * @throws BusinessException `result_code=FAIL` ({@see BusinessException::getErrCode()})
     * @throws SignatureException the response's signature is missing or wrong
     * @throws XmlException the response is not WeChat's XML
     * @throws ClientClosedException after {@see close()}
     */
    public function request(string $path, array $fields = []): array
    {
        [$ffi, $client, $cPath] = $this->begin($path);
        try {
            $data = Packed::pack($fields);
            $out = $ffi->new('wxpay_fields *');
            $rc = $ffi->wxpay_request($client, $cPath, $data, strlen($data), count($fields), \FFI::addr($out));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::take($ffi, $out);
    }

    /**
     * Downloads a bill (`pay/downloadbill`, `pay/downloadfundflow`,
     * `billcommentsp/batchquerycomment`): the body as bytes, gunzipped when
     * it came as gzip (`tar_type=GZIP`).
     *
     * @param array<string, string|int> $fields as for {@see request()}
     * @return string the bill, as WeChat sent it (CSV-like text, UTF-8)
     * @throws WxPayException as {@see request()}; a failure answered in XML
     *     is a {@see ProtocolException} or {@see BusinessException}
     */
    public function download(string $path, array $fields = []): string
    {
        [$ffi, $client, $cPath] = $this->begin($path);
        try {
            $data = Packed::pack($fields);
            $out = $ffi->new('uint8_t *');
            $length = $ffi->new('size_t');
            $rc = $ffi->wxpay_download($client, $cPath, $data, strlen($data), count($fields), \FFI::addr($out), \FFI::addr($length));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        try {
            return $length->cdata === 0 ? '' : \FFI::string($out, $length->cdata);
        } finally {
            $ffi->wxpay_bytes_free($out, $length->cdata);
        }
    }

    /**
     * What the library's endpoint table says about a path: whether it needs
     * the certificate, returns a bill, which fields it requires, ...
     * Needs no client; callable as `Client::endpointInfo()`.
     *
     * @throws InvalidInputException for text that is not a path (a URL, a
     *     query, `..`)
     */
    public static function endpointInfo(string $path): EndpointInfo
    {
        $ffi = FFI::instance();
        $info = $ffi->new('wxpay_endpoint');
        $rc = $ffi->wxpay_endpoint_info(self::cPath($path), \FFI::addr($info));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        $signTypes = [];
        if ($info->md5) {
            $signTypes[] = SignType::Md5;
        }
        if ($info->hmac_sha256) {
            $signTypes[] = SignType::HmacSha256;
        }
        return new EndpointInfo(
            path: ltrim($path, '/'),
            match: match ($info->matched) {
                2 => EndpointInfo::MATCH_EXACT,
                1 => EndpointInfo::MATCH_FAMILY,
                default => EndpointInfo::MATCH_UNKNOWN,
            },
            sandbox: $info->sandbox,
            certificate: $info->certificate,
            signedResponse: $info->signed_response,
            bill: $info->body_kind === 1,
            signTypes: $signTypes,
            sendsSignType: $info->sends_sign_type,
            subIds: $info->sub_ids,
            appIdField: $info->appid_field === '' ? null : $info->appid_field,
            mchIdField: $info->mch_id_field,
            required: self::names($ffi, $info, 'required', $info->required_len, $info->required_count),
            oneOf: self::names($ffi, $info, 'one_of', $info->one_of_len, $info->one_of_count),
        );
    }

    /**
     * What `$errCode`, from a `result_code=FAIL` answer of `$path`, says about
     * sending the request again ({@see BusinessException::getRetry()} for a
     * request's own failure). Needs no client.
     *
     * @throws InvalidInputException for text that is not a path
     */
    public static function errCodeRetry(string $path, string $errCode): Retry
    {
        self::refuseNul(['err_code' => $errCode]);
        $ffi = FFI::instance();
        $out = $ffi->new('wxpay_retry');
        $rc = $ffi->wxpay_err_code_retry(self::cPath($path), $errCode, \FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return Retry::tryFrom($out->cdata) ?? Retry::Unknown;
    }

    /**
     * The certificate this client uses now, for monitoring.
     *
     * @return array<string, string> `certificate` (`none` or `loaded`); when
     *     loaded every field of {@see WxPay::certInfo()} (`expiry` is
     *     `expiring` within 60 days of `not_after`); then `warning` (the
     *     sentence also logged, "" when none), `reloadable` (`true` when the
     *     certificate came from files), `reloads` (successful reloads so far)
     *     and `last_reload_error` ("" unless the last reload was refused)
     * @throws ClientClosedException after {@see close()}
     */
    public function certStatus(): array
    {
        [$ffi, $client] = $this->begin();
        try {
            $out = $ffi->new('wxpay_fields *');
            $rc = $ffi->wxpay_client_cert_status($client, \FFI::addr($out));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::take($ffi, $out);
    }

    /**
     * Reads the certificate files again (`p12_file`, or `cert_file` +
     * `key_file`) and swaps the new certificate in without a restart.
     * A replacement that does not load is refused with its exception and the
     * current certificate stays in use (see `last_reload_error` in
     * {@see certStatus()}). With the option `certificate_check_interval_ms`
     * requests notice replaced files by themselves.
     *
     * @return array<string, string> the new certificate, as {@see WxPay::certInfo()}
     * @throws CertificateException the replacement is corrupt, has the wrong
     *     password, does not match its key, cannot be read
     * @throws CertificateExpiredException the replacement has expired
     * @throws CertificatePermissionsException the replacement is readable by
     *     others and `strict_permissions` is on
     * @throws InvalidInputException the certificate was given as bytes or
     *     text, so there is no file to read again
     * @throws ClientClosedException after {@see close()}
     */
    public function reloadCertificate(): array
    {
        [$ffi, $client] = $this->begin();
        try {
            $out = $ffi->new('wxpay_fields *');
            $rc = $ffi->wxpay_client_reload_certificate($client, \FFI::addr($out));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::take($ffi, $out);
    }

    /** `pay/unifiedorder`: places an order. */
    public function unifiedOrder(array $fields): array
    {
        return $this->request('pay/unifiedorder', $fields);
    }

    /** `pay/orderquery`: an order's state, by `transaction_id` or `out_trade_no`. */
    public function orderQuery(array $fields): array
    {
        return $this->request('pay/orderquery', $fields);
    }

    /** `pay/closeorder`: closes an unpaid order. */
    public function closeOrder(array $fields): array
    {
        return $this->request('pay/closeorder', $fields);
    }

    /** `pay/micropay`: charges a customer's payment code. */
    public function microPay(array $fields): array
    {
        return $this->request('pay/micropay', $fields);
    }

    /** `secapi/pay/reverse`: cancels a payment-code order (needs the certificate). */
    public function reverse(array $fields): array
    {
        return $this->request('secapi/pay/reverse', $fields);
    }

    /** `secapi/pay/refund`: refunds an order (needs the certificate). */
    public function refund(array $fields): array
    {
        return $this->request('secapi/pay/refund', $fields);
    }

    /** `pay/refundquery`: the state of an order's refunds. */
    public function refundQuery(array $fields): array
    {
        return $this->request('pay/refundquery', $fields);
    }

    /** `payitil/report`: reports a call's outcome and latency to WeChat. */
    public function report(array $fields): array
    {
        return $this->request('payitil/report', $fields);
    }

    /** `mmpaymkttransfers/promotion/transfers`: pays a user's balance (needs the certificate). */
    public function transfers(array $fields): array
    {
        return $this->request('mmpaymkttransfers/promotion/transfers', $fields);
    }

    /** `mmpaymkttransfers/sendredpack`: a cash red packet to one user (needs the certificate). */
    public function sendRedPack(array $fields): array
    {
        return $this->request('mmpaymkttransfers/sendredpack', $fields);
    }

    /**
     * `mmpaymkttransfers/gethbinfo`: a red packet's state; who received it
     * comes as `openid_$n`, `amount_$n`, `rcv_time_$n` (WeChat nests them in
     * `<hblist>`).
     */
    public function getHbInfo(array $fields): array
    {
        return $this->request('mmpaymkttransfers/gethbinfo', $fields);
    }

    /** `mmpaymkttransfers/send_coupon`: sends one coupon of a stock to a user (`coupon_stock_id`, `openid_count=1`, `partner_trade_no`, `openid`). */
    public function sendCoupon(array $fields): array
    {
        return $this->request('mmpaymkttransfers/send_coupon', $fields);
    }

    /** `mmpaymkttransfers/query_coupon_stock`: a coupon stock's value, state and how many were sent. */
    public function queryCouponStock(array $fields): array
    {
        return $this->request('mmpaymkttransfers/query_coupon_stock', $fields);
    }

    /** `mmpaymkttransfers/querycouponsinfo`: a coupon a user holds (`coupon_id`, `openid`, `stock_id`). */
    public function queryCouponsInfo(array $fields): array
    {
        return $this->request('mmpaymkttransfers/querycouponsinfo', $fields);
    }

    /**
     * `mmpaymkttransfers/sendminiprogramhb`: a red packet the user opens in a
     * mini-program; pass the answered `package` to
     * {@see redPacketParameters()}.
     */
    public function sendMiniProgramHb(array $fields): array
    {
        return $this->request('mmpaymkttransfers/sendminiprogramhb', $fields);
    }

    /**
     * `pay/pappayapply`: a deduction under a signed contract
     * (`trade_type=PAP`, `contract_id`); the result comes as a payment
     * notification.
     */
    public function papPayApply(array $fields): array
    {
        return $this->request('pay/pappayapply', $fields);
    }

    /** `pay/paporderquery`: a deduction's state, by `transaction_id` or `out_trade_no`. */
    public function papOrderQuery(array $fields): array
    {
        return $this->request('pay/paporderquery', $fields);
    }

    /**
     * `papay/querycontract`: a contract by `contract_id`, or by `plan_id` and
     * `contract_code` (with `version=1.0`).
     */
    public function queryContract(array $fields): array
    {
        return $this->request('papay/querycontract', $fields);
    }

    /**
     * `papay/deletecontract`: ends a contract (named as for
     * {@see queryContract()}, with `contract_termination_remark`); WeChat
     * then sends a contract notification.
     */
    public function deleteContract(array $fields): array
    {
        return $this->request('papay/deletecontract', $fields);
    }

    /**
     * `mmpaysptrans/pay_bank`: pays to a bank card (needs the certificate).
     *
     * Give `bank_no` and `true_name` in plain text with `partner_trade_no`,
     * `bank_code`, `amount` (and optionally `desc`): the library encrypts
     * them (RSA-OAEP with WeChat's key, fetched once from
     * `risk/getpublickey`) and sends `enc_bank_no`/`enc_true_name`. Neither
     * plain value is logged or quoted in a message.
     *
     * @param array<string, string|int> $fields
     * @return array<string, string> the verified response
     * @throws InvalidInputException `bank_no` or `true_name` missing
     *     (`MISSING_FIELD`), or given already encrypted (`CONFLICTING_FIELD`)
     * @throws WxPayException otherwise as {@see request()}
     */
    public function payBank(array $fields): array
    {
        [$ffi, $client] = $this->begin();
        try {
            $data = Packed::pack($fields);
            $out = $ffi->new('wxpay_fields *');
            $rc = $ffi->wxpay_pay_bank($client, $data, strlen($data), count($fields), \FFI::addr($out));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::take($ffi, $out);
    }

    /** `mmpaysptrans/query_bank`: a bank-card payout's state (needs the certificate). */
    public function queryBank(array $fields): array
    {
        return $this->request('mmpaysptrans/query_bank', $fields);
    }

    // Profit sharing: HMAC-SHA256 whatever the client's sign_type; the two
    // queries go without appid. `receiver`/`receivers` are JSON strings.

    /** `pay/profitsharingaddreceiver`: adds a receiver (`receiver`, JSON). */
    public function profitSharingAddReceiver(array $fields): array
    {
        return $this->request('pay/profitsharingaddreceiver', $fields);
    }

    /** `pay/profitsharingremovereceiver`: removes a receiver (`receiver`, JSON). */
    public function profitSharingRemoveReceiver(array $fields): array
    {
        return $this->request('pay/profitsharingremovereceiver', $fields);
    }

    /** `secapi/pay/profitsharing`: one split, after which the order is finished (needs the certificate). */
    public function profitSharing(array $fields): array
    {
        return $this->request('secapi/pay/profitsharing', $fields);
    }

    /** `secapi/pay/multiprofitsharing`: a split that leaves the order open for more (needs the certificate). */
    public function multiProfitSharing(array $fields): array
    {
        return $this->request('secapi/pay/multiprofitsharing', $fields);
    }

    /** `pay/profitsharingquery`: a split's state and its receivers (`receivers`, JSON). */
    public function profitSharingQuery(array $fields): array
    {
        return $this->request('pay/profitsharingquery', $fields);
    }

    /** `pay/profitsharingorderamountquery`: what is left to split of an order (`unsplit_amount`). */
    public function profitSharingOrderAmountQuery(array $fields): array
    {
        return $this->request('pay/profitsharingorderamountquery', $fields);
    }

    /** `secapi/pay/profitsharingfinish`: finishes an order's profit sharing, its unsplit rest to the merchant (needs the certificate). */
    public function profitSharingFinish(array $fields): array
    {
        return $this->request('secapi/pay/profitsharingfinish', $fields);
    }

    /** `secapi/pay/profitsharingreturn`: money back from a merchant receiver of a split (needs the certificate). */
    public function profitSharingReturn(array $fields): array
    {
        return $this->request('secapi/pay/profitsharingreturn', $fields);
    }

    /** `pay/profitsharingreturnquery`: a return's state. */
    public function profitSharingReturnQuery(array $fields): array
    {
        return $this->request('pay/profitsharingreturnquery', $fields);
    }

    /** `pay/downloadbill`: a day's transaction bill. */
    public function downloadBill(array $fields): string
    {
        return $this->download('pay/downloadbill', $fields);
    }

    /** `pay/downloadfundflow`: a day's fund flow (needs the certificate). */
    public function downloadFundFlow(array $fields): string
    {
        return $this->download('pay/downloadfundflow', $fields);
    }

    /**
     * Frees the native client and closes its connections. Later calls do
     * nothing; any other use throws {@see ClientClosedException}. Called
     * from a logger during a request, it takes effect when the request
     * returns.
     */
    public function close(): void
    {
        if ($this->busy > 0) {
            $this->closeRequested = true;
            return;
        }
        $handle = $this->handle;
        $this->handle = null;
        if ($handle !== null && $this->ffi !== null) {
            $this->ffi->wxpay_client_free($handle);
        }
        // Only now can no native client call back with this number.
        if ($this->loggerId !== null) {
            LogBridge::unregister($this->loggerId);
            $this->loggerId = null;
        }
    }

    /** Whether {@see close()} has freed the native client. */
    public function isClosed(): bool
    {
        return $this->handle === null;
    }

    /** Frees the native client if {@see close()} has not. */
    public function __destruct()
    {
        $this->close();
    }

    private function __clone()
    {
    }

    /**
     * Refused: a copy would be a second owner of the native client.
     *
     * @return never
     */
    public function __serialize(): array
    {
        throw new \LogicException('a WxPay\Client cannot be serialized; make one from its options where it is needed');
    }

    /**
     * Refused: an unserialized client would own no native client.
     *
     * @param array<mixed> $data
     */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a WxPay\Client cannot be unserialized');
    }

    /** @return array{closed: bool, logger: bool} */
    public function __debugInfo(): array
    {
        return ['closed' => $this->isClosed(), 'logger' => $this->loggerId !== null];
    }

    /**
     * Checks the client is usable and marks a call as running.
     *
     * @return array{0: \FFI, 1: \FFI\CData, 2: string}
     */
    private function begin(string $path = ''): array
    {
        if ($this->handle === null || $this->ffi === null || $this->closeRequested) {
            throw new ClientClosedException('this WxPay\Client is closed');
        }
        if ($this->busy > 0) {
            throw new \LogicException('a WxPay\Client cannot be used from its own logger during a request');
        }
        $cPath = self::cPath($path);
        $this->busy++;
        return [$this->ffi, $this->handle, $cPath];
    }

    private function end(): void
    {
        $this->busy--;
        if ($this->busy === 0 && $this->closeRequested) {
            $this->closeRequested = false;
            $this->close();
        }
    }

    /**
     * The fields of a `wxpay_fields *` the library handed out, freed here.
     *
     * @return array<string, string>
     */
    private static function take(\FFI $ffi, \FFI\CData $out): array
    {
        $fields = new FieldsHandle($ffi, $out);
        try {
            return $fields->toArray();
        } finally {
            $fields->free();
        }
    }

    private static function cPath(string $path): string
    {
        if (str_contains($path, "\0")) {
            // A C string would end at the NUL and name another endpoint.
            throw new InvalidInputException('the endpoint path contains a NUL byte', ResultCode::EMBEDDED_NUL, 'WXPAY_RESULT_EMBEDDED_NUL');
        }
        return $path;
    }

    /**
     * Reads a packed list of names from a `wxpay_endpoint` field. Read as a
     * struct member, a `const char *` becomes a PHP string cut at its first
     * NUL, so the pointer is read through the member's offset instead.
     *
     * @return list<string>
     */
    private static function names(\FFI $ffi, \FFI\CData $info, string $member, int $length, int $count): array
    {
        if ($count === 0) {
            return [];
        }
        $base = $ffi->cast('char *', \FFI::addr($info));
        $slot = $ffi->cast('char **', $base + \FFI::typeof($info)->getStructFieldOffset($member));
        $names = explode("\0", \FFI::string($slot[0], $length));
        if (count($names) !== $count) {
            throw new \UnexpectedValueException("libwxpay described $count $member names in " . count($names) . ' parts');
        }
        return $names;
    }
}

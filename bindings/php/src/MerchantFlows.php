<?php

declare(strict_types=1);

namespace WxPay;

use WxPay\Exception\CertificateException;
use WxPay\Exception\ClientClosedException;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\ProtocolException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\WxPayException;
use WxPay\Exception\XmlException;
use WxPay\Internal\Errors;
use WxPay\Internal\Packed;
use WxPay\Internal\Table;

/**
 * The merchant flows of {@see Client} (issue #4, done by the library):
 * notifications, pay parameters, the micropay flow, parsed bills. A trait
 * only to keep Client.php to one job per file; it uses Client's private
 * call bracket (`begin`/`end`) and `take`.
 *
 * @internal use it through {@see Client}
 */
trait MerchantFlows
{
    /**
     * Verifies a payment notification (the body WeChat POSTed to
     * `notify_url`) with this client's key (the sandbox key in sandbox
     * mode) and checks that it is meant for this merchant.
     *
     * A genuine notification of a failed payment is returned too, with
     * `paid` false; answer it with {@see PaymentNotification::$reply} as well.
     * A retried notification verifies again: handle it idempotently.
     *
     * @param string $body the request body as received (`file_get_contents('php://input')`)
     * @throws SignatureException forged: no `sign` (`SIGNATURE_MISSING`), a
     *     wrong one, another algorithm, fields added after signing
     *     (`SIGNATURE_FIELDS_ADDED`), another merchant's (`MERCHANT_MISMATCH`)
     * @throws XmlException not WeChat's XML (a field twice: `XML_DUPLICATE`)
     * @throws ProtocolException `return_code=FAIL`, or no `return_code` / `result_code`
     * @throws InvalidInputException an unknown `sign_type`
     * @throws ClientClosedException after {@see close()}
     */
    public function paymentNotification(string $body): PaymentNotification
    {
        [$ffi, $client] = $this->begin();
        try {
            $out = $ffi->new('wxpay_fields *');
            $paid = $ffi->new('int32_t');
            $rc = $ffi->wxpay_notify_payment($client, $body, strlen($body), \FFI::addr($out), \FFI::addr($paid));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return new PaymentNotification(self::take($ffi, $out), $paid->cdata !== 0, WxPay::notifyReply(true));
    }

    /**
     * Decrypts a refund notification's `req_info` with this client's key
     * (AES-256-ECB under the MD5 of the API key, done by the library), after
     * checking `return_code` and the merchant.
     *
     * @throws SignatureException the key does not decrypt it (`DECRYPT_FAILED`),
     *     it is not ciphertext (`CIPHERTEXT_CORRUPT`), another merchant's
     * @throws XmlException not WeChat's XML
     * @throws ProtocolException `return_code=FAIL`, no `req_info`
     * @throws ClientClosedException after {@see close()}
     */
    public function refundNotification(string $body): RefundNotification
    {
        [$ffi, $client] = $this->begin();
        try {
            $info = $ffi->new('wxpay_fields *');
            $outer = $ffi->new('wxpay_fields *');
            $rc = $ffi->wxpay_notify_refund($client, $body, strlen($body), \FFI::addr($info), \FFI::addr($outer));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        $outerFields = self::take($ffi, $outer);
        return new RefundNotification(self::take($ffi, $info), $outerFields, WxPay::notifyReply(true));
    }

    /**
     * The signed parameters a JSAPI page or mini-program passes to
     * `WeixinJSBridge` / `wx.requestPayment`: `appId`, `timeStamp`,
     * `nonceStr`, `package`, `signType`, `paySign`.
     *
     * @param string $prepayId from {@see unifiedOrder()}
     * @param string|null $appid default: the configured `sub_appid`, else `appid`
     * @param int $timestamp seconds since the epoch; 0: now
     * @param string|null $nonce default: a fresh random one
     * @return array<string, string>
     */
    public function jsapiParameters(string $prepayId, ?string $appid = null, int $timestamp = 0, ?string $nonce = null): array
    {
        return $this->payParameters(self::PAY_KIND_JSAPI, $prepayId, $appid, $timestamp, $nonce);
    }

    /**
     * The signed parameters the App SDK's `PayReq` takes: `appid`,
     * `partnerid`, `prepayid`, `package`, `noncestr`, `timestamp`, `sign`.
     *
     * @return array<string, string>
     * @see jsapiParameters() for the arguments
     */
    public function appParameters(string $prepayId, ?string $appid = null, int $timestamp = 0, ?string $nonce = null): array
    {
        return $this->payParameters(self::PAY_KIND_APP, $prepayId, $appid, $timestamp, $nonce);
    }

    /**
     * The signed parameters the JS-SDK's `wx.chooseWXPay` takes:
     * `timestamp`, `nonceStr`, `package`, `signType`, `paySign`. The
     * signature is {@see jsapiParameters()}'s (made over `appId` and
     * `timeStamp`); the JS-SDK spells the time in lowercase and takes the
     * app ID from `wx.config`.
     *
     * @return array<string, string>
     * @see jsapiParameters() for the arguments
     */
    public function chooseWXPayParameters(string $prepayId, ?string $appid = null, int $timestamp = 0, ?string $nonce = null): array
    {
        return $this->payParameters(self::PAY_KIND_CHOOSE_WX_PAY, $prepayId, $appid, $timestamp, $nonce);
    }

    /**
     * The signed parameters a mini-program's `wx.sendBizRedPacket` takes:
     * `timeStamp`, `nonceStr`, `package`, `signType`, `paySign`, from the
     * `package` that {@see Client::sendMiniProgramHb()} answered (handed out
     * percent-encoded, as the mini-program passes it); always MD5.
     *
     * @return array<string, string>
     * @see jsapiParameters() for the other arguments
     */
    public function redPacketParameters(string $package, ?string $appid = null, int $timestamp = 0, ?string $nonce = null): array
    {
        return $this->payParameters(self::PAY_KIND_RED_PACKET, $package, $appid, $timestamp, $nonce);
    }

    /**
     * The whole payment-code flow (issue #4): pay; while the customer
     * confirms (`USERPAYING`) or the answer is uncertain, poll
     * `pay/orderquery`; if still unpaid at the deadline, reverse (needs the
     * certificate). Blocks for the whole flow.
     *
     * @param array<string, string|int> $fields `pay/micropay`'s fields
     * @param array{poll_interval_ms?: int, poll_deadline_ms?: int, reverse_attempts?: int, reverse_interval_ms?: int} $options
     *     the library's defaults: 5000, 30000, 3, 1000
     * @throws InvalidInputException a missing field, an unknown or negative option
     * @throws CertificateException the client has no certificate (reversal needs it)
     */
    public function microPayFlow(array $fields, array $options = []): MicroPayResult
    {
        $ffi = $this->ffi ?? throw new ClientClosedException('this WxPay\Client is closed');
        $cOptions = $ffi->new('wxpay_micropay_options');
        $rc = $ffi->wxpay_micropay_options_default(\FFI::addr($cOptions));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        foreach ($options as $name => $value) {
            if (!in_array($name, ['poll_interval_ms', 'poll_deadline_ms', 'reverse_attempts', 'reverse_interval_ms'], true)) {
                throw InvalidInputException::fromWrapper('unknown micropay option "' . addcslashes((string) $name, "\0..\37\177") . '"; known: poll_interval_ms, poll_deadline_ms, reverse_attempts, reverse_interval_ms');
            }
            if (!is_int($value) || $value < 0) {
                throw InvalidInputException::fromWrapper("micropay option \"$name\" must be an int >= 0, got " . get_debug_type($value));
            }
            $cOptions->{$name} = $value;
        }
        [$ffi, $client] = $this->begin();
        try {
            $data = Packed::pack($fields);
            $state = $ffi->new('int32_t');
            $out = $ffi->new('wxpay_fields *');
            $steps = $ffi->new('wxpay_table *');
            $rc = $ffi->wxpay_micropay($client, $data, strlen($data), count($fields), \FFI::addr($cOptions), \FFI::addr($state), \FFI::addr($out), \FFI::addr($steps));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        try {
            $response = self::take($ffi, $out);
        } finally {
            $stepRows = Table::take($ffi, $steps);
        }
        return new MicroPayResult(MicroPayState::from($state->cdata), $response, $stepRows);
    }

    /**
     * Downloads a bill and parses it: the rows under the bill's header and
     * the summary (totals) under its own, as arrays keyed by column name.
     *
     * @param string $path `pay/downloadbill` or `pay/downloadfundflow`
     * @throws WxPayException as {@see download()}; `RESPONSE_INVALID` for a
     *     body that is not a bill
     */
    public function downloadBillTable(array $fields, string $path = 'pay/downloadbill'): Bill
    {
        [$ffi, $client, $cPath] = $this->begin($path);
        try {
            $data = Packed::pack($fields);
            $rows = $ffi->new('wxpay_table *');
            $summary = $ffi->new('wxpay_table *');
            $rc = $ffi->wxpay_download_bill($client, $cPath, $data, strlen($data), count($fields), \FFI::addr($rows), \FFI::addr($summary));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return Bill::take($ffi, $rows, $summary);
    }

    /**
     * The contract-signing link (`papay/entrustweb`) to open in the user's
     * WeChat, for automatic deduction. `$fields`: `plan_id`,
     * `contract_code`, `request_serial`, `contract_display_account`,
     * `notify_url` (required) and optional ones such as `return_web`. The
     * client adds its `appid` and `mch_id`, `version=1.0` and `timestamp`
     * (now) unless given, and signs MD5; values are percent-encoded. The
     * contract notification then arrives at `notify_url`
     * ({@see contractNotification()}).
     *
     * @param array<string, string> $fields
     * @throws WxPayException `MISSING_FIELD`, `CONFLICTING_FIELD` (a `sign`
     *     or `sign_type`, another `appid`), `INVALID_ARGUMENT` (no `appid`
     *     configured, a `request_serial` that is not a whole number)
     */
    public function entrustUrl(array $fields): string
    {
        [$ffi, $client] = $this->begin();
        try {
            $data = Packed::pack($fields);
            $url = $ffi->new('char *');
            $len = $ffi->new('size_t');
            $rc = $ffi->wxpay_papay_url($client, $data, strlen($data), count($fields), \FFI::addr($url), \FFI::addr($len));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::takeString($ffi, $url, $len);
    }

    /**
     * Verifies a contract notification (signature, this client's `mch_id`,
     * `result_code=SUCCESS`, `change_type` `ADD` or `DELETE`, the contract's
     * ids). Answer it with {@see ContractNotification::$reply}.
     *
     * @throws SignatureException forged, or another merchant's
     * @throws XmlException not WeChat's XML
     * @throws ProtocolException `return_code=FAIL`, or a notification that is
     *     not a contract's (`RESPONSE_INVALID`)
     */
    public function contractNotification(string $body): ContractNotification
    {
        [$ffi, $client] = $this->begin();
        try {
            $out = $ffi->new('wxpay_fields *');
            $signed = $ffi->new('int32_t');
            $rc = $ffi->wxpay_notify_contract($client, $body, strlen($body), \FFI::addr($out), \FFI::addr($signed));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return new ContractNotification(self::take($ffi, $out), $signed->cdata !== 0, WxPay::notifyReply(true));
    }

    /**
     * The long link of a Native mode-1 QR code for `$productId`
     * (`weixin://wxpay/bizpayurl?sign=...`), signed MD5 with this client's
     * key, `appid` and `mch_id`. `$productId`: at most 32 printable ASCII
     * characters without `& = # % + ?` or spaces.
     *
     * @param int $timestamp seconds since the epoch; 0: now
     * @param string|null $nonce default: a fresh random one
     * @throws InvalidInputException a product ID that would not survive the link, no `appid` configured
     */
    public function nativeUrl(string $productId, int $timestamp = 0, ?string $nonce = null): string
    {
        self::refuseNul(['product_id' => $productId, 'nonce' => $nonce]);
        if ($timestamp < 0) {
            throw InvalidInputException::fromWrapper("timestamp must be 0 (now) or seconds since the epoch, got $timestamp");
        }
        [$ffi, $client] = $this->begin();
        try {
            $url = $ffi->new('char *');
            $len = $ffi->new('size_t');
            $rc = $ffi->wxpay_native_url($client, $productId, $timestamp, $nonce, \FFI::addr($url), \FFI::addr($len));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::takeString($ffi, $url, $len);
    }

    /**
     * Verifies the scan callback WeChat POSTs when a user scans a mode-1
     * code (signature, this client's `appid`/`mch_id`, `product_id` and
     * `openid` present). Place the order with {@see unifiedOrder()}
     * (`trade_type` `NATIVE`, the `product_id`) and answer with
     * {@see nativeReply()}.
     *
     * @return array<string, string> every field of the callback
     * @throws SignatureException forged or damaged
     */
    public function nativeScan(string $body): array
    {
        [$ffi, $client] = $this->begin();
        try {
            $out = $ffi->new('wxpay_fields *');
            $rc = $ffi->wxpay_native_scan($client, $body, strlen($body), \FFI::addr($out));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::take($ffi, $out);
    }

    /**
     * The signed XML answering a scan callback: with `$prepayId` the user
     * goes on to pay; with null, `result_code=FAIL` and `$message` shown to
     * the user.
     */
    public function nativeReply(?string $prepayId, ?string $message = null): string
    {
        self::refuseNul(['prepay_id' => $prepayId, 'message' => $message]);
        [$ffi, $client] = $this->begin();
        try {
            $xml = $ffi->new('char *');
            $len = $ffi->new('size_t');
            $rc = $ffi->wxpay_native_reply($client, $prepayId, $message, \FFI::addr($xml), \FFI::addr($len));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::takeString($ffi, $xml, $len);
    }

    /** A copy of a string the library handed out, which is then freed. */
    private static function takeString(\FFI $ffi, \FFI\CData $text, \FFI\CData $len): string
    {
        try {
            return \FFI::string($text, $len->cdata);
        } finally {
            $ffi->wxpay_string_free($text);
        }
    }

    /** @param array<string, string|null> $texts */
    private static function refuseNul(array $texts): void
    {
        foreach ($texts as $what => $text) {
            if ($text !== null && str_contains($text, "\0")) {
                throw new InvalidInputException("$what contains a NUL byte", ResultCode::EMBEDDED_NUL, 'WXPAY_RESULT_EMBEDDED_NUL');
            }
        }
    }

    private function payParameters(int $kind, string $prepayId, ?string $appid, int $timestamp, ?string $nonce): array
    {
        self::refuseNul(['prepay_id' => $prepayId, 'appid' => $appid, 'nonce' => $nonce]);
        if ($timestamp < 0) {
            throw InvalidInputException::fromWrapper("timestamp must be 0 (now) or seconds since the epoch, got $timestamp");
        }
        [$ffi, $client] = $this->begin();
        try {
            $out = $ffi->new('wxpay_fields *');
            $rc = $ffi->wxpay_pay_params($client, $kind, $prepayId, $appid, $timestamp, $nonce, \FFI::addr($out));
            if ($rc !== 0) {
                Errors::throwLast($ffi, $rc);
            }
        } finally {
            $this->end();
        }
        return self::take($ffi, $out);
    }
}

<?php

declare(strict_types=1);

namespace WxPay;

use WxPay\Exception\CertificateException;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\LibraryException;
use WxPay\Exception\ProtocolException;
use WxPay\Exception\TransportException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\WxPayException;
use WxPay\Exception\XmlException;
use WxPay\Internal\Abi;
use WxPay\Internal\Errors;
use WxPay\Internal\FieldsHandle;
use WxPay\Internal\Packed;

/**
 * Signing, verification and WeChat's flat `<xml>` format, done by libwxpay.
 *
 * Fields are PHP arrays of name => value. Values going in must be strings or
 * ints (an int is sent as its exact decimal text, so `'total_fee' => 1` is
 * `"1"`); null, floats, bools, arrays and objects are refused with an
 * {@see InvalidInputException}. Fields coming out are always strings, in
 * document order. The API key is 32 ASCII letters or digits and never appears
 * in an error message.
 *
 * Every method may also throw {@see LibraryException} on first use when the
 * library cannot be loaded.
 */
final class WxPay
{
    /**
     * How many signers {@see sign()} keeps per sign type; past that, the
     * oldest is freed.
     */
    public const SIGNER_CACHE_SIZE = 8;

    private static ?\FFI\CData $signBuffer = null;
    /** @var array<int, array<string, Signer>> sign type value => key => signer; see {@see sign()} */
    private static array $signers = [];
    private static ?\FFI\CData $nonceBuffer = null;

    private function __construct()
    {
    }

    /**
     * The version of the loaded libwxpay, e.g. `"0.2.0"`.
     */
    public static function version(): string
    {
        return FFI::instance()->wxpay_version();
    }

    /**
     * Signs fields: every field but `sign`, empty values dropped (`0` kept),
     * names in byte order, `&key=` appended, uppercase hex.
     *
     * @param array<string, string|int> $fields the message, with or without `sign`
     * @param string $key the merchant API key
     * @param SignType|string $type `SignType::Auto` uses the fields'
     *     `sign_type`, else MD5; a name such as `'HMAC-SHA256'` is accepted
     * @return string 32 (MD5) or 64 (HMAC-SHA256) uppercase hex digits
     * @throws InvalidInputException bad key, bad value, NUL byte, invalid UTF-8,
     *     unknown `sign_type`
     * @throws SignatureException `$type` disagrees with the fields' `sign_type`
     *
     * The first call with a key and type makes a {@see Signer} for them and
     * keeps it for the next calls, so that the key is checked (and, for
     * HMAC-SHA256, its key schedule derived) once: up to
     * {@see SIGNER_CACHE_SIZE} per type, the oldest freed first, a refused
     * key never kept. The cache therefore holds the keys you signed with (as
     * its array keys, and the library's copies) until
     * {@see clearSignerCache()} or the end of the request (PHP resets static
     * properties then, and the signers' destructors wipe the library's
     * copies). Results and exceptions are the same as without it.
     */
    public static function sign(array $fields, #[\SensitiveParameter] string $key, SignType|string $type = SignType::Auto): string
    {
        // is_string() compiles to a type check; `instanceof` would look the
        // class up on every call.
        if (\is_string($type)) {
            FFI::instance();
            $type = SignType::fromName($type);
        }
        $signer = self::$signers[$type->value][$key] ?? self::cacheSigner($key, $type);
        return $signer !== null ? $signer->sign($fields) : self::signWithoutSigner($fields, $key, $type);
    }

    /**
     * Frees every signer {@see sign()} keeps, which wipes the library's
     * copies of their keys, and forgets the keys. The next {@see sign()}
     * makes a signer again. Signers of your own are not touched.
     */
    public static function clearSignerCache(): void
    {
        $signers = self::$signers;
        self::$signers = [];
        foreach ($signers as $byKey) {
            foreach ($byKey as $signer) {
                $signer->close();
            }
        }
    }

    /**
     * A new {@see Signer} for `$key` and `$type`, kept for the next
     * {@see sign()}; null when the library refuses the key.
     */
    private static function cacheSigner(#[\SensitiveParameter] string $key, SignType $type): ?Signer
    {
        try {
            $signer = new Signer($key, $type);
        } catch (InvalidInputException) {
            // A refused key is never kept; signWithoutSigner() then reports
            // exactly what sign() always reported for these fields and this key.
            return null;
        }
        $kept = self::$signers[$type->value] ?? [];
        if (count($kept) >= self::SIGNER_CACHE_SIZE) {
            // The oldest goes; its destructor frees it.
            unset($kept[array_key_first($kept)]);
        }
        $kept[$key] = $signer;
        self::$signers[$type->value] = $kept;
        return $signer;
    }

    /**
     * Signs through `wxpay_sign`, which checks the key on every call.
     * For a key the library refuses: the library reports a bad field
     * before a bad key, and so this keeps the error a call always gave.
     */
    private static function signWithoutSigner(array $fields, #[\SensitiveParameter] string $key, SignType $type): string
    {
        $ffi = FFI::instance();
        $data = Packed::pack($fields);
        $out = self::$signBuffer ??= $ffi->new('char[' . Abi::SIGN_BUF_LEN . ']');
        $rc = $ffi->wxpay_sign($data, strlen($data), count($fields), $key, strlen($key), $type->value, $out, Abi::SIGN_BUF_LEN);
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return \FFI::string($out);
    }

    /**
     * Verifies the `sign` field of fields in constant time.
     *
     * @param array<string, string|int> $fields the message, including `sign`
     * @param string $key the merchant API key
     * @param SignType|string $type `SignType::Auto` uses the fields'
     *     `sign_type`, else the signature's length; a name is accepted
     * @return SignType the algorithm the signature was checked with
     * @throws SignatureException no `sign`, a wrong one, or a `sign_type`
     *     other than `$type`
     * @throws InvalidInputException bad key, bad value, NUL byte, invalid UTF-8
     */
    public static function verify(array $fields, #[\SensitiveParameter] string $key, SignType|string $type = SignType::Auto): SignType
    {
        $ffi = FFI::instance();
        $type = SignType::of($type);
        $data = Packed::pack($fields);
        $used = $ffi->new('int32_t');
        $rc = $ffi->wxpay_verify($data, strlen($data), count($fields), $key, strlen($key), $type->value, \FFI::addr($used));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return SignType::from($used->cdata);
    }

    /**
     * Parses a signed `<xml>` document (a response or a notification) and
     * verifies its signature, in one call.
     *
     * @param string $xml the document as received
     * @param string $key the merchant API key
     * @param SignType|string $type as for {@see verify()}
     * @param int $maxSize the largest document accepted, in bytes; 0 means 1 MiB
     * @return array<string, string> the verified fields, `sign` included
     * @throws XmlException the document is refused (see {@see parseXml()})
     * @throws SignatureException no `sign`, a wrong one, or another algorithm
     * @throws InvalidInputException bad key or size
     */
    public static function verifyXml(string $xml, #[\SensitiveParameter] string $key, SignType|string $type = SignType::Auto, int $maxSize = 0): array
    {
        $ffi = FFI::instance();
        $type = SignType::of($type);
        Packed::checkMaxSize($maxSize);
        $out = $ffi->new('wxpay_fields *');
        $rc = $ffi->wxpay_verify_xml($xml, strlen($xml), $maxSize, $key, strlen($key), $type->value, \FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return FieldsHandle::take($ffi, $out);
    }

    /**
     * Parses a flat WeChat `<xml>` document without checking any signature.
     *
     * Text, CDATA and the five predefined entities are accepted. Refused with
     * an {@see XmlException}: DOCTYPE and entity declarations (XXE, billion
     * laughs), other entities, another root than `<xml>`, nested elements, a
     * field given twice, input over `$maxSize`, input that is not UTF-8, and
     * anything malformed.
     *
     * @param string $xml the document
     * @param int $maxSize the largest document accepted, in bytes; 0 means 1 MiB
     * @return array<string, string> the fields in document order
     * @throws XmlException the document is refused
     * @throws InvalidInputException a negative size
     */
    public static function parseXml(string $xml, int $maxSize = 0): array
    {
        $ffi = FFI::instance();
        Packed::checkMaxSize($maxSize);
        $out = $ffi->new('wxpay_fields *');
        $rc = $ffi->wxpay_xml_parse($xml, strlen($xml), $maxSize, \FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return FieldsHandle::take($ffi, $out);
    }

    /**
     * Builds `<xml><name><![CDATA[value]]></name>...</xml>` in the order given.
     *
     * @param array<string, string|int> $fields the message, usually with `sign`
     * @return string the document; {@see parseXml()} gives the fields back unchanged
     * @throws InvalidInputException a name that is not an ASCII XML name, a
     *     value XML cannot carry, a bad value type, a NUL byte, invalid UTF-8
     */
    public static function buildXml(array $fields): string
    {
        $ffi = FFI::instance();
        $data = Packed::pack($fields);
        $xml = $ffi->new('char *');
        $len = $ffi->new('size_t');
        $rc = $ffi->wxpay_xml_build($data, strlen($data), count($fields), \FFI::addr($xml), \FFI::addr($len));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        try {
            return \FFI::string($xml, $len->cdata);
        } finally {
            $ffi->wxpay_string_free($xml);
        }
    }

    /**
     * A fresh `nonce_str`: 32 letters and digits from the operating system's
     * secure random source.
     *
     * @throws WxPayException the random source failed
     */
    public static function nonce(): string
    {
        $ffi = FFI::instance();
        $out = self::$nonceBuffer ??= $ffi->new('char[' . Abi::NONCE_BUF_LEN . ']');
        $rc = $ffi->wxpay_nonce($out, Abi::NONCE_BUF_LEN);
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return \FFI::string($out);
    }

    /**
     * Inspects a merchant certificate without making a client: subject,
     * issuer, serial, validity, expiry state, key, fingerprint.
     *
     * @param string $certificate the bytes of a `.p12` (`apiclient_cert.p12`),
     *     a PEM certificate (`apiclient_cert.pem`, optionally followed by its
     *     key) or a DER certificate; read the file yourself
     * @param string|null $key the PEM private key (`apiclient_key.pem`,
     *     PKCS#8 or PKCS#1) to check against the certificate; not with a
     *     `.p12`, which holds its own
     * @param string|null $password the `.p12` password (WeChat issues it as
     *     the mch_id) or an encrypted PEM key's; null for none
     * @return array<string, string> all of `subject_cn`, `subject`,
     *     `issuer_cn`, `issuer_kind` (`wechatpay`, `ca`, `unknown`), `serial`,
     *     `not_before`, `not_before_unix`, `not_after`, `not_after_unix`,
     *     `days_until_expiry`, `expiry` (`valid`, `expiring`, `expired`,
     *     `not_yet_valid`), `merchant_id`, `key_type`, `key_bits`,
     *     `key_matches` (`true`, `false`, `unknown` without a key),
     *     `sha256_fingerprint`; as the library writes them, all strings
     * @throws CertificateException wrong or missing password
     *     (`CERTIFICATE_PASSWORD`), unparseable data (`CERTIFICATE_CORRUPT`),
     *     an algorithm OpenSSL cannot load (`CERTIFICATE_UNSUPPORTED`)
     * @throws InvalidInputException a NUL byte in the password
     */
    public static function certInfo(#[\SensitiveParameter] string $certificate, #[\SensitiveParameter] ?string $key = null, #[\SensitiveParameter] ?string $password = null): array
    {
        $ffi = FFI::instance();
        if ($password !== null && str_contains($password, "\0")) {
            throw new InvalidInputException('the password contains a NUL byte', ResultCode::EMBEDDED_NUL, 'WXPAY_RESULT_EMBEDDED_NUL');
        }
        $out = $ffi->new('wxpay_fields *');
        // `const uint8_t *` is not filled from a PHP string by FFI; the copy
        // may hold a private key, so it is wiped before it is freed.
        $length = strlen($certificate);
        $buffer = $ffi->new('uint8_t[' . max(1, $length) . ']', false);
        try {
            \FFI::memcpy($buffer, $certificate, $length);
            $rc = $ffi->wxpay_cert_info($buffer, $length, $key, $key === null ? 0 : strlen($key), $password, \FFI::addr($out));
        } finally {
            \FFI::memset($buffer, 0, max(1, $length));
            \FFI::free($buffer);
        }
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return FieldsHandle::take($ffi, $out);
    }

    /**
     * The merchant category of a code (MCC), e.g. 485 → `"Food"`, from the
     * library's table of WeChat's categories.
     *
     * @throws InvalidInputException an unknown code (`NOT_FOUND`)
     */
    public static function mccCategory(int $code): string
    {
        $ffi = FFI::instance();
        if ($code < -2147483648 || $code > 2147483647) {
            throw new InvalidInputException("no merchant category has the code $code", ResultCode::NOT_FOUND, 'WXPAY_RESULT_NOT_FOUND');
        }
        $out = $ffi->new('const char *');
        $rc = $ffi->wxpay_mcc_category($code, \FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return \FFI::string($out);
    }

    /**
     * The code of a merchant category, e.g. `"Food"` → 485; case and
     * surrounding spaces do not matter.
     *
     * @throws InvalidInputException an unknown category (`NOT_FOUND`), a NUL byte
     */
    public static function mccCode(string $category): int
    {
        $ffi = FFI::instance();
        if (str_contains($category, "\0")) {
            throw new InvalidInputException('the category contains a NUL byte', ResultCode::EMBEDDED_NUL, 'WXPAY_RESULT_EMBEDDED_NUL');
        }
        $out = $ffi->new('int32_t');
        $rc = $ffi->wxpay_mcc_code($category, \FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return $out->cdata;
    }

    /**
     * The whole merchant category table, code => category, ascending.
     *
     * @return array<int, string>
     */
    public static function mccList(): array
    {
        $ffi = FFI::instance();
        $out = $ffi->new('wxpay_fields *');
        $rc = $ffi->wxpay_mcc_list(\FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        // The names are decimal codes, which PHP makes int keys.
        return FieldsHandle::take($ffi, $out);
    }

    /**
     * The XML answer to a WeChat notification: `return_code=SUCCESS` (WeChat
     * stops retrying) or `FAIL` (WeChat retries later), with `$message` as
     * `return_msg` (default `OK` / `FAIL`).
     *
     * @throws InvalidInputException a NUL byte or invalid UTF-8 in the message
     */
    public static function notifyReply(bool $success, ?string $message = null): string
    {
        $ffi = FFI::instance();
        if ($message !== null && str_contains($message, "\0")) {
            throw new InvalidInputException('the message contains a NUL byte', ResultCode::EMBEDDED_NUL, 'WXPAY_RESULT_EMBEDDED_NUL');
        }
        $xml = $ffi->new('char *');
        $len = $ffi->new('size_t');
        $rc = $ffi->wxpay_notify_reply($success ? 1 : 0, $message, \FFI::addr($xml), \FFI::addr($len));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        try {
            return \FFI::string($xml, $len->cdata);
        } finally {
            $ffi->wxpay_string_free($xml);
        }
    }

    /**
     * The values of WeChat's numbered fields `name_0`, `name_1`, ... in order
     * of their number (a refund query's `refund_fee_$n`, an order's
     * `coupon_id_$n`). For the second level give the first number in
     * `$name`: `indexed($r, 'coupon_refund_fee_0')` is refund 0's
     * `coupon_refund_fee_0_$m`.
     *
     * @param array<string, string> $fields a response or notification
     * @return list<string>
     * @throws InvalidInputException rather than drop a value unseen: an empty
     *     name, a number with a leading zero or of more than 9 digits, a
     *     missing number before the last
     */
    public static function indexed(array $fields, string $name): array
    {
        if (str_contains($name, "\0")) {
            throw new InvalidInputException('indexed fields: the name contains a NUL byte', ResultCode::EMBEDDED_NUL, 'WXPAY_RESULT_EMBEDDED_NUL');
        }
        $ffi = FFI::instance();
        $data = Packed::pack($fields);
        $out = $ffi->new('wxpay_fields *');
        $rc = $ffi->wxpay_fields_indexed($data, strlen($data), count($fields), $name, \FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return array_values(FieldsHandle::take($ffi, $out));
    }

    /**
     * Parses a bill (`pay/downloadbill`, `pay/downloadfundflow`: WeChat's
     * backtick-prefixed CSV, plain or gzip) into rows and summary.
     *
     * @throws ProtocolException `RESPONSE_INVALID`: not a bill (no header, no
     *     summary, a row with another cell count, not UTF-8, damaged gzip)
     * @throws TransportException `RESPONSE_TOO_LARGE`: over 256 MiB
     */
    public static function parseBill(string $data): Bill
    {
        $ffi = FFI::instance();
        $length = strlen($data);
        // `const uint8_t *` is not filled from a PHP string by FFI.
        $buffer = $ffi->new('uint8_t[' . max(1, $length) . ']', false);
        try {
            \FFI::memcpy($buffer, $data, $length);
            $rows = $ffi->new('wxpay_table *');
            $summary = $ffi->new('wxpay_table *');
            $rc = $ffi->wxpay_bill_parse($buffer, $length, \FFI::addr($rows), \FFI::addr($summary));
        } finally {
            \FFI::free($buffer);
        }
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return Bill::take($ffi, $rows, $summary);
    }
}

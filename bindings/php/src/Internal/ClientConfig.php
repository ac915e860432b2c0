<?php

declare(strict_types=1);

namespace WxPay\Internal;

use WxPay\Exception\InvalidInputException;
use WxPay\Exception\WxPayException;
use WxPay\ResultCode;
use WxPay\SignType;

/**
 * Turns a {@see \WxPay\Client} options array into a `wxpay_config *`.
 *
 * Certificates, the root CA and the log level are the wrapper's own keys,
 * because each maps to its own C function. Every other key is handed to
 * `wxpay_config_set` by name, so the library alone decides which options
 * exist and which values they take; an unknown key is its error.
 *
 * @internal
 */
final class ClientConfig
{
    /** Keys handled here; everything else goes to `wxpay_config_set`. */
    private const OWN_KEYS = [
        'p12', 'p12_file', 'p12_password',
        'cert', 'key', 'cert_file', 'key_file', 'key_password',
        'root_ca', 'root_ca_file', 'log_level',
    ];

    private function __construct()
    {
    }

    /**
     * Makes a configuration from `$options`; the caller frees it with
     * `wxpay_config_free`, also when this throws after it was made (it
     * never does: on failure the configuration is freed here).
     *
     * @param array<array-key, mixed> $options
     * @param int|null $loggerId a {@see LogBridge} registration, or null for no log
     * @throws InvalidInputException for an option the wrapper or the library refuses
     * @throws WxPayException for a certificate file that cannot be read
     */
    public static function build(\FFI $ffi, #[\SensitiveParameter] array $options, ?int $loggerId): \FFI\CData
    {
        $cfg = $ffi->wxpay_config_new();
        if ($cfg === null || \FFI::isNull($cfg)) {
            throw new WxPayException('wxpay_config_new failed: an internal error in libwxpay', ResultCode::PANIC, 'WXPAY_RESULT_PANIC');
        }
        try {
            self::apply($ffi, $cfg, $options, $loggerId);
        } catch (\Throwable $e) {
            $ffi->wxpay_config_free($cfg);
            throw $e;
        }
        return $cfg;
    }

    /**
     * @param array<array-key, mixed> $options
     */
    private static function apply(\FFI $ffi, \FFI\CData $cfg, #[\SensitiveParameter] array $options, ?int $loggerId): void
    {
        $given = [];
        foreach ($options as $name => $value) {
            if (!is_string($name)) {
                throw InvalidInputException::fromWrapper("option names must be strings, got the index $name: pass ['mch_id' => ..., ...]");
            }
            if ($value === null) {
                // A missing or null option means the library's default; config
                // arrays often carry nulls for settings left out.
                continue;
            }
            if (in_array($name, self::OWN_KEYS, true)) {
                $given[$name] = $value;
                continue;
            }
            $text = $name === 'sign_type' && $value instanceof SignType
                ? ($value->fieldValue() ?? throw InvalidInputException::fromWrapper('option "sign_type": SignType::Auto is not an algorithm; use SignType::Md5 or SignType::HmacSha256'))
                : self::text($name, $value);
            self::check($ffi, $ffi->wxpay_config_set($cfg, self::cName($name), $text));
        }
        self::applyCertificate($ffi, $cfg, $given);
        self::applyRootCa($ffi, $cfg, $given);
        if ($loggerId !== null) {
            $level = self::logLevel($given['log_level'] ?? 'info');
            self::check($ffi, $ffi->wxpay_config_set_log($cfg, LogBridge::callback($ffi), LogBridge::userData($ffi, $loggerId), $level));
        } elseif (isset($given['log_level'])) {
            self::logLevel($given['log_level']);
        }
    }

    /**
     * @param array<string, mixed> $given
     */
    private static function applyCertificate(\FFI $ffi, \FFI\CData $cfg, #[\SensitiveParameter] array $given): void
    {
        $p12 = array_intersect_key($given, array_flip(['p12', 'p12_file']));
        $pem = array_intersect_key($given, array_flip(['cert', 'key', 'cert_file', 'key_file']));
        if ($p12 !== [] && $pem !== []) {
            throw InvalidInputException::fromWrapper('give the merchant certificate once: either p12 / p12_file or cert + key / cert_file + key_file');
        }
        if (count($p12) > 1) {
            throw InvalidInputException::fromWrapper('give either p12 (the bytes) or p12_file (a path), not both');
        }
        if (isset($given['p12_password']) && $p12 === []) {
            throw InvalidInputException::fromWrapper('p12_password is given but no p12 or p12_file');
        }
        if (isset($given['key_password']) && $pem === []) {
            throw InvalidInputException::fromWrapper('key_password is given but no cert + key or cert_file + key_file');
        }
        if ($p12 !== []) {
            $password = isset($given['p12_password']) ? self::text('p12_password', $given['p12_password']) : null;
            if (isset($given['p12_file'])) {
                $path = self::text('p12_file', $given['p12_file']);
                self::check($ffi, $ffi->wxpay_config_set_p12_file($cfg, $path, $password));
            } else {
                self::setP12Bytes($ffi, $cfg, self::bytes('p12', $given['p12']), $password);
            }
            return;
        }
        if ($pem === []) {
            return;
        }
        $password = isset($given['key_password']) ? self::text('key_password', $given['key_password']) : null;
        if (isset($pem['cert_file']) && isset($pem['key_file']) && count($pem) === 2) {
            $certPath = self::text('cert_file', $pem['cert_file']);
            $keyPath = self::text('key_file', $pem['key_file']);
            self::check($ffi, $ffi->wxpay_config_set_pem_files($cfg, $certPath, $keyPath, $password));
        } elseif (isset($pem['cert']) && isset($pem['key']) && count($pem) === 2) {
            $cert = self::bytes('cert', $pem['cert']);
            $key = self::bytes('key', $pem['key']);
            self::check($ffi, $ffi->wxpay_config_set_pem($cfg, $cert, strlen($cert), $key, strlen($key), $password));
        } else {
            throw InvalidInputException::fromWrapper('a PEM certificate takes cert + key (PEM text) or cert_file + key_file (paths), as a pair; got ' . implode(', ', array_keys($pem)));
        }
    }

    private static function setP12Bytes(\FFI $ffi, \FFI\CData $cfg, #[\SensitiveParameter] string $p12, #[\SensitiveParameter] ?string $password): void
    {
        // The C parameter is `const uint8_t *`, which FFI does not fill from a
        // PHP string; the copy is wiped before it goes back to the allocator.
        $length = strlen($p12);
        $buffer = $ffi->new('uint8_t[' . max(1, $length) . ']', false);
        try {
            \FFI::memcpy($buffer, $p12, $length);
            self::check($ffi, $ffi->wxpay_config_set_p12($cfg, $buffer, $length, $password));
        } finally {
            \FFI::memset($buffer, 0, max(1, $length));
            \FFI::free($buffer);
        }
    }

    /**
     * @param array<string, mixed> $given
     */
    private static function applyRootCa(\FFI $ffi, \FFI\CData $cfg, array $given): void
    {
        if (isset($given['root_ca']) && isset($given['root_ca_file'])) {
            throw InvalidInputException::fromWrapper('give either root_ca (PEM text) or root_ca_file (a path), not both');
        }
        if (isset($given['root_ca_file'])) {
            self::check($ffi, $ffi->wxpay_config_set_root_ca_file($cfg, self::text('root_ca_file', $given['root_ca_file'])));
        } elseif (isset($given['root_ca'])) {
            $pem = self::bytes('root_ca', $given['root_ca']);
            self::check($ffi, $ffi->wxpay_config_set_root_ca($cfg, $pem, strlen($pem)));
        }
    }

    private static function logLevel(mixed $level): int
    {
        $number = is_string($level) ? LogBridge::levelNumber($level) : null;
        if ($number === null) {
            throw InvalidInputException::fromWrapper('option "log_level" must be one of ' . implode(', ', LogBridge::LEVELS));
        }
        return $number;
    }

    /**
     * An option value for a NUL-terminated C string: a string or an int
     * (written in exact decimal), without NUL bytes, which C would cut it at.
     */
    private static function text(string $name, #[\SensitiveParameter] mixed $value): string
    {
        if (is_int($value)) {
            return (string) $value;
        }
        if (!is_string($value)) {
            throw InvalidInputException::fromWrapper('option "' . self::printable($name) . '" must be a string or an int, got ' . get_debug_type($value));
        }
        if (str_contains($value, "\0")) {
            throw new InvalidInputException(
                'option "' . self::printable($name) . '" contains a NUL byte',
                ResultCode::EMBEDDED_NUL,
                'WXPAY_RESULT_EMBEDDED_NUL',
            );
        }
        return $value;
    }

    /** An option given as bytes with a length: any string. */
    private static function bytes(string $name, #[\SensitiveParameter] mixed $value): string
    {
        if (!is_string($value)) {
            throw InvalidInputException::fromWrapper('option "' . $name . '" must be a string (the file\'s contents), got ' . get_debug_type($value));
        }
        return $value;
    }

    private static function cName(string $name): string
    {
        if (str_contains($name, "\0")) {
            throw new InvalidInputException('an option name contains a NUL byte', ResultCode::EMBEDDED_NUL, 'WXPAY_RESULT_EMBEDDED_NUL');
        }
        return $name;
    }

    private static function check(\FFI $ffi, int $rc): void
    {
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
    }

    /** An option name fit for a message: at most 64 bytes, control bytes escaped. */
    private static function printable(string $name): string
    {
        $short = strlen($name) > 64 ? substr($name, 0, 64) . '...' : $name;
        return addcslashes($short, "\0..\37\177");
    }
}

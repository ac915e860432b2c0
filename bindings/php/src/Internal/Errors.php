<?php

declare(strict_types=1);

namespace WxPay\Internal;

use WxPay\Exception\BusinessException;
use WxPay\Exception\WxPayException;
use WxPay\Retry;

/**
 * Turns a failed call into the exception its result code calls for.
 *
 * @internal
 */
final class Errors
{
    private function __construct()
    {
    }

    /**
     * Throws for the call that just returned `$code` on this thread, with the
     * library's message and, when the failure came with one, the peer's response.
     *
     * @param bool $withResponse false when reading the response is what failed
     * @throws WxPayException always
     */
    public static function throwLast(\FFI $ffi, int $code, bool $withResponse = true): never
    {
        // Read before anything else can overwrite this thread's last error.
        $message = $ffi->wxpay_last_error_message();
        $retry = $ffi->wxpay_last_error_retry();
        $name = $ffi->wxpay_result_name($code);
        $response = null;
        $borrowed = $ffi->wxpay_last_error_response();
        if ($withResponse && $borrowed !== null && !\FFI::isNull($borrowed)) {
            try {
                $response = FieldsHandle::read($ffi, $borrowed);
            } catch (WxPayException) {
                // Only a broken library gets here; the original failure still
                // matters more than its attachment.
                $response = null;
            }
        }
        $e = WxPayException::fromResult($code, $message, $name, $response);
        if ($e instanceof BusinessException) {
            $e->setRetry(Retry::tryFrom($retry) ?? Retry::Unknown);
        }
        throw $e;
    }
}

<?php

declare(strict_types=1);

namespace WxPay\Exception;

use WxPay\ResultCode;

/**
 * An argument the library or the wrapper refused (1xx): a bad API key, a
 * value of the wrong type, a NUL byte, invalid UTF-8, a duplicate or invalid
 * field name, an unknown sign type.
 */
class InvalidInputException extends WxPayException
{
    /**
     * An argument the wrapper refused before calling the library; it carries
     * {@see ResultCode::INVALID_ARGUMENT}.
     *
     * @internal
     */
    public static function fromWrapper(string $message): self
    {
        return new self($message, ResultCode::INVALID_ARGUMENT, 'WXPAY_RESULT_INVALID_ARGUMENT');
    }
}

<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * The native library cannot be used: ext-ffi is missing or restricted,
 * libwxpay cannot be loaded, or its version is not the one this wrapper was
 * written for. A deployment problem, not a result of any call, so it is not
 * a {@see WxPayException}.
 */
final class LibraryException extends \RuntimeException
{
}

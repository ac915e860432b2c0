<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * A signature is missing, does not match, or announces another algorithm than the one asked for (2xx).
 */
class SignatureException extends WxPayException
{
}

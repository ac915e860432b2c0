<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * A {@see \WxPay\Signer} was used after {@see \WxPay\Signer::close()}. A bug
 * in the calling code, not a failed call, so it is a `LogicException`.
 */
final class SignerClosedException extends \LogicException
{
}

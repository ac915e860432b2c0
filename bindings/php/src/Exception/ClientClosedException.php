<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * A {@see \WxPay\Client} was used after {@see \WxPay\Client::close()}. A bug
 * in the calling code, not a failed call, so it is a `LogicException`.
 */
final class ClientClosedException extends \LogicException
{
}

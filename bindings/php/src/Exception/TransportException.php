<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * The request did not reach WeChat Pay or its answer did not come back: DNS, connection, TLS handshake, timeout, HTTP status (5xx).
 */
class TransportException extends WxPayException
{
}

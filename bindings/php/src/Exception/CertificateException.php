<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * The merchant certificate or the TLS setup is unusable: unreadable file, wrong password, expired or mismatched certificate (4xx).
 */
class CertificateException extends WxPayException
{
}

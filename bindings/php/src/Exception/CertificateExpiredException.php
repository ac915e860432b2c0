<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * The merchant certificate has expired (`CERTIFICATE_EXPIRED`, 406): requests
 * to certificate endpoints are refused before any network I/O, and an expired
 * replacement is refused by {@see \WxPay\Client::reloadCertificate()}.
 */
class CertificateExpiredException extends CertificateException
{
}

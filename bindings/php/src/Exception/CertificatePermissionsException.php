<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * A private key or `.p12` file is readable by group or others and the option
 * `strict_permissions` is on (`CERTIFICATE_PERMISSIONS`, 407). Without that
 * option the library only logs a warning.
 */
class CertificatePermissionsException extends CertificateException
{
}

<?php

declare(strict_types=1);

/*
 * Prints a header for php.ini's ffi.preload that loads the given libwxpay
 * into the FFI scope WXPAY:
 *   php tools/preload-header.php /opt/wxpay/libwxpay.so > /etc/php/8.2/wxpay.h
 *   ; php.ini
 *   ffi.preload=/etc/php/8.2/wxpay.h
 */

require __DIR__ . '/../src/Exception/LibraryException.php';
require __DIR__ . '/../src/FFI.php';

if ($argc !== 2) {
    fwrite(STDERR, "usage: php tools/preload-header.php /absolute/path/to/libwxpay.so\n");
    exit(2);
}
$library = realpath($argv[1]);
if ($library === false) {
    fwrite(STDERR, "no such file: {$argv[1]}\n");
    exit(2);
}
echo WxPay\FFI::preloadHeader($library);

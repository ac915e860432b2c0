<?php

/*
 * opcache.preload script for PHP-FPM, whose default ffi.enable=preload
 * forbids FFI::cdef while serving requests and lets only preloaded code call
 * FFI's static methods (FFI::string, FFI::addr, ...).
 *
 * It compiles the wrapper's classes into opcache's shared memory and makes
 * sure the FFI scope WXPAY exists. Requests then use the scope through
 * WxPay\FFI::instance(), never FFI::cdef.
 *
 * php.ini, the usual case (FPM master running as root):
 *   ffi.enable=preload
 *   ffi.preload=/path/to/bindings/php/wxpay.preload.h   ; libwxpay.so on the loader path
 *   opcache.enable=1
 *   opcache.preload=/path/to/bindings/php/preload.php
 *   opcache.preload_user=www-data
 * For a library elsewhere, point ffi.preload at the output of
 *   php tools/preload-header.php /opt/wxpay/libwxpay.so
 *
 * Without opcache.preload_user (a master that is not root), ffi.preload may
 * be left out: this script then loads the library itself with FFI::load,
 * from WXPAY_LIBRARY in the master's environment or the default search
 * (see WxPay\FFI::libraryPath()). PHP refuses FFI::load together with
 * opcache.preload_user.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'WxPay\\')) {
        $file = __DIR__ . '/src/' . str_replace('\\', '/', substr($class, strlen('WxPay\\'))) . '.php';
        if (is_file($file)) {
            require $file;
        }
    }
});

WxPay\FFI::preload();

// Loading every class now puts it in opcache's shared memory for all requests.
$sources = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(__DIR__ . '/src', FilesystemIterator::SKIP_DOTS));
foreach ($sources as $file) {
    if ($file->getExtension() === 'php') {
        $relative = substr($file->getPathname(), strlen(__DIR__ . '/src/'), -strlen('.php'));
        $class = 'WxPay\\' . str_replace('/', '\\', $relative);
        class_exists($class) || interface_exists($class) || enum_exists($class) || trait_exists($class);
    }
}

<?php

declare(strict_types=1);

// Tests run against the built library: $WXPAY_LIBRARY, else the release
// build under the repository root. The classes load through the same PSR-4
// mapping composer.json declares, without needing Composer.

$package = dirname(__DIR__);
spl_autoload_register(static function (string $class) use ($package): void {
    foreach (['WxPay\\Tests\\' => '/tests/', 'WxPay\\' => '/src/'] as $prefix => $dir) {
        if (str_starts_with($class, $prefix)) {
            $file = $package . $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            if (is_file($file)) {
                require $file;
            }
            return;
        }
    }
});

$library = getenv('WXPAY_LIBRARY');
if (!is_string($library) || $library === '') {
    $library = dirname($package, 2) . '/target/release/libwxpay.so';
}
if (!is_file($library)) {
    fwrite(STDERR, "libwxpay not found at $library: run `cargo build --release` in the repository root or set WXPAY_LIBRARY\n");
    exit(1);
}
$library = realpath($library);
// Child PHP processes started by the tests find it the same way.
putenv("WXPAY_LIBRARY=$library");
WxPay\FFI::setLibraryPath($library);

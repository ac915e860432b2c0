<?php

// What Composer's PSR-4 autoloader does for WxPay\ (bindings/php/src).
spl_autoload_register(static function (string $class): void {
    if (str_starts_with($class, 'WxPay\\')) {
        require dirname(__DIR__, 2) . '/src/' . str_replace('\\', '/', substr($class, 6)) . '.php';
    }
});

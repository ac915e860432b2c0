<?php

/*
 * A notify_url endpoint for `php -S` (or any web server): WeChat Pay, or the
 * repository's simulator, POSTs payment notifications to /notify/pay,
 * refund notifications to /notify/refund and contract notifications
 * (automatic deduction) to /notify/contract. Each is verified (or
 * decrypted) and answered by the library; nothing about signatures or XML is
 * done here.
 *
 *   WXPAY_MCH_ID=1900000109 WXPAY_APPID=wx2421b1c4370ec43b WXPAY_API_KEY=... \
 *   WXPAY_NOTIFY_LOG=/tmp/notifications.jsonl \
 *   php -d ffi.enable=1 -S 127.0.0.1:8080 examples/php/notify/endpoint.php
 *
 * (`php -S` is a server SAPI: with the default ffi.enable=preload it needs
 * the preload setup of bindings/php/README.md, as PHP-FPM does; for a local
 * run, ffi.enable=1 is simpler.)
 * Each notification is appended to WXPAY_NOTIFY_LOG as one JSON line (a real
 * shop would mark the order paid in its database, idempotently: WeChat
 * retries until it gets the SUCCESS reply). WXPAY_SANDBOX=true verifies with
 * the sandbox key.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $file = __DIR__ . '/../../../bindings/php/src/' . str_replace('\\', '/', substr($class, strlen('WxPay\\'))) . '.php';
    if (str_starts_with($class, 'WxPay\\') && is_file($file)) {
        require $file;
    }
});

use WxPay\Client;
use WxPay\Exception\WxPayException;
use WxPay\WxPay;

$route = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH);
if (($_SERVER['REQUEST_METHOD'] ?? '') !== 'POST' || !in_array($route, ['/notify/pay', '/notify/refund', '/notify/contract'], true)) {
    http_response_code(404);
    echo "not found\n";
    return true;
}

// Made per request here, which is cheap: verifying needs no certificate and
// opens no connection. (In sandbox mode the client fetches the sandbox key on
// first use; keep such a client for the worker's life instead.)
$client = new Client(array_filter([
    'mch_id' => getenv('WXPAY_MCH_ID') ?: null,
    'appid' => getenv('WXPAY_APPID') ?: null,
    'api_key' => getenv('WXPAY_API_KEY') ?: null,
    'sandbox' => getenv('WXPAY_SANDBOX') ?: null,
    // Sandbox mode fetches its key from the API; elsewhere nothing is sent.
    'host' => getenv('WXPAY_HOST') ?: null,
    'root_ca_file' => getenv('WXPAY_ROOT_CA') ?: null,
]));
$body = (string) file_get_contents('php://input');
$record = ['route' => $route, 'body' => $body];

try {
    if ($route === '/notify/pay') {
        $notification = $client->paymentNotification($body);
        $record += ['verified' => true, 'paid' => $notification->paid, 'fields' => $notification->fields];
    } elseif ($route === '/notify/contract') {
        $notification = $client->contractNotification($body);
        $record += ['verified' => true, 'signed' => $notification->signed, 'fields' => $notification->fields];
    } else {
        $notification = $client->refundNotification($body);
        $record += ['verified' => true, 'info' => $notification->info, 'outer' => $notification->outer];
    }
    $reply = $notification->reply;
} catch (WxPayException $e) {
    // Not verified: say FAIL, so that a genuine sender retries; record why.
    $record += ['verified' => false, 'error' => $e->getCodeName(), 'message' => $e->getMessage()];
    $reply = WxPay::notifyReply(false, 'not verified');
}

$log = getenv('WXPAY_NOTIFY_LOG');
if (is_string($log) && $log !== '') {
    file_put_contents($log, json_encode($record, JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR) . "\n", FILE_APPEND | LOCK_EX);
}
header('Content-Type: text/xml');
echo $reply;
return true;

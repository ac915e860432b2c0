<?php

/*
 * Notifications end to end against the wxpay simulator: serve
 * examples/php/notify/endpoint.php with `php -S` on loopback, place an order
 * whose notify_url points there, have the customer pay, and watch the
 * simulator's notification arrive, verified and answered by the library;
 * then refund and see the refund notification decrypted. Also the JSAPI pay
 * parameters for the order.
 *
 *   cargo build --release
 *   target/release/wxpay-sim --dir /tmp/wxpay-sim     # prints WXPAY_SIM_READY url=... dir=...
 *   WXPAY_SIM_URL=https://127.0.0.1:PORT WXPAY_SIM_DIR=/tmp/wxpay-sim \
 *   WXPAY_LIBRARY=target/release/libwxpay.so php examples/php/notify_demo.php
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $file = __DIR__ . '/../../bindings/php/src/' . str_replace('\\', '/', substr($class, strlen('WxPay\\'))) . '.php';
    if (str_starts_with($class, 'WxPay\\') && is_file($file)) {
        require $file;
    }
});

use WxPay\Client;
use WxPay\Exception\WxPayException;

$url = getenv('WXPAY_SIM_URL');
$dir = getenv('WXPAY_SIM_DIR');
if (!is_string($url) || $url === '' || !is_string($dir) || $dir === '') {
    fwrite(STDERR, "set WXPAY_SIM_URL and WXPAY_SIM_DIR to a running wxpay-sim's url and dir (its WXPAY_SIM_READY line)\n");
    exit(2);
}
$mchId = '1900000109';
$appid = 'wx2421b1c4370ec43b';
$key = getenv('WXPAY_API_KEY') ?: '192006250b4c09247ec02edce69f6a2d';

// The merchant's notify endpoint: php's built-in server on a free loopback port.
$socket = stream_socket_server('tcp://127.0.0.1:0');
$address = stream_socket_get_name($socket, false);
fclose($socket);
$log = tempnam(sys_get_temp_dir(), 'wxpay-notify-');
$server = proc_open(
    [PHP_BINARY, '-d', 'ffi.enable=1', '-S', $address, __DIR__ . '/notify/endpoint.php'],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
    $pipes,
    null,
    ['WXPAY_MCH_ID' => $mchId, 'WXPAY_APPID' => $appid, 'WXPAY_API_KEY' => $key, 'WXPAY_NOTIFY_LOG' => $log] + getenv(),
);

/** Waits (at most 30 s) for a logged notification $match accepts. */
function wait_for(string $log, callable $match): array
{
    $deadline = microtime(true) + 30;
    do {
        foreach (file($log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: [] as $line) {
            $record = json_decode($line, true, 16, JSON_THROW_ON_ERROR);
            if ($match($record)) {
                return $record;
            }
        }
        usleep(50_000);
    } while (microtime(true) < $deadline);
    throw new RuntimeException('no such notification arrived');
}

$client = new Client([
    'appid' => $appid, 'mch_id' => $mchId, 'api_key' => $key,
    'p12_file' => "$dir/apiclient_cert.p12", 'host' => $url, 'backup_host' => 'none', 'root_ca_file' => "$dir/ca.pem",
]);
$status = 0;
try {
    while (!($probe = @stream_socket_client("tcp://$address"))) {
        usleep(20_000);
    }
    fclose($probe);
    echo "notify endpoint: http://$address/notify/pay (php -S)\n";

    $no = 'notify' . date('YmdHis') . random_int(1000, 9999);
    $order = $client->unifiedOrder([
        'body' => 'wxpay demo - 会员充值', 'out_trade_no' => $no, 'total_fee' => 1200, 'spbill_create_ip' => '127.0.0.1',
        'notify_url' => "http://$address/notify/pay", 'trade_type' => 'JSAPI', 'openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    ]);
    echo "order $no, prepay_id {$order['prepay_id']}\n";
    echo "JSAPI parameters for wx.requestPayment:\n";
    foreach ($client->jsapiParameters($order['prepay_id']) as $name => $value) {
        echo "  $name: $value\n";
    }

    // The simulator's control call stands in for the customer paying.
    $context = stream_context_create([
        'http' => ['method' => 'POST', 'header' => "Content-Length: 0\r\n"],
        'ssl' => ['cafile' => "$dir/ca.pem", 'peer_name' => '127.0.0.1'],
    ]);
    if (file_get_contents(rtrim($url, '/') . '/sim/pay?out_trade_no=' . urlencode($no), false, $context) === false) {
        throw new RuntimeException('the simulator did not mark the order paid');
    }
    $paid = wait_for($log, static fn (array $r): bool => ($r['fields']['out_trade_no'] ?? null) === $no);
    if (!$paid['verified'] || !$paid['paid']) {
        throw new RuntimeException('the payment notification did not verify');
    }
    echo "payment notification verified: transaction_id {$paid['fields']['transaction_id']}, total_fee {$paid['fields']['total_fee']}\n";

    $client->refund([
        'out_trade_no' => $no, 'out_refund_no' => "R$no", 'total_fee' => 1200, 'refund_fee' => 500,
        'notify_url' => "http://$address/notify/refund",
    ]);
    $refund = wait_for($log, static fn (array $r): bool => ($r['info']['out_refund_no'] ?? null) === "R$no");
    if (!$refund['verified']) {
        throw new RuntimeException('the refund notification did not decrypt');
    }
    echo "refund notification decrypted: {$refund['info']['refund_status']}, refund_fee {$refund['info']['refund_fee']}\n";
} catch (WxPayException $e) {
    fwrite(STDERR, get_class($e) . " ({$e->getCodeName()}): {$e->getMessage()}\n");
    $status = 1;
} finally {
    $client->close();
    proc_terminate($server);
    proc_close($server);
    unlink($log);
}
exit($status);

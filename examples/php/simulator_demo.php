<?php

/*
 * A merchant's round trip against the wxpay simulator: place an order, query
 * it, have the customer pay, refund part of it over mutual TLS with the
 * merchant's apiclient_cert.p12, query the refund.
 *
 *   cargo build --release
 *   target/release/wxpay-sim --dir /tmp/wxpay-sim     # prints WXPAY_SIM_READY url=... dir=...
 *   WXPAY_SIM_URL=https://127.0.0.1:PORT WXPAY_SIM_DIR=/tmp/wxpay-sim \
 *   WXPAY_LIBRARY=target/release/libwxpay.so php examples/php/simulator_demo.php
 *
 * Against WeChat Pay itself, drop 'host' and 'root_ca_file' and use your own
 * mch_id, key and certificate. In a Composer project, `require
 * 'vendor/autoload.php';` replaces the loader below.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $file = __DIR__ . '/../../bindings/php/src/' . str_replace('\\', '/', substr($class, strlen('WxPay\\'))) . '.php';
    if (str_starts_with($class, 'WxPay\\') && is_file($file)) {
        require $file;
    }
});

use WxPay\Client;
use WxPay\Exception\BusinessException;
use WxPay\Exception\WxPayException;

$url = getenv('WXPAY_SIM_URL');
$dir = getenv('WXPAY_SIM_DIR');
if (!is_string($url) || $url === '' || !is_string($dir) || $dir === '') {
    fwrite(STDERR, "set WXPAY_SIM_URL and WXPAY_SIM_DIR to a running wxpay-sim's url and dir (its WXPAY_SIM_READY line)\n");
    exit(2);
}

/** Prints what the library logs; any PSR-3 logger (Monolog, ...) fits the same place. */
final class EchoLogger
{
    public function log(string $level, string $message): void
    {
        echo "  [$level] $message\n";
    }
}

$client = new Client([
    'appid' => 'wx2421b1c4370ec43b',
    'mch_id' => '1900000109',
    // Never hard-code the real key: read it from the environment or a secret store.
    'api_key' => getenv('WXPAY_API_KEY') ?: '192006250b4c09247ec02edce69f6a2d',
    'sign_type' => 'HMAC-SHA256',
    // The .p12 as WeChat issues it; the password defaults to the mch_id.
    'p12_file' => "$dir/apiclient_cert.p12",
    'host' => $url,
    'backup_host' => 'none',
    'root_ca_file' => "$dir/ca.pem",          // the simulator's own CA
    'timeout_ms' => 10000,
], new EchoLogger());

$outTradeNo = 'demo' . date('YmdHis') . random_int(1000, 9999);
try {
    echo "unified order $outTradeNo\n";
    $order = $client->unifiedOrder([
        'body' => 'wxpay demo - 会员充值',
        'out_trade_no' => $outTradeNo,
        'total_fee' => 1200,                   // fen
        'spbill_create_ip' => '127.0.0.1',
        'notify_url' => 'https://127.0.0.1:9/wxpay/notify',
        'trade_type' => 'NATIVE',
        'product_id' => 'vip-12',
    ]);
    echo "  prepay_id {$order['prepay_id']}, code_url {$order['code_url']}\n";

    echo "query\n";
    echo '  trade_state ' . $client->orderQuery(['out_trade_no' => $outTradeNo])['trade_state'] . "\n";

    // The simulator's control call stands in for the customer scanning the code.
    $paid = file_get_contents(rtrim($url, '/') . '/sim/pay?out_trade_no=' . urlencode($outTradeNo), false, stream_context_create([
        'http' => ['method' => 'POST', 'header' => "Content-Length: 0\r\n"],
        'ssl' => ['cafile' => "$dir/ca.pem", 'peer_name' => '127.0.0.1'],
    ]));
    if ($paid === false) {
        throw new RuntimeException('the simulator did not mark the order paid');
    }
    echo '  after paying: ' . $client->orderQuery(['out_trade_no' => $outTradeNo])['trade_state'] . "\n";

    echo "refund 5.00 of 12.00 (mutual TLS with apiclient_cert.p12)\n";
    $refund = $client->refund([
        'out_trade_no' => $outTradeNo,
        'out_refund_no' => "R$outTradeNo",
        'total_fee' => 1200,
        'refund_fee' => 500,
    ]);
    echo "  refund_id {$refund['refund_id']}\n";
    $status = $client->refundQuery(['out_trade_no' => $outTradeNo]);
    echo "  refund_status_0 {$status['refund_status_0']}\n";

    echo "query an order that does not exist\n";
    try {
        $client->orderQuery(['out_trade_no' => 'no-such-order']);
    } catch (BusinessException $e) {
        echo "  {$e->getErrCode()}: {$e->getErrCodeDes()}\n";
    }
} catch (WxPayException $e) {
    fwrite(STDERR, get_class($e) . " ({$e->getCodeName()}): {$e->getMessage()}\n");
    exit(1);
} finally {
    $client->close();
}

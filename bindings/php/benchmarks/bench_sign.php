<?php

/*
 * Signing a 16-field unified order: WxPay::sign through FFI beside a plain
 * PHP implementation (ksort, build the string, md5 / hash_hmac), MD5 and
 * HMAC-SHA256, in the same process. A benchmark, not a test.
 *
 *   WXPAY_LIBRARY=target/release/libwxpay.so php bindings/php/benchmarks/bench_sign.php [iterations]
 */

declare(strict_types=1);

require __DIR__ . '/../vendor/autoload.php';

use WxPay\SignType;
use WxPay\WxPay;

const KEY = '192006250b4c09247ec02edce69f6a2d';

/** @return array<string, string|int> */
function unified_order(): array
{
    return [
        'appid' => 'wxd930ea5d5a258f4f',
        'mch_id' => '10000100',
        'device_info' => 'WEB',
        'nonce_str' => 'ibuaiVcKdpRxkhJA',
        'body' => '腾讯充值中心-QQ会员充值',
        'detail' => '{"goods_detail":[{"goods_id":"iphone6s_16G","quantity":1,"price":528800}]}',
        'attach' => '深圳分店',
        'out_trade_no' => '20150806125346',
        'fee_type' => 'CNY',
        'total_fee' => 88,
        'spbill_create_ip' => '123.12.12.123',
        'time_start' => '20091225091010',
        'time_expire' => '20091227091010',
        'notify_url' => 'http://www.weixin.qq.com/wxpay/pay.php',
        'trade_type' => 'JSAPI',
        'openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    ];
}

/** What a PHP SDK does, written the usual way. */
function plain_sign(array $fields, string $key, string $type): string
{
    unset($fields['sign']);
    ksort($fields, SORT_STRING);
    $pairs = [];
    foreach ($fields as $name => $value) {
        if ($value !== '' && $value !== null) {
            $pairs[] = $name . '=' . $value;
        }
    }
    $text = implode('&', $pairs) . '&key=' . $key;
    return strtoupper($type === 'MD5' ? md5($text) : hash_hmac('sha256', $text, $key));
}

/** @return float nanoseconds per call, best of five rounds */
function measure(callable $fn, int $iterations): float
{
    $best = INF;
    for ($round = 0; $round < 5; $round++) {
        $start = hrtime(true);
        for ($i = 0; $i < $iterations; $i++) {
            $fn();
        }
        $best = min($best, (hrtime(true) - $start) / $iterations);
    }
    return $best;
}

$iterations = (int) ($argv[1] ?? 100000);
$order = unified_order();

printf("PHP %s, libwxpay %s, %d iterations x 5 rounds (best), 16 fields\n", PHP_VERSION, WxPay::version(), $iterations);
printf("%-12s %14s %14s %8s\n", 'algorithm', 'wxpay (ns)', 'plain PHP (ns)', 'ratio');
foreach ([['MD5', SignType::Md5], ['HMAC-SHA256', SignType::HmacSha256]] as [$name, $type]) {
    $ours = WxPay::sign($order, KEY, $type);
    $theirs = plain_sign($order, KEY, $name);
    if ($ours !== $theirs) {
        fwrite(STDERR, "$name: signatures differ: $ours vs $theirs\n");
        exit(1);
    }
    $wxpay = measure(static fn () => WxPay::sign($order, KEY, $type), $iterations);
    $plain = measure(static fn () => plain_sign($order, KEY, $name), $iterations);
    printf("%-12s %14.0f %14.0f %7.2fx\n", $name, $wxpay, $plain, $wxpay / $plain);
}

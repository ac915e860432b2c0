<?php

/*
 * Exercises every wrapper call, successes and failures, $argv[1] times; run
 * by valgrind.sh under valgrind to show that nothing libwxpay hands out is
 * left unfreed, on the error paths included.
 */

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

use WxPay\Exception\WxPayException;
use WxPay\FFI;
use WxPay\Internal\FieldsHandle;
use WxPay\SignType;
use WxPay\WxPay;

$iterations = (int) ($argv[1] ?? 100);
$key = '192006250b4c09247ec02edce69f6a2d';
$order = [
    'appid' => 'wxd930ea5d5a258f4f', 'mch_id' => '10000100', 'body' => '腾讯充值中心-QQ会员充值',
    'out_trade_no' => '20150806125346', 'total_fee' => 88, 'trade_type' => 'JSAPI', 'nonce_str' => 'ibuaiVcKdpRxkhJA',
];
$hostile = [
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>',
    '<root><a>1</a></root>', '<xml><a><b>1</b></a></xml>', '<xml><a>1</a><a>2</a></xml>',
    "<xml><a>\xFF</a></xml>", '<xml><a>1</a>', '<xml><a>&nbsp;</a></xml>',
];
$failures = 0;
$expectFailure = static function (callable $call) use (&$failures): void {
    try {
        $call();
    } catch (WxPayException) {
        $failures++;
        return;
    }
    throw new RuntimeException('a call that must fail succeeded');
};

for ($i = 0; $i < $iterations; $i++) {
    $signed = $order + ['sign' => WxPay::sign($order, $key, SignType::Md5)];
    $hmac = $order + ['sign_type' => 'HMAC-SHA256'];
    $hmac['sign'] = WxPay::sign($hmac, $key);
    WxPay::verify($signed, $key);
    WxPay::verify($hmac, $key, SignType::HmacSha256);
    $xml = WxPay::buildXml($signed);
    WxPay::parseXml($xml);
    WxPay::verifyXml($xml, $key);
    WxPay::nonce();

    $expectFailure(fn () => WxPay::sign($order, 'short'));
    $expectFailure(fn () => WxPay::sign($order + ['x' => "a\0b"], $key));
    $expectFailure(fn () => WxPay::sign($order + ['x' => 1.5], $key));
    $expectFailure(fn () => WxPay::verify(['total_fee' => '1'] + $signed, $key));
    $expectFailure(fn () => WxPay::verify($order, $key));
    $expectFailure(fn () => WxPay::verifyXml(str_replace('88', '1', $xml), $key));
    $expectFailure(fn () => WxPay::buildXml(['bad name' => '1']));
    $expectFailure(fn () => WxPay::parseXml(str_repeat('x', 2 * 1024 * 1024)));
    foreach ($hostile as $doc) {
        $expectFailure(fn () => WxPay::parseXml($doc));
        $expectFailure(fn () => WxPay::verifyXml($doc, $key));
    }

    // A handle dropped without free(): its destructor must release it.
    $ffi = FFI::instance();
    $out = $ffi->new('wxpay_fields *');
    $packed = "a\x001";
    $ffi->wxpay_fields_from_packed($packed, strlen($packed), 1, \FFI::addr($out));
    $handle = new FieldsHandle($ffi, $out);
    $handle->toArray();
    unset($handle);
}
echo "$iterations iterations, $failures expected failures\n";

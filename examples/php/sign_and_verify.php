<?php

/*
 * Signs a unified order, turns it into the XML body WeChat Pay expects, and
 * checks a signed answer the way a notify_url handler does.
 *
 *   cargo build --release
 *   WXPAY_LIBRARY=target/release/libwxpay.so php examples/php/sign_and_verify.php
 *
 * In a Composer project, `require 'vendor/autoload.php';` replaces the loader below.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $file = __DIR__ . '/../../bindings/php/src/' . str_replace('\\', '/', substr($class, strlen('WxPay\\'))) . '.php';
    if (str_starts_with($class, 'WxPay\\') && is_file($file)) {
        require $file;
    }
});

use WxPay\Exception\SignatureException;
use WxPay\Exception\XmlException;
use WxPay\SignType;
use WxPay\WxPay;

// Never hard-code the real key: read it from the environment or a secret store.
$apiKey = getenv('WXPAY_API_KEY') ?: '192006250b4c09247ec02edce69f6a2d';

$order = [
    'appid' => 'wxd930ea5d5a258f4f',
    'mch_id' => '10000100',
    'nonce_str' => WxPay::nonce(),
    'body' => '腾讯充值中心-QQ会员充值',
    'out_trade_no' => '20150806125346',
    'total_fee' => 88,                     // fen, as an int: sent as "88"
    'spbill_create_ip' => '123.12.12.123',
    'notify_url' => 'https://example.com/wxpay/notify',
    'trade_type' => 'JSAPI',
    'openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
    'sign_type' => 'HMAC-SHA256',
];
$order['sign'] = WxPay::sign($order, $apiKey);
$body = WxPay::buildXml($order);
echo "request body:\n$body\n\n";

// What a notify_url handler does with the POSTed body.
// (Here we play WeChat's side to have a body to check.)
$notice = ['return_code' => 'SUCCESS', 'result_code' => 'SUCCESS', 'out_trade_no' => '20150806125346', 'total_fee' => 88];
$notice['sign'] = WxPay::sign($notice, $apiKey, SignType::Md5);
$notification = WxPay::buildXml($notice);

$fields = WxPay::verifyXml($notification, $apiKey);
echo "verified notification for order {$fields['out_trade_no']}, {$fields['total_fee']} fen\n";

// A tampered or hostile body is an exception, never a half-trusted array.
foreach ([str_replace('88', '1', $notification), '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml>&e;</xml>'] as $bad) {
    try {
        WxPay::verifyXml($bad, $apiKey);
        throw new LogicException('a forged notification was accepted');
    } catch (SignatureException | XmlException $e) {
        echo 'refused: ', $e->getCodeName(), ': ', $e->getMessage(), "\n";
    }
}

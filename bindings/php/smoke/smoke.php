<?php

/*
 * The Composer package's smoke test (make test-dist): run in a new project
 * that installed the package, against the simulator named by WXPAY_SIM_URL
 * and WXPAY_SIM_DIR. Signs, verifies a signed response and refuses a changed
 * one, reverses an order over mutual TLS with the legacy .p12, refuses a
 * forged payment notification, and checks the library came from the
 * installed package.
 */

declare(strict_types=1);

require getcwd() . '/vendor/autoload.php';

use WxPay\Client;
use WxPay\Exception\SignatureException;
use WxPay\WxPay;

function env(string $name): string
{
    $value = getenv($name);
    if (!is_string($value) || $value === '') {
        fwrite(STDERR, "smoke.php: $name is not set\n");
        exit(2);
    }
    return $value;
}

[$url, $dir, $mchId, $appid, $key] = array_map('env', ['WXPAY_SIM_URL', 'WXPAY_SIM_DIR', 'WXPAY_SIM_MCH_ID', 'WXPAY_SIM_APPID', 'WXPAY_SIM_KEY']);
$failures = 0;
$tradeNo = 'SMOKE-PHP-' . getmypid() . '-' . time();

function check(bool $ok, string $what): void
{
    global $failures;
    echo ($ok ? 'ok   ' : 'FAIL ') . $what . "\n";
    $failures += $ok ? 0 : 1;
}

$order = ['appid' => $appid, 'mch_id' => $mchId, 'nonce_str' => '5K8264ILTKCH16CQ', 'total_fee' => '0', 'body' => 'smoke'];
$sorted = $order;
ksort($sorted);
$canonical = urldecode(http_build_query($sorted)) . '&key=' . $key;
check(WxPay::sign($order, $key) === strtoupper(md5($canonical)), 'sign (MD5) equals md5()');

$installed = realpath(getcwd() . '/vendor/wxpay/wxpay/lib/libwxpay.so');
$mapped = [];
foreach (file('/proc/self/maps') as $line) {
    if (str_contains($line, 'libwxpay')) {
        $mapped[trim(substr($line, strrpos($line, ' ')))] = true;
    }
}
check($installed !== false && array_keys($mapped) === [$installed], "the library loaded is the installed package's ($installed)");
check(getenv('WXPAY_LIBRARY') === false, 'no WXPAY_LIBRARY');

$response = $order + ['return_code' => 'SUCCESS'];
$response['sign'] = WxPay::sign($response, $key);
$xml = WxPay::buildXml($response);
check(WxPay::verifyXml($xml, $key)['total_fee'] === '0', 'verify a signed response');
try {
    WxPay::verifyXml(str_replace('<total_fee><![CDATA[0]]>', '<total_fee><![CDATA[1]]>', $xml), $key);
    check(false, 'a changed response is refused');
} catch (SignatureException) {
    check(true, 'a changed response is refused');
}

$client = new Client([
    'appid' => $appid, 'mch_id' => $mchId, 'api_key' => $key, 'host' => $url, 'proxy' => 'none',
    'root_ca_file' => "$dir/ca.pem", 'p12_file' => "$dir/apiclient_cert_legacy.p12",
]);
$placed = $client->unifiedOrder([
    'body' => 'smoke', 'out_trade_no' => $tradeNo, 'total_fee' => 1, 'spbill_create_ip' => '127.0.0.1',
    'notify_url' => 'https://127.0.0.1/n', 'trade_type' => 'NATIVE', 'product_id' => 'p1',
]);
check(($placed['prepay_id'] ?? '') !== '', 'pay/unifiedorder');
check(($client->reverse(['out_trade_no' => $tradeNo])['recall'] ?? '') === 'N', 'secapi/pay/reverse over mutual TLS (RC2-40 .p12)');
$forged = "<xml><appid>$appid</appid><mch_id>$mchId</mch_id><nonce_str>x</nonce_str>"
    . '<return_code>SUCCESS</return_code><result_code>SUCCESS</result_code>'
    . '<out_trade_no>SMOKE-PHP-1</out_trade_no><total_fee>1</total_fee>'
    . '<sign>0123456789ABCDEF0123456789ABCDEF</sign></xml>';
try {
    $client->paymentNotification($forged);
    check(false, 'a forged payment notification is refused');
} catch (SignatureException) {
    check(true, 'a forged payment notification is refused');
}
$client->close();

echo "smoke.php: $failures failed\n";
exit($failures === 0 ? 0 : 1);

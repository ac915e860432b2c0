<?php

/*
 * Exercises every wrapper call, successes and failures, $argv[1] times; run
 * by valgrind.sh under valgrind to show that nothing libwxpay hands out is
 * left unfreed, on the error paths included.
 */

declare(strict_types=1);

require __DIR__ . '/bootstrap.php';

use WxPay\Client;
use WxPay\Exception\ClientClosedException;
use WxPay\Exception\WxPayException;
use WxPay\FFI;
use WxPay\Internal\FieldsHandle;
use WxPay\Signer;
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
// Client requests go to the simulator with-sim.sh started, else to a closed port.
$simUrl = getenv('WXPAY_SIM_URL') ?: null;
$simDir = getenv('WXPAY_SIM_DIR') ?: null;

$certificate = makeCertificate();
register_shutdown_function(static function () use ($certificate): void {
    array_map('unlink', glob($certificate['dir'] . '/*') ?: []);
    rmdir($certificate['dir']);
});

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

    // Signers: every call, each failure, close, a dropped one, the static cache past its size.
    $signer = new Signer($key, SignType::Md5);
    $signer->sign($order);
    $signer->verify($signed);
    $signer->verifyXml($xml);
    $expectFailure(fn () => $signer->sign($order + ['x' => "a\0b"]));
    $expectFailure(fn () => $signer->sign($order + ['x' => 1.5]));
    $expectFailure(fn () => $signer->verify(['total_fee' => '1'] + $signed));
    $expectFailure(fn () => $signer->verifyXml(str_replace('88', '1', $xml)));
    $expectFailure(fn () => $signer->verifyXml($hostile[0]));
    $expectFailure(fn () => new Signer('short'));
    $signer->close();
    $dropped = new Signer($key, SignType::HmacSha256);
    $dropped->sign($order);
    unset($dropped);
    for ($k = 0; $k < WxPay::SIGNER_CACHE_SIZE + 2; $k++) {
        WxPay::sign($order, str_pad((string) $k, 32, 'k'), SignType::HmacSha256);
    }
    $expectFailure(fn () => WxPay::sign(['a' => "\xFF"], 'short'));
    WxPay::clearSignerCache();

    // A handle dropped without free(): its destructor must release it.
    $ffi = FFI::instance();
    $out = $ffi->new('wxpay_fields *');
    $xml = '<xml><a>1</a></xml>';
    $ffi->wxpay_xml_parse($xml, strlen($xml), 0, \FFI::addr($out));
    $handle = new FieldsHandle($ffi, $out);
    $handle->toArray();
    unset($handle);

    clientCalls($expectFailure, $simUrl, $simDir, $i);
    // Certificate loads are slow under valgrind (PBKDF2, RSA): every fifth
    // iteration, which still grows with the count when something leaks.
    if ($i % 5 === 0) {
        certificateCalls($expectFailure, $certificate);
    }
}
echo "$iterations iterations, $failures expected failures\n";

/**
 * Every client call: construction and its failures, requests that succeed
 * and fail in each way, downloads, a logger, close and drop.
 */
function clientCalls(callable $expectFailure, ?string $url, ?string $dir, int $i): void
{
    $logger = new class () {
        public int $lines = 0;

        public function log(string $level, string $message): void
        {
            $this->lines++;
        }
    };
    $base = ['appid' => 'wx2421b1c4370ec43b', 'mch_id' => '1900000109', 'api_key' => '192006250b4c09247ec02edce69f6a2d', 'backup_host' => 'none'];
    Client::endpointInfo('secapi/pay/refund');
    $expectFailure(fn () => Client::endpointInfo('pay/x?y'));
    $expectFailure(fn () => new Client(['api_key' => 'short'] + $base));
    $expectFailure(fn () => new Client($base + ['p12' => 'not a p12']));
    $expectFailure(fn () => new Client($base + ['unknown' => '1']));

    if ($url === null || $dir === null) {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $dead = 'https://' . stream_socket_get_name($socket, false) . '/';
        fclose($socket);
        $client = new Client($base + ['host' => $dead, 'log_level' => 'debug'], $logger);
        $expectFailure(fn () => $client->orderQuery(['out_trade_no' => "leak$i"]));
        $expectFailure(fn () => $client->downloadBill(['bill_date' => '20260101']));
        $expectFailure(fn () => $client->refund(['out_trade_no' => '1', 'out_refund_no' => '1', 'total_fee' => 1, 'refund_fee' => 1]));
        $client->close();
        return;
    }

    $options = $base + ['host' => $url, 'root_ca_file' => "$dir/ca.pem", 'log_level' => 'debug'];
    $expectFailure(fn () => new Client($options + ['p12_file' => "$dir/apiclient_cert.p12", 'p12_password' => 'wrong']));
    $expectFailure(fn () => new Client($options + ['p12_file' => "$dir/missing.p12"]));

    $client = new Client($options + ['p12_file' => "$dir/apiclient_cert_legacy.p12"], $logger);
    $no = 'leak' . bin2hex(random_bytes(6));
    $order = [
        'body' => 'leak check', 'out_trade_no' => $no, 'total_fee' => 10, 'spbill_create_ip' => '127.0.0.1',
        'notify_url' => 'https://127.0.0.1:9/n', 'trade_type' => 'NATIVE', 'product_id' => 'p',
    ];
    $client->unifiedOrder($order);
    $client->orderQuery(['out_trade_no' => $no]);
    $client->closeOrder(['out_trade_no' => $no]);
    $paid = 'leakpaid' . bin2hex(random_bytes(6));
    $client->microPay(['body' => 'x', 'out_trade_no' => $paid, 'total_fee' => 10, 'spbill_create_ip' => '127.0.0.1', 'auth_code' => '130000000000000000']);
    $client->refund(['out_trade_no' => $paid, 'out_refund_no' => "r$paid", 'total_fee' => 10, 'refund_fee' => 3]);
    $client->refundQuery(['out_trade_no' => $paid]);
    $date = (new DateTimeImmutable('now', new DateTimeZone('Asia/Shanghai')))->format('Ymd');
    $client->downloadBill(['bill_date' => $date, 'bill_type' => 'ALL', 'tar_type' => 'GZIP']);
    $expectFailure(fn () => $client->downloadBill(['bill_date' => '20000101']));
    foreach (['reset', 'http500', 'garbled', 'badsign', 'nosign', 'returnfail', 'systemerror'] as $kind) {
        $expectFailure(fn () => $client->unifiedOrder(['attach' => "sim:fault=$kind", 'out_trade_no' => "$no$kind"] + $order));
    }
    $expectFailure(fn () => $client->orderQuery(['out_trade_no' => 'no-such-order']));
    $expectFailure(fn () => $client->orderQuery(['out_trade_no' => "\xFF"]));
    $expectFailure(fn () => $client->request('pay/downloadbill', ['bill_date' => $date]));
    flowCalls($expectFailure, $client, $order, $date, $i);
    $client->close();
    try {
        $client->orderQuery(['out_trade_no' => $no]);
        throw new RuntimeException('a closed client answered');
    } catch (ClientClosedException) {
    }

    // Dropped without close(): the destructor frees it. No certificate: refused before the network.
    $plain = new Client($options);
    $expectFailure(fn () => $plain->reverse(['out_trade_no' => $no]));
    $plain->orderQuery(['out_trade_no' => $paid]);
    unset($plain);

    $timeout = new Client($options + ['timeout_ms' => 200, 'failover' => 'never']);
    $expectFailure(fn () => $timeout->unifiedOrder(['attach' => 'sim:fault=delay:1500', 'out_trade_no' => "{$no}d"] + $order));
    unset($timeout);

    if ($logger->lines === 0) {
        throw new RuntimeException('the logger heard nothing');
    }
}

/**
 * A certificate made now by PHP's openssl extension, as PEM text, as a
 * `.p12` and as files (the key's with loose permissions, which the library
 * warns about).
 *
 * @return array{dir: string, cert: string, key: string, p12: string}
 */
function makeCertificate(): array
{
    $key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
    $csr = openssl_csr_new(['commonName' => '1900000109'], $key, ['digest_alg' => 'sha256']);
    $x509 = openssl_csr_sign($csr, null, $key, 365, ['digest_alg' => 'sha256']);
    openssl_x509_export($x509, $cert);
    openssl_pkey_export($key, $keyPem);
    openssl_pkcs12_export($x509, $p12, $key, '1900000109');
    $dir = sys_get_temp_dir() . '/wxpay-leak-' . bin2hex(random_bytes(6));
    mkdir($dir, 0700);
    file_put_contents("$dir/cert.pem", $cert);
    file_put_contents("$dir/key.pem", $keyPem);
    chmod("$dir/key.pem", 0644);
    file_put_contents("$dir/cert.p12", $p12);
    chmod("$dir/cert.p12", 0600);
    return ['dir' => $dir, 'cert' => $cert, 'key' => $keyPem, 'p12' => $p12];
}

/** Certificate inspection, status, reload (and its refusals) and the MCC table. */
function certificateCalls(callable $expectFailure, array $c): void
{
    WxPay::certInfo($c['cert'], $c['key']);
    WxPay::certInfo($c['p12'], null, '1900000109');
    $expectFailure(fn () => WxPay::certInfo($c['p12'], null, 'wrong'));
    $expectFailure(fn () => WxPay::certInfo('garbage'));
    $expectFailure(fn () => WxPay::certInfo(''));
    WxPay::mccCategory(485);
    WxPay::mccCode('Food');
    WxPay::mccList();
    $expectFailure(fn () => WxPay::mccCategory(1));
    $expectFailure(fn () => WxPay::mccCode('nothing'));

    $base = ['appid' => 'wx2421b1c4370ec43b', 'mch_id' => '1900000109', 'api_key' => '192006250b4c09247ec02edce69f6a2d',
        'host' => 'https://127.0.0.1:9/', 'backup_host' => 'none'];
    $logger = new class () {
        public function log(string $level, string $message): void
        {
        }
    };
    $files = new Client($base + ['cert_file' => "{$c['dir']}/cert.pem", 'key_file' => "{$c['dir']}/key.pem"], $logger);
    $files->certStatus();
    $files->reloadCertificate();
    $p12 = new Client($base + ['p12_file' => "{$c['dir']}/cert.p12", 'certificate_check_interval_ms' => 1]);
    copy("{$c['dir']}/cert.p12", "{$c['dir']}/other.p12");
    file_put_contents("{$c['dir']}/cert.p12", 'garbage');
    $expectFailure(fn () => $p12->reloadCertificate());
    rename("{$c['dir']}/other.p12", "{$c['dir']}/cert.p12");
    $p12->reloadCertificate();
    $p12->certStatus();
    $bytes = new Client($base + ['p12' => $c['p12']]);
    $bytes->certStatus();
    $expectFailure(fn () => $bytes->reloadCertificate());
    $expectFailure(fn () => new Client($base + ['cert_file' => "{$c['dir']}/cert.pem", 'key_file' => "{$c['dir']}/key.pem", 'strict_permissions' => 'true']));
    $files->close();
    unset($p12, $bytes);
}

/**
 * The merchant flows: notifications (genuine bodies made by signing, forged
 * ones refused), refund decryption failures, pay parameters, micropay with
 * its steps table, bills as tables.
 */
function flowCalls(callable $expectFailure, Client $client, array $order, string $date, int $i): void
{
    $key = '192006250b4c09247ec02edce69f6a2d';
    $notification = ['return_code' => 'SUCCESS', 'result_code' => 'SUCCESS', 'appid' => 'wx2421b1c4370ec43b', 'mch_id' => '1900000109',
        'nonce_str' => 'n' . $i, 'out_trade_no' => "leak$i", 'total_fee' => '10', 'transaction_id' => "42000$i"];
    $notification['sign'] = WxPay::sign($notification, $key);
    $client->paymentNotification(WxPay::buildXml($notification));
    $expectFailure(fn () => $client->paymentNotification(WxPay::buildXml(['total_fee' => '1'] + $notification)));
    $expectFailure(fn () => $client->paymentNotification(WxPay::buildXml(['return_code' => 'FAIL', 'return_msg' => 'x'])));
    $expectFailure(fn () => $client->refundNotification(WxPay::buildXml(['return_code' => 'SUCCESS', 'appid' => 'wx2421b1c4370ec43b', 'mch_id' => '1900000109', 'req_info' => 'AAAA'])));
    $expectFailure(fn () => $client->refundNotification(WxPay::buildXml(['return_code' => 'SUCCESS', 'appid' => 'wx2421b1c4370ec43b', 'mch_id' => '1900000109', 'req_info' => '*'])));
    WxPay::notifyReply(true);
    WxPay::notifyReply(false, 'later');
    $client->jsapiParameters('wx2014', null, 1414561699, 'n');
    $client->appParameters('wx2014');
    $fast = ['poll_interval_ms' => 5, 'poll_deadline_ms' => 500, 'reverse_interval_ms' => 5];
    $micro = ['body' => 'x', 'total_fee' => 10, 'spbill_create_ip' => '127.0.0.1'];
    $client->microPayFlow($micro + ['out_trade_no' => 'leakm' . bin2hex(random_bytes(6)), 'auth_code' => '134600000000000001'], $fast);
    $client->microPayFlow($micro + ['out_trade_no' => 'leakm' . bin2hex(random_bytes(6)), 'auth_code' => '134000000000000001'], $fast);
    $expectFailure(fn () => $client->microPayFlow(['body' => 'x'], $fast));
    $bill = $client->downloadBillTable(['bill_date' => $date, 'bill_type' => 'ALL']);
    WxPay::parseBill($client->downloadBill(['bill_date' => $date, 'bill_type' => 'ALL', 'tar_type' => 'GZIP']));
    $expectFailure(fn () => WxPay::parseBill('not a bill'));
    $expectFailure(fn () => $client->downloadBillTable(['bill_date' => '20000101']));
}

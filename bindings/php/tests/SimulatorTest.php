<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Client;
use WxPay\Exception\BusinessException;
use WxPay\Exception\CertificateException;
use WxPay\Exception\ClientClosedException;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\ProtocolException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\TransportException;
use WxPay\Exception\WxPayException;
use WxPay\Exception\XmlException;
use WxPay\ResultCode;
use WxPay\Retry;
use WxPay\SignType;
use WxPay\WxPay;

/**
 * The client against the real simulator over real TLS on loopback:
 * requests, mutual TLS with every certificate form, every fault it injects,
 * certificate failures, an untrusted server.
 */
final class SimulatorTest extends TestCase
{
    private Simulator $sim;

    protected function setUp(): void
    {
        if (Simulator::binary() === null) {
            $this->markTestSkipped('wxpay-sim is not built: run `cargo build --release --features sim` in the repository root (or set WXPAY_SIM)');
        }
        $this->sim = Simulator::shared();
    }

    private function client(array $more = [], ?object $logger = null): Client
    {
        return new Client($this->sim->options($more), $logger);
    }

    /** A unique order number, so tests never see each other's orders. */
    private static function orderNo(): string
    {
        return 'php' . bin2hex(random_bytes(8));
    }

    /** @return array<string, string|int> */
    private static function order(string $no, int $fee = 101): array
    {
        return [
            'body' => 'wxpay PHP 测试', 'out_trade_no' => $no, 'total_fee' => $fee, 'spbill_create_ip' => '127.0.0.1',
            'notify_url' => 'https://127.0.0.1:9/notify', 'trade_type' => 'NATIVE', 'product_id' => 'p1',
        ];
    }

    /** Places and pays an order; returns its number. */
    private function paidOrder(Client $client, int $fee = 101): string
    {
        $no = self::orderNo();
        $client->unifiedOrder(self::order($no, $fee));
        $this->sim->pay($no);
        return $no;
    }

    private static function today(): string
    {
        // The simulator keeps Beijing dates, as WeChat does.
        return (new \DateTimeImmutable('now', new \DateTimeZone('Asia/Shanghai')))->format('Ymd');
    }

    public function testUnifiedOrderQueryAndClose(): void
    {
        $logger = new RecordingLogger();
        $client = $this->client([], $logger);
        $no = self::orderNo();
        $placed = $client->unifiedOrder(self::order($no));
        $this->assertSame('SUCCESS', $placed['return_code']);
        $this->assertSame('SUCCESS', $placed['result_code']);
        $this->assertSame(Simulator::APPID, $placed['appid']);
        $this->assertNotEmpty($placed['prepay_id']);
        $this->assertNotEmpty($placed['code_url']);
        $this->assertArrayHasKey('sign', $placed);

        $queried = $client->orderQuery(['out_trade_no' => $no]);
        $this->assertSame('NOTPAY', $queried['trade_state']);
        $this->assertSame('101', $queried['total_fee']);

        $closed = $client->closeOrder(['out_trade_no' => $no]);
        $this->assertSame('SUCCESS', $closed['result_code']);
        $this->assertSame('CLOSED', $client->request('/pay/orderquery', ['out_trade_no' => $no])['trade_state']);
        $this->assertStringContainsString('pay/unifiedorder: SUCCESS', $logger->text());
    }

    public function testHmacSha256Responses(): void
    {
        $client = $this->client(['sign_type' => 'HMAC-SHA256']);
        $no = self::orderNo();
        $placed = $client->unifiedOrder(self::order($no));
        $this->assertSame(64, strlen($placed['sign']));
        $this->assertSame($no, $client->orderQuery(['out_trade_no' => $no, 'sign_type' => 'MD5'])['out_trade_no']);
    }

    public function testMicroPayAndReverse(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $pay = fn (string $no, string $code) => $client->microPay([
            'body' => 'x', 'out_trade_no' => $no, 'total_fee' => 1, 'spbill_create_ip' => '127.0.0.1', 'auth_code' => $code,
        ]);
        $no = self::orderNo();
        $this->assertSame('SUCCESS', $pay($no, '130000000000000000')['result_code']);
        $this->assertSame('SUCCESS', $client->orderQuery(['out_trade_no' => $no])['trade_state']);

        // 1347...: the customer never confirms, so the merchant reverses.
        $waiting = self::orderNo();
        $e = $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL, fn () => $pay($waiting, '134700000000000000'));
        $this->assertSame('USERPAYING', $e->getErrCode());
        $this->assertSame(Retry::Retryable, $e->getRetry());
        $this->assertSame('SUCCESS', $client->reverse(['out_trade_no' => $waiting])['result_code']);
    }

    /** @return iterable<string, array{callable(Simulator): array<string, mixed>}> */
    public static function certificates(): iterable
    {
        yield 'p12 file (AES, PBKDF2)' => [fn (Simulator $s) => ['p12_file' => $s->file('apiclient_cert.p12')]];
        yield 'p12 file, legacy RC2-40' => [fn (Simulator $s) => ['p12_file' => $s->file('apiclient_cert_legacy.p12'), 'p12_password' => Simulator::MCH_ID]];
        yield 'p12 bytes' => [fn (Simulator $s) => ['p12' => file_get_contents($s->file('apiclient_cert.p12'))]];
        yield 'p12 bytes, legacy, int password' => [fn (Simulator $s) => ['p12' => file_get_contents($s->file('apiclient_cert_legacy.p12')), 'p12_password' => (int) Simulator::MCH_ID]];
        yield 'PEM files, PKCS#8 key' => [fn (Simulator $s) => ['cert_file' => $s->file('apiclient_cert.pem'), 'key_file' => $s->file('apiclient_key.pem')]];
        yield 'PEM files, PKCS#1 key' => [fn (Simulator $s) => ['cert_file' => $s->file('apiclient_cert.pem'), 'key_file' => $s->file('apiclient_key_pkcs1.pem')]];
        yield 'PEM text, PKCS#8 key' => [fn (Simulator $s) => ['cert' => file_get_contents($s->file('apiclient_cert.pem')), 'key' => file_get_contents($s->file('apiclient_key.pem'))]];
        yield 'PEM text, PKCS#1 key' => [fn (Simulator $s) => ['cert' => file_get_contents($s->file('apiclient_cert.pem')), 'key' => file_get_contents($s->file('apiclient_key_pkcs1.pem'))]];
        yield 'root CA as text' => [fn (Simulator $s) => ['p12_file' => $s->file('apiclient_cert.p12'), 'root_ca_file' => null, 'root_ca' => file_get_contents($s->file('ca.pem'))]];
    }

    /**
     * @dataProvider certificates
     * @param callable(Simulator): array<string, mixed> $certificate
     */
    public function testRefundOverMutualTls(callable $certificate): void
    {
        $options = $certificate($this->sim);
        $client = new Client(array_merge($this->sim->options(), $options));
        $no = $this->paidOrder($client, 300);
        $refund = $client->refund(['out_trade_no' => $no, 'out_refund_no' => "r$no", 'total_fee' => 300, 'refund_fee' => 120]);
        $this->assertSame('SUCCESS', $refund['result_code']);
        $this->assertSame('120', $refund['refund_fee']);
        $this->assertNotEmpty($refund['refund_id']);
        $query = $client->refundQuery(['out_trade_no' => $no]);
        $this->assertSame("r$no", $query['out_refund_no_0']);
    }

    public function testACertificateEndpointWithoutCertificate(): void
    {
        $client = $this->client();
        $no = $this->paidOrder($client);
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_REQUIRED, fn () => $client->refund([
            'out_trade_no' => $no, 'out_refund_no' => "r$no", 'total_fee' => 101, 'refund_fee' => 1,
        ]));
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_REQUIRED, fn () => $client->downloadFundFlow([
            'bill_date' => self::today(), 'account_type' => 'Basic',
        ]));
    }

    public function testCertificateFailures(): void
    {
        $p12 = (string) file_get_contents($this->sim->file('apiclient_cert.p12'));
        $legacy = (string) file_get_contents($this->sim->file('apiclient_cert_legacy.p12'));
        $cert = (string) file_get_contents($this->sim->file('apiclient_cert.pem'));
        $otherKey = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
        $this->assertNotFalse($otherKey);
        $this->assertTrue(openssl_pkey_export($otherKey, $otherKeyPem));

        $cases = [
            [ResultCode::CERTIFICATE_PASSWORD, ['p12' => $p12, 'p12_password' => 'wrong-password']],
            [ResultCode::CERTIFICATE_PASSWORD, ['p12_file' => $this->sim->file('apiclient_cert_legacy.p12'), 'p12_password' => '1900000108']],
            [ResultCode::CERTIFICATE_CORRUPT, ['p12' => substr($p12, 0, intdiv(strlen($p12), 2))]],
            [ResultCode::CERTIFICATE_CORRUPT, ['p12' => substr($legacy, 0, 40)]],
            [ResultCode::CERTIFICATE_KEY_MISMATCH, ['cert' => $cert, 'key' => $otherKeyPem]],
            [ResultCode::CERTIFICATE_CORRUPT, ['cert' => $cert, 'key' => substr($otherKeyPem, 0, 200)]],
        ];
        foreach ($cases as $i => [$code, $certificate]) {
            $e = $this->assertFails(CertificateException::class, $code, fn () => $this->client($certificate));
            $this->assertStringNotContainsString('wrong-password', $e->getMessage(), "case $i");
        }
    }

    public function testAnUntrustedServerIsATlsFailure(): void
    {
        // Without the simulator's CA only the system's CAs are trusted.
        $client = $this->client(['root_ca_file' => null]);
        $this->assertFails(CertificateException::class, ResultCode::TLS, fn () => $client->orderQuery(['out_trade_no' => self::orderNo()]));
        // A CA that did not sign the server certificate: the merchant CA.
        $client = $this->client(['root_ca_file' => $this->sim->file('client_ca.pem')]);
        $this->assertFails(CertificateException::class, ResultCode::TLS, fn () => $client->orderQuery(['out_trade_no' => self::orderNo()]));
    }

    /** @return iterable<string, array{string, class-string<WxPayException>, int}> */
    public static function faults(): iterable
    {
        yield 'reset' => ['reset', TransportException::class, ResultCode::TRANSPORT];
        yield 'http500' => ['http500', TransportException::class, ResultCode::HTTP_STATUS];
        yield 'garbled' => ['garbled', XmlException::class, ResultCode::XML_MALFORMED];
        yield 'badsign' => ['badsign', SignatureException::class, ResultCode::SIGNATURE_MISMATCH];
        yield 'nosign' => ['nosign', SignatureException::class, ResultCode::SIGNATURE_MISSING];
        yield 'returnfail' => ['returnfail', ProtocolException::class, ResultCode::PROTOCOL_FAIL];
        yield 'systemerror' => ['systemerror', BusinessException::class, ResultCode::BUSINESS_FAIL];
    }

    /**
     * @dataProvider faults
     * @param class-string<WxPayException> $class
     */
    public function testInjectedFaultsBecomeTypedExceptions(string $kind, string $class, int $code): void
    {
        $logger = new RecordingLogger();
        $client = $this->client([], $logger);
        $no = self::orderNo();
        $client->unifiedOrder(self::order($no));
        $this->sim->fault($kind, 'pay/orderquery');
        $e = $this->assertFails($class, $code, fn () => $client->orderQuery(['out_trade_no' => $no]));
        if ($e instanceof ProtocolException) {
            $this->assertNotEmpty($e->getReturnMsg());
            $this->assertSame('FAIL', $e->getResponse()['return_code']);
        } elseif ($e instanceof BusinessException) {
            $this->assertSame('SYSTEMERROR', $e->getErrCode());
            $this->assertSame(Retry::Retryable, $e->getRetry());
            $this->assertNotEmpty($e->getErrCodeDes());
            $this->assertSame('SUCCESS', $e->getResponse()['return_code']);
        } else {
            $this->assertNull($e->getResponse());
        }
        $this->assertStringContainsString('pay/orderquery: failed', $logger->text());
        // The fault is used up: the next request succeeds on the same client.
        $this->assertSame($no, $client->orderQuery(['out_trade_no' => $no])['out_trade_no']);
    }

    public function testAFaultByAttachField(): void
    {
        $client = $this->client();
        $order = self::order(self::orderNo()) + ['attach' => 'sim:fault=systemerror'];
        $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL, fn () => $client->unifiedOrder($order));
    }

    public function testRequestsGoThroughTheConfiguredProxy(): void
    {
        // Nothing listens on the proxy's port: the request fails there, though the simulator is up.
        $client = $this->client(['proxy' => 'http://127.0.0.1:9']);
        try {
            $client->orderQuery(['out_trade_no' => self::orderNo()]);
            $this->fail('the request did not go to the proxy');
        } catch (TransportException $e) {
            $this->assertSame(5, intdiv($e->getCode(), 100), $e->getMessage());
        }
        $client = $this->client(['proxy' => 'none']);
        $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL, fn () => $client->orderQuery(['out_trade_no' => self::orderNo()]));
    }

    public function testADelayBeyondTheTimeout(): void
    {
        $client = $this->client(['timeout_ms' => 300, 'failover' => 'never']);
        $this->sim->fault('delay', 'pay/orderquery', 1, 5000);
        $this->assertFails(TransportException::class, ResultCode::TIMEOUT, fn () => $client->orderQuery(['out_trade_no' => self::orderNo()]));
    }

    public function testABusinessFailureCarriesTheResponse(): void
    {
        $client = $this->client();
        $e = $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL, fn () => $client->orderQuery(['out_trade_no' => self::orderNo()]));
        $this->assertSame('ORDERNOTEXIST', $e->getErrCode());
        $this->assertSame(Retry::Final, $e->getRetry());
        $this->assertSame(Simulator::MCH_ID, $e->getResponse()['mch_id']);
    }

    public function testDownloadBills(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $this->paidOrder($client, 555);
        $bill = $client->downloadBill(['bill_date' => self::today(), 'bill_type' => 'ALL']);
        $this->assertStringContainsString('5.55', $bill);
        $gzip = $client->download('pay/downloadbill', ['bill_date' => self::today(), 'bill_type' => 'ALL', 'tar_type' => 'GZIP']);
        $this->assertSame($bill, $gzip, 'a gzip bill arrives unpacked');
        $flow = $client->downloadFundFlow(['bill_date' => self::today(), 'account_type' => 'Basic']);
        $this->assertNotSame('', $flow);
        $e = $this->assertFails(ProtocolException::class, ResultCode::PROTOCOL_FAIL, fn () => $client->downloadBill(['bill_date' => '20000101', 'bill_type' => 'ALL']));
        $this->assertSame('No Bill Exist', $e->getReturnMsg());
    }

    public function testReportAndTransfers(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $report = $client->report([
            'interface_url' => 'https://api.mch.weixin.qq.com/pay/unifiedorder', 'execute_time_' => 1000,
            'return_code' => 'SUCCESS', 'result_code' => 'SUCCESS', 'user_ip' => '127.0.0.1',
        ]);
        $this->assertSame('SUCCESS', $report['return_code']);
        $transfer = $client->transfers([
            'partner_trade_no' => self::orderNo(), 'openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'check_name' => 'NO_CHECK',
            'amount' => 100, 'desc' => 'test', 'spbill_create_ip' => '127.0.0.1',
        ]);
        $this->assertSame('SUCCESS', $transfer['result_code']);
        $this->assertNotEmpty($transfer['payment_no']);
    }

    public function testARedPacketAndItsNestedReceipt(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $billno = self::orderNo();
        $packet = [
            'mch_billno' => $billno, 'send_name' => 'shop', 're_openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'total_amount' => 150,
            'total_num' => 1, 'wishing' => 'thanks', 'client_ip' => '127.0.0.1', 'act_name' => 'launch', 'remark' => 'r',
        ];
        $sent = $client->sendRedPack($packet);
        $this->assertSame($billno, $sent['mch_billno']);
        $this->assertSame(32, strlen($sent['send_listid']));
        $info = $client->getHbInfo(['mch_billno' => $billno, 'bill_type' => 'MCHT']);
        $this->assertSame('RECEIVED', $info['status']);
        // WeChat nests the receipt as <hblist><hbinfo>...; it comes out as numbered fields.
        $this->assertSame('oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', $info['openid_0']);
        $this->assertSame('150', $info['amount_0']);
        $this->assertArrayNotHasKey('openid_1', $info);
        $this->assertArrayNotHasKey('hblist', $info);
        $e = $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL,
            fn () => $client->sendRedPack(['mch_billno' => self::orderNo(), 'total_amount' => 50] + $packet));
        $this->assertSame('MONEY_LIMIT', $e->getErrCode());
        $this->assertSame(Retry::Final, $e->getRetry());
    }

    public function testAMiniProgramRedPacketIsOpenedWithItsPackage(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $package = $client->sendMiniProgramHb([
            'mch_billno' => self::orderNo(), 'send_name' => 'shop', 're_openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o', 'total_amount' => 100,
            'total_num' => 1, 'wishing' => 'thanks', 'act_name' => 'launch', 'remark' => 'r', 'notify_way' => 'MINI_PROGRAM_JSAPI',
        ])['package'];
        $this->assertStringStartsWith('sendid=', $package);
        $params = $client->redPacketParameters($package, null, 1490840662, 'n1');
        $this->assertSame(['timeStamp', 'nonceStr', 'package', 'signType', 'paySign'], array_keys($params));
        $this->assertSame(urlencode($package), $params['package']);
        $this->assertSame('MD5', $params['signType']);
        $signed = ['appId' => Simulator::APPID, 'timeStamp' => '1490840662', 'nonceStr' => 'n1', 'package' => $params['package']];
        $this->assertSame(WxPay::sign($signed, Simulator::KEY, 'MD5'), $params['paySign']);
    }

    public function testACouponIsSentAndQueried(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $sent = $client->sendCoupon(['coupon_stock_id' => '1757', 'openid_count' => 1, 'partner_trade_no' => self::orderNo(), 'openid' => 'oUser1']);
        $this->assertSame('SUCCESS', $sent['ret_code']);
        $this->assertSame(10, strlen($sent['coupon_id']));
        $this->assertSame('100', $client->queryCouponStock(['coupon_stock_id' => '1757'])['coupon_value']);
        $info = $client->queryCouponsInfo(['coupon_id' => $sent['coupon_id'], 'openid' => 'oUser1', 'stock_id' => '1757']);
        $this->assertSame('SENDED', $info['coupon_state']);
        $e = $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL,
            fn () => $client->queryCouponsInfo(['coupon_id' => $sent['coupon_id'], 'openid' => 'oOther', 'stock_id' => '1757']));
        $this->assertSame('COUPON_NOT_EXIST', $e->getErrCode());
        $this->assertSame('代金券不存在', $e->getResponse()['err_code_des']);
    }

    public function testProfitSharingSplitsAPaidOrder(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $transactionId = $client->orderQuery(['out_trade_no' => $this->paidOrder($client, 300)])['transaction_id'];
        $amount = $client->profitSharingOrderAmountQuery(['transaction_id' => $transactionId]);
        $this->assertSame('300', $amount['unsplit_amount']);
        $this->assertArrayNotHasKey('appid', $amount);
        $receiver = '{"type":"MERCHANT_ID","account":"190001001","name":"示例商户全称","relation_type":"STORE_OWNER"}';
        $this->assertSame($receiver, $client->profitSharingAddReceiver(['receiver' => $receiver])['receiver']);
        $orderNo = self::orderNo();
        $split = $client->multiProfitSharing([
            'transaction_id' => $transactionId, 'out_order_no' => $orderNo,
            'receivers' => '[{"type":"MERCHANT_ID","account":"190001001","amount":120,"description":"分到商户"}]',
        ]);
        $query = $client->profitSharingQuery(['transaction_id' => $transactionId, 'out_order_no' => $orderNo]);
        $this->assertSame($split['order_id'], $query['order_id']);
        $this->assertSame(120, json_decode($query['receivers'], true)[0]['amount']);
        $this->assertSame('180', $client->profitSharingOrderAmountQuery(['transaction_id' => $transactionId])['unsplit_amount']);
        $back = $client->profitSharingReturn([
            'order_id' => $split['order_id'], 'out_return_no' => self::orderNo(), 'return_account_type' => 'MERCHANT_ID',
            'return_account' => '190001001', 'return_amount' => 20, 'description' => 'refund to the buyer',
        ]);
        $this->assertSame('SUCCESS', $back['result']);
        $found = $client->profitSharingReturnQuery(['out_order_no' => $orderNo, 'out_return_no' => $back['out_return_no']]);
        $this->assertSame($back['return_no'], $found['return_no']);
        $client->profitSharing([
            'transaction_id' => $transactionId, 'out_order_no' => self::orderNo(),
            'receivers' => '[{"type":"MERCHANT_ID","account":"190001001","amount":80,"description":"x"}]',
        ]);
        $this->assertSame('0', $client->profitSharingOrderAmountQuery(['transaction_id' => $transactionId])['unsplit_amount']);
        $client->profitSharingRemoveReceiver(['receiver' => $receiver]);
        $other = $client->orderQuery(['out_trade_no' => $this->paidOrder($client)])['transaction_id'];
        $e = $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL, fn () => $client->profitSharing([
            'transaction_id' => $other, 'out_order_no' => self::orderNo(),
            'receivers' => '[{"type":"MERCHANT_ID","account":"190001001","amount":10,"description":"x"}]',
        ]));
        $this->assertSame('RECEIVER_INVALID', $e->getErrCode());
        $this->assertSame(Retry::Final, $e->getRetry());
        $client->profitSharingFinish(['transaction_id' => $other, 'out_order_no' => self::orderNo(), 'amount' => 101, 'description' => 'done']);
        $this->assertSame('0', $client->profitSharingOrderAmountQuery(['transaction_id' => $other])['unsplit_amount']);
    }

    public function testPayBankEncryptsAndQueryBankFindsIt(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $no = self::orderNo();
        // The simulator answers SUCCESS only after decrypting both fields with its key.
        $paid = $client->payBank([
            'partner_trade_no' => $no, 'bank_no' => '6225880137250000', 'true_name' => '张三',
            'bank_code' => '1001', 'amount' => 50000, 'desc' => 'payout',
        ]);
        $this->assertSame('SUCCESS', $paid['result_code']);
        $this->assertSame('50000', $paid['amount']);
        $query = $client->queryBank(['partner_trade_no' => $no]);
        $this->assertSame($paid['payment_no'], $query['payment_no']);
        $this->assertSame(md5('6225880137250000'), $query['bank_no_md5']);
        $this->assertSame(md5('张三'), $query['true_name_md5']);
        $this->assertFails(InvalidInputException::class, ResultCode::MISSING_FIELD, fn () => $client->payBank(['partner_trade_no' => $no, 'true_name' => '张三']));
    }

    public function testBadInputAgainstTheServer(): void
    {
        $client = $this->client();
        $no = self::orderNo();
        foreach ([null, 1.5, true, ['x'], new \stdClass()] as $value) {
            $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->unifiedOrder(['attach' => $value] + self::order($no)));
        }
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => $client->unifiedOrder(['attach' => "\xC0\xAF"] + self::order($no)));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_FIELD_VALUE, fn () => $client->unifiedOrder(['attach' => "bell\x07"] + self::order($no)));
        // Over the simulator's 2 MiB body limit: it answers 413 and closes,
        // possibly while the body is still being written, so the client sees
        // either the status or the broken connection; both are transport failures.
        $huge = ['attach' => str_repeat('长', 1 << 20)] + self::order($no);
        try {
            $client->unifiedOrder($huge);
            $this->fail('a 3 MiB request went through');
        } catch (TransportException $e) {
            $this->assertContains($e->getCode(), [ResultCode::HTTP_STATUS, ResultCode::TRANSPORT], $e->getMessage());
        }
        // Ints are their exact decimal text; nothing went through above. A
        // fresh client: the server closed the connection the last one may reuse.
        $client = $this->client();
        $placed = $client->unifiedOrder(self::order($no, 2147483647));
        $this->assertSame('SUCCESS', $placed['result_code']);
        $this->assertSame('2147483647', $client->orderQuery(['out_trade_no' => $no])['total_fee']);
    }

    public function testSecretsNeverReachTheLogger(): void
    {
        // A p12 under a password that is not the mch_id, so it can be looked for.
        $password = 'p12-Secret-' . bin2hex(random_bytes(4));
        $cert = (string) file_get_contents($this->sim->file('apiclient_cert.pem'));
        $key = (string) file_get_contents($this->sim->file('apiclient_key.pem'));
        $this->assertTrue(openssl_pkcs12_export($cert, $p12, $key, $password));
        $logger = new RecordingLogger();
        $client = $this->client(['p12' => $p12, 'p12_password' => $password, 'log_level' => 'debug'], $logger);
        $no = $this->paidOrder($client);
        $client->refund(['out_trade_no' => $no, 'out_refund_no' => "r$no", 'total_fee' => 101, 'refund_fee' => 1]);
        $this->sim->fault('badsign', 'pay/orderquery');
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => $client->orderQuery(['out_trade_no' => $no]));
        $messages = [];
        foreach ([['p12_password' => 'wrong'], ['api_key' => strrev(self::KEY)]] as $bad) {
            try {
                $this->client($bad + ['p12' => $p12, 'p12_password' => $password, 'log_level' => 'debug'], $logger)->orderQuery(['out_trade_no' => $no]);
            } catch (WxPayException $e) {
                $messages[] = $e->getMessage();
            }
        }
        $this->assertCount(2, $messages);
        $text = $logger->text();
        $this->assertStringContainsString('merchant certificate loaded', $text);
        $this->assertStringContainsString('secapi/pay/refund: SUCCESS', $text);
        foreach ([self::KEY, strrev(self::KEY), $password] as $secret) {
            $this->assertStringNotContainsString($secret, $text);
            $this->assertStringNotContainsString($secret, implode("\n", $messages));
        }
    }

    public function testDroppingAClientFreesItAndCloseIsFinal(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $no = self::orderNo();
        $client->unifiedOrder(self::order($no));
        $client->close();
        $client->close();
        $this->expectException(ClientClosedException::class);
        $client->orderQuery(['out_trade_no' => $no]);
    }

    public function testAClientMadeAfterAForkWorksInTheChild(): void
    {
        if (!function_exists('pcntl_fork')) {
            $this->markTestSkipped('pcntl is not available');
        }
        $no = self::orderNo();
        $this->client()->unifiedOrder(self::order($no));
        $pid = pcntl_fork();
        if ($pid === 0) {
            // The child: a client of its own, as PHP-FPM workers must make.
            $ok = false;
            try {
                $ok = $this->client()->orderQuery(['out_trade_no' => $no])['out_trade_no'] === $no;
            } catch (\Throwable) {
            }
            posix_kill(posix_getpid(), $ok ? SIGUSR1 : SIGUSR2);
        }
        pcntl_waitpid($pid, $status);
        $this->assertTrue(pcntl_wifsignaled($status));
        $this->assertSame(SIGUSR1, pcntl_wtermsig($status), 'the child could not use a client made after the fork');
    }
}

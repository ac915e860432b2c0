<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Client;
use WxPay\Exception\BusinessException;
use WxPay\Exception\CertificateException;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\ProtocolException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\XmlException;
use WxPay\MicroPayState;
use WxPay\ResultCode;
use WxPay\SignType;
use WxPay\WxPay;

/**
 * The merchant flows of issue #4 against the simulator: notifications
 * delivered to examples/php/notify/endpoint.php under `php -S` and verified
 * there, forged ones refused, refund notifications decrypted, pay
 * parameters, the micropay flow, the sandbox, bills as arrays.
 */
final class FlowsTest extends TestCase
{
    private Simulator $sim;
    private static ?NotifyServer $server = null;

    protected function setUp(): void
    {
        if (Simulator::binary() === null) {
            $this->markTestSkipped('wxpay-sim is not built: run `cargo build --release --features sim` in the repository root (or set WXPAY_SIM)');
        }
        $this->sim = Simulator::shared();
        self::$server ??= NotifyServer::start([
            'WXPAY_MCH_ID' => Simulator::MCH_ID, 'WXPAY_APPID' => Simulator::APPID, 'WXPAY_API_KEY' => Simulator::KEY,
        ]);
    }

    public static function tearDownAfterClass(): void
    {
        self::$server?->stop();
        self::$server = null;
    }

    private function client(array $more = []): Client
    {
        return new Client($this->sim->options($more));
    }

    private static function orderNo(): string
    {
        return 'phpf' . bin2hex(random_bytes(8));
    }

    /** @return array<string, string|int> */
    private static function order(string $no, string $notifyUrl, int $fee = 101): array
    {
        return [
            'body' => 'wxpay PHP flows', 'out_trade_no' => $no, 'total_fee' => $fee, 'spbill_create_ip' => '127.0.0.1',
            'notify_url' => $notifyUrl, 'trade_type' => 'NATIVE', 'product_id' => 'p1',
        ];
    }

    /** Pays an order with a notify_url at the endpoint; returns the recorded notification. */
    private function paidNotification(Client $client, string $no): array
    {
        $client->unifiedOrder(self::order($no, self::$server->url . '/notify/pay'));
        $this->sim->pay($no);
        return self::$server->waitFor(static fn (array $r): bool => ($r['fields']['out_trade_no'] ?? null) === $no)[0];
    }

    public function testAPaymentNotificationIsVerifiedAndAnsweredByTheEndpoint(): void
    {
        $client = $this->client();
        $no = self::orderNo();
        $record = $this->paidNotification($client, $no);
        $this->assertTrue($record['verified']);
        $this->assertTrue($record['paid']);
        $this->assertSame('101', $record['fields']['total_fee']);
        $this->assertSame(Simulator::MCH_ID, $record['fields']['mch_id']);
        // The verified body, checked here again, gives the same fields and a SUCCESS reply.
        $again = $client->paymentNotification($record['body']);
        $this->assertSame($record['fields'], $again->fields);
        $this->assertSame(['return_code' => 'SUCCESS', 'return_msg' => 'OK'], WxPay::parseXml($again->reply));
        $this->assertSame('FAIL', WxPay::parseXml(WxPay::notifyReply(false, '稍后再试'))['return_code']);
        $this->assertSame('稍后再试', WxPay::parseXml(WxPay::notifyReply(false, '稍后再试'))['return_msg']);
    }

    public function testForgedPaymentNotificationsAreRefused(): void
    {
        $client = $this->client();
        $body = $this->paidNotification($client, self::orderNo())['body'];
        $fields = WxPay::parseXml($body);

        $tampered = WxPay::buildXml(['total_fee' => '1'] + $fields);
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => $client->paymentNotification($tampered));
        $added = WxPay::buildXml($fields + ['coupon_fee' => '100']);
        $e = $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_FIELDS_ADDED, fn () => $client->paymentNotification($added));
        $this->assertStringContainsString('coupon_fee', $e->getMessage());
        $unsigned = $fields;
        unset($unsigned['sign']);
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISSING, fn () => $client->paymentNotification(WxPay::buildXml($unsigned)));
        $other = new Client($this->sim->options(['mch_id' => '1900000999']));
        $this->assertFails(SignatureException::class, ResultCode::MERCHANT_MISMATCH, fn () => $other->paymentNotification($body));
        $this->assertFails(XmlException::class, ResultCode::XML_DOCTYPE, fn () => $client->paymentNotification('<!DOCTYPE x><xml/>'));
        $failed = WxPay::buildXml(['return_code' => 'FAIL', 'return_msg' => 'nope']);
        $e = $this->assertFails(ProtocolException::class, ResultCode::PROTOCOL_FAIL, fn () => $client->paymentNotification($failed));
        $this->assertSame('nope', $e->getResponse()['return_msg'] ?? null);

        // The endpoint refuses what does not verify, answering FAIL.
        $reply = file_get_contents(self::$server->url . '/notify/pay', false, stream_context_create([
            'http' => ['method' => 'POST', 'header' => "Content-Type: text/xml\r\n", 'content' => $tampered, 'ignore_errors' => true],
        ]));
        $this->assertSame('FAIL', WxPay::parseXml($reply)['return_code']);
        $refused = self::$server->waitFor(static fn (array $r): bool => $r['body'] === $tampered)[0];
        $this->assertFalse($refused['verified']);
        $this->assertSame('WXPAY_RESULT_SIGNATURE_MISMATCH', $refused['error']);
    }

    public function testARefundNotificationIsDecrypted(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $no = self::orderNo();
        $this->paidNotification($client, $no);
        $client->refund([
            'out_trade_no' => $no, 'out_refund_no' => "R$no", 'total_fee' => 101, 'refund_fee' => 40,
            'notify_url' => self::$server->url . '/notify/refund',
        ]);
        $record = self::$server->waitFor(static fn (array $r): bool => ($r['info']['out_refund_no'] ?? null) === "R$no")[0];
        $this->assertTrue($record['verified']);
        $this->assertSame('40', $record['info']['refund_fee']);
        $this->assertSame('SUCCESS', $record['info']['refund_status']);
        $this->assertSame(Simulator::MCH_ID, $record['outer']['mch_id']);

        $again = $client->refundNotification($record['body']);
        $this->assertSame($record['info'], $again->info);
        $wrongKey = new Client($this->sim->options(['api_key' => self::OTHER_KEY]));
        $this->assertFails(SignatureException::class, ResultCode::DECRYPT_FAILED, fn () => $wrongKey->refundNotification($record['body']));
        $corrupt = WxPay::buildXml(['req_info' => 'not*base64'] + WxPay::parseXml($record['body']));
        $this->assertFails(SignatureException::class, ResultCode::CIPHERTEXT_CORRUPT, fn () => $client->refundNotification($corrupt));
    }

    public function testNativeModeOneLinkScanAndReply(): void
    {
        $client = $this->client();
        $url = $client->nativeUrl('88888', 1414488825, 'Wm3WZYTPz0wzccnW');
        $this->assertStringStartsWith('weixin://wxpay/bizpayurl?sign=', $url);
        parse_str(explode('?', $url, 2)[1], $query);
        $this->assertSame(['sign', 'appid', 'mch_id', 'product_id', 'time_stamp', 'nonce_str'], array_keys($query));
        $sign = $query['sign'];
        unset($query['sign']);
        $this->assertSame(WxPay::sign($query, Simulator::KEY, 'MD5'), $sign);
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->nativeUrl('a&b'));

        // The callback WeChat POSTs when a user scans the code.
        $scan = ['appid' => Simulator::APPID, 'openid' => 'o8GeHuLAsgefS_80exEr1cTqekUs', 'mch_id' => Simulator::MCH_ID,
            'is_subscribe' => 'Y', 'nonce_str' => 'n1', 'product_id' => '88888'];
        $fields = $client->nativeScan(WxPay::buildXml($scan + ['sign' => WxPay::sign($scan, Simulator::KEY, 'MD5')]));
        $this->assertSame('88888', $fields['product_id']);
        $forged = $scan + ['sign' => WxPay::sign(['product_id' => '99999'] + $scan, Simulator::KEY, 'MD5')];
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => $client->nativeScan(WxPay::buildXml($forged)));

        $order = $client->unifiedOrder(['body' => 'tea', 'out_trade_no' => self::orderNo(), 'total_fee' => 101,
            'spbill_create_ip' => '127.0.0.1', 'notify_url' => 'https://127.0.0.1:9/n', 'trade_type' => 'NATIVE',
            'product_id' => $fields['product_id']]);
        $reply = WxPay::parseXml($client->nativeReply($order['prepay_id']));
        $this->assertSame($order['prepay_id'], $reply['prepay_id']);
        $this->assertSame('SUCCESS', $reply['result_code']);
        $this->assertSame(SignType::Md5, WxPay::verify($reply, Simulator::KEY));
        $refused = WxPay::parseXml($client->nativeReply(null, 'sold out'));
        $this->assertSame('FAIL', $refused['result_code']);
        $this->assertSame('sold out', $refused['err_code_des']);
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => $client->nativeReply("wx\0"));
    }

    public function testAContractIsSignedDeductedFromAndEnded(): void
    {
        $client = $this->client();
        $server = self::$server;
        $code = 'pc' . bin2hex(random_bytes(6));
        $url = $client->entrustUrl(['plan_id' => '12535', 'contract_code' => $code, 'request_serial' => '1000',
            'contract_display_account' => '张三 & co', 'notify_url' => $server->url . '/notify/contract']);
        $this->assertStringStartsWith($this->sim->url . 'papay/entrustweb?', $url);
        // The user opens the link in WeChat; the simulator agrees for them.
        $context = stream_context_create(['ssl' => ['cafile' => $this->sim->file('ca.pem'), 'peer_name' => '127.0.0.1']]);
        $this->assertNotFalse(file_get_contents($url, false, $context));
        $this->assertStringContainsString(' 200', $http_response_header[0]);
        $mine = fn (string $change) => fn (array $r) => $r['route'] === '/notify/contract'
            && ($r['fields']['contract_code'] ?? '') === $code && ($r['fields']['change_type'] ?? '') === $change;
        [$signed] = $server->waitFor($mine('ADD'));
        $this->assertTrue($signed['verified'] && $signed['signed']);
        $contractId = $signed['fields']['contract_id'];
        $contract = $client->queryContract(['contract_id' => $contractId, 'version' => '1.0']);
        $this->assertSame('0', $contract['contract_state']);
        $this->assertSame('张三 & co', $contract['contract_display_account']);

        $trade = self::orderNo();
        $deduction = ['body' => '水电代扣', 'out_trade_no' => $trade, 'total_fee' => '888', 'spbill_create_ip' => '127.0.0.1',
            'notify_url' => $server->url . '/notify/pay', 'trade_type' => 'PAP', 'contract_id' => $contractId];
        $client->papPayApply($deduction);
        [$paid] = $server->waitFor(fn (array $r) => $r['route'] === '/notify/pay' && ($r['fields']['out_trade_no'] ?? '') === $trade);
        $this->assertTrue($paid['verified'] && $paid['paid']);
        $this->assertSame('PAP', $paid['fields']['trade_type']);
        $this->assertSame('SUCCESS', $client->papOrderQuery(['out_trade_no' => $trade])['trade_state']);

        $client->deleteContract(['contract_id' => $contractId, 'contract_termination_remark' => '退订', 'version' => '1.0']);
        [$ended] = $server->waitFor($mine('DELETE'));
        $this->assertTrue($ended['verified']);
        $this->assertFalse($ended['signed']);
        $forged = WxPay::buildXml(['change_type' => 'ADD'] + $ended['fields']);
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => $client->contractNotification($forged));
        $e = $this->assertFails(BusinessException::class, ResultCode::BUSINESS_FAIL,
            fn () => $client->papPayApply(['out_trade_no' => self::orderNo()] + $deduction));
        $this->assertSame('CONTRACT_NOT_EXIST', $e->getResponse()['err_code']);
    }

    public function testTheSigningLinkIsCheckedBeforeItIsMade(): void
    {
        $client = $this->client();
        $link = ['plan_id' => '12535', 'contract_code' => 'c1', 'request_serial' => '1', 'contract_display_account' => 'a',
            'notify_url' => 'https://shop.example/n'];
        $this->assertFails(InvalidInputException::class, ResultCode::MISSING_FIELD, fn () => $client->entrustUrl(['plan_id' => '1']));
        $this->assertFails(InvalidInputException::class, ResultCode::CONFLICTING_FIELD, fn () => $client->entrustUrl($link + ['sign' => 'x']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT,
            fn () => $client->entrustUrl(['request_serial' => '1a'] + $link));
        $this->assertFails(InvalidInputException::class, ResultCode::MISSING_FIELD,
            fn () => $client->queryContract(['contract_code' => 'c1', 'version' => '1.0']));
    }

    public function testPayParametersAreSignedForTheClientSdks(): void
    {
        $client = $this->client();
        $jsapi = $client->jsapiParameters('wx201410272009395522657a690389285100', null, 1414561699, 'e61463f8efa94090b1f366cccfbbb444');
        $this->assertSame(['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'], array_keys($jsapi));
        $this->assertSame(Simulator::APPID, $jsapi['appId']);
        $this->assertSame('1414561699', $jsapi['timeStamp']);
        $this->assertSame('prepay_id=wx201410272009395522657a690389285100', $jsapi['package']);
        $unsigned = $jsapi;
        unset($unsigned['paySign']);
        $this->assertSame(WxPay::sign($unsigned, Simulator::KEY, $jsapi['signType']), $jsapi['paySign']);

        $choose = $client->chooseWXPayParameters('wx201410272009395522657a690389285100', null, 1414561699, 'e61463f8efa94090b1f366cccfbbb444');
        $this->assertSame(['timestamp', 'nonceStr', 'package', 'signType', 'paySign'], array_keys($choose));
        $this->assertSame('1414561699', $choose['timestamp']);
        $this->assertSame($jsapi['paySign'], $choose['paySign']);

        $app = $client->appParameters('wx2014', 'wxapp0000000001', 1414561699, 'n1');
        $this->assertSame(['appid', 'partnerid', 'prepayid', 'package', 'noncestr', 'timestamp', 'sign'], array_keys($app));
        $this->assertSame('Sign=WXPay', $app['package']);
        $this->assertSame('wxapp0000000001', $app['appid']);
        $unsigned = $app;
        unset($unsigned['sign']);
        $this->assertSame(WxPay::sign($unsigned, Simulator::KEY), $app['sign']);

        $fresh = $client->jsapiParameters('wx2014');
        $this->assertNotSame($jsapi['nonceStr'], $fresh['nonceStr']);
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => $client->jsapiParameters("wx\0x"));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->jsapiParameters('wx', null, -1));
    }

    /** @return array<string, string|int> */
    private static function microPayFields(string $authCode): array
    {
        return ['body' => 'flows', 'out_trade_no' => self::orderNo(), 'total_fee' => 10, 'spbill_create_ip' => '127.0.0.1', 'auth_code' => $authCode];
    }

    public function testTheMicroPayFlowReportsItsStateAndSteps(): void
    {
        $client = $this->client(['p12_file' => $this->sim->file('apiclient_cert.p12')]);
        $fast = ['poll_interval_ms' => 10, 'poll_deadline_ms' => 2000, 'reverse_interval_ms' => 10];

        $paid = $client->microPayFlow(self::microPayFields('134600000000000001'), $fast);
        $this->assertSame(MicroPayState::Paid, $paid->state);
        $this->assertSame('SUCCESS', $paid->response['trade_state'] ?? $paid->response['result_code']);
        $this->assertSame(['pay/micropay', 'pay/orderquery', 'pay/orderquery'], array_column($paid->steps, 'path'));
        $this->assertSame(['USERPAYING', 'USERPAYING', 'SUCCESS'], array_column($paid->steps, 'outcome'));

        $failed = $client->microPayFlow(self::microPayFields('134000000000000001'), $fast);
        $this->assertSame(MicroPayState::Failed, $failed->state);
        $this->assertSame('NOTENOUGH', $failed->response['err_code']);

        $reversed = $client->microPayFlow(self::microPayFields('134700000000000001'), ['poll_deadline_ms' => 50] + $fast);
        $this->assertSame(MicroPayState::Reversed, $reversed->state);
        $this->assertSame('secapi/pay/reverse', $reversed->steps[array_key_last($reversed->steps)]['path']);

        $immediately = $client->microPayFlow(self::microPayFields('130000000000000001'));
        $this->assertSame(MicroPayState::Paid, $immediately->state);
        $this->assertCount(1, $immediately->steps);

        $withoutCertificate = $this->client();
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_REQUIRED, fn () => $withoutCertificate->microPayFlow(self::microPayFields('130000000000000001')));
        $this->assertFails(InvalidInputException::class, ResultCode::MISSING_FIELD, fn () => $client->microPayFlow(['body' => 'x']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->microPayFlow(self::microPayFields('130000000000000001'), ['poll' => 1]));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->microPayFlow(self::microPayFields('130000000000000001'), ['poll_interval_ms' => -1]));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->microPayFlow(self::microPayFields('130000000000000001'), ['reverse_attempts' => 0]));
    }

    public function testTheSandboxOption(): void
    {
        $client = $this->client(['sandbox' => 'true']);
        $no = self::orderNo();
        $client->unifiedOrder(self::order($no, 'http://127.0.0.1:9/n'));
        $this->assertSame('NOTPAY', $client->orderQuery(['out_trade_no' => $no])['trade_state']);
        // The live side does not know a sandbox order.
        $live = $this->client();
        $this->assertFails(\WxPay\Exception\BusinessException::class, ResultCode::BUSINESS_FAIL, fn () => $live->orderQuery(['out_trade_no' => $no]));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $this->client(['sandbox' => 'maybe']));

        // A sandbox notification is signed with the sandbox key: the
        // endpoint (a live client) refuses it, a sandbox client verifies it.
        $paid = self::orderNo();
        $client->unifiedOrder(self::order($paid, self::$server->url . '/notify/pay'));
        $this->sim->paySandbox($paid);
        $record = self::$server->waitFor(static fn (array $r): bool => str_contains($r['body'], $paid))[0];
        $this->assertFalse($record['verified']);
        $this->assertSame('WXPAY_RESULT_SIGNATURE_MISMATCH', $record['error']);
        $verified = $client->paymentNotification($record['body']);
        $this->assertTrue($verified->paid);
        $this->assertSame($paid, $verified->fields['out_trade_no']);
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => $live->paymentNotification($record['body']));
    }

    public function testBillsComeBackAsArrays(): void
    {
        $client = $this->client();
        $no = self::orderNo();
        $this->paidNotification($client, $no);
        $date = (new \DateTimeImmutable('now', new \DateTimeZone('Asia/Shanghai')))->format('Ymd');
        foreach (['', 'GZIP'] as $tar) {
            $bill = $client->downloadBillTable(['bill_date' => $date, 'bill_type' => 'ALL'] + ($tar === '' ? [] : ['tar_type' => $tar]));
            $this->assertNotSame([], $bill->rows);
            $mine = array_values(array_filter($bill->rows, static fn (array $row): bool => in_array($no, $row, true)));
            $this->assertCount(1, $mine, 'the paid order is one row of the bill');
            $this->assertCount(1, $bill->summary);
            $this->assertSame(array_keys($bill->rows[0]), array_keys($mine[0]));
        }
        $raw = $client->downloadBill(['bill_date' => $date, 'bill_type' => 'ALL']);
        $parsed = WxPay::parseBill($raw);
        $this->assertSame(count($parsed->rows), count(array_filter($bill->rows, static fn () => true)));
        $this->assertSame($parsed->summary, $bill->summary);
        $this->assertFails(ProtocolException::class, ResultCode::RESPONSE_INVALID, fn () => WxPay::parseBill("no bill here\n"));
        $this->assertFails(ProtocolException::class, ResultCode::RESPONSE_INVALID, fn () => WxPay::parseBill("\x1f\x8b\x08broken gzip"));
    }
}

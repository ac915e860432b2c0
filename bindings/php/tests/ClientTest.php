<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Client;
use WxPay\EndpointInfo;
use WxPay\Exception\CertificateException;
use WxPay\Exception\ClientClosedException;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\TransportException;
use WxPay\Exception\WxPayException;
use WxPay\Exception\XmlException;
use WxPay\Internal\LogBridge;
use WxPay\ResultCode;
use WxPay\Retry;
use WxPay\SignType;
use WxPay\WxPay;

/**
 * The client without a server: options, checks made before any network
 * I/O, ownership of the native handle, the endpoint table, the log bridge.
 * Requests against a real server are in SimulatorTest.
 */
final class ClientTest extends TestCase
{
    /** A port nothing listens on: the test binds it and closes it again. */
    private static function deadUrl(): string
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return "https://$name/";
    }

    /** @return array<string, mixed> */
    private static function options(array $more = []): array
    {
        return $more + [
            'appid' => 'wx2421b1c4370ec43b',
            'mch_id' => '1900000109',
            'api_key' => self::KEY,
            'host' => self::deadUrl(),
            'backup_host' => 'none',
        ];
    }

    public function testAClientIsMadeFromOptionsAndClosedOnce(): void
    {
        $client = new Client(self::options(['sign_type' => SignType::HmacSha256, 'timeout_ms' => 5000, 'connect_timeout_ms' => '2000', 'failover' => 'never']));
        $this->assertFalse($client->isClosed());
        $client->close();
        $this->assertTrue($client->isClosed());
        $client->close();
        $this->assertTrue($client->isClosed());
    }

    public function testMaxFieldsLimitsANotification(): void
    {
        $fields = [
            'return_code' => 'SUCCESS', 'result_code' => 'SUCCESS', 'appid' => 'wx2421b1c4370ec43b',
            'mch_id' => '1900000109', 'nonce_str' => '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
        ];
        for ($i = 0; $i < 7; $i++) {
            $fields["attach_$i"] = 'x';
        }
        $fields['sign'] = WxPay::sign($fields, self::KEY);
        $body = WxPay::buildXml($fields);
        // 13 fields: accepted at 13, refused at 12 with its own code.
        $this->assertTrue((new Client(self::options(['max_fields' => 13])))->paymentNotification($body)->paid);
        $client = new Client(self::options(['max_fields' => 12]));
        $e = $this->assertFails(XmlException::class, ResultCode::XML_TOO_MANY_FIELDS, fn () => $client->paymentNotification($body));
        $this->assertStringContainsString('more than 12 fields', $e->getMessage());
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => new Client(self::options(['max_fields' => 0])));
    }

    public function testUseAfterCloseThrowsForEveryCall(): void
    {
        $client = new Client(self::options());
        $client->close();
        $calls = [
            fn () => $client->request('pay/orderquery', ['out_trade_no' => '1']),
            fn () => $client->download('pay/downloadbill', ['bill_date' => '20260101', 'bill_type' => 'ALL']),
            fn () => $client->unifiedOrder([]), fn () => $client->orderQuery([]), fn () => $client->closeOrder([]),
            fn () => $client->microPay([]), fn () => $client->reverse([]), fn () => $client->refund([]),
            fn () => $client->refundQuery([]), fn () => $client->downloadBill([]), fn () => $client->downloadFundFlow([]),
        ];
        foreach ($calls as $i => $call) {
            try {
                $call();
                $this->fail("call $i after close did not throw");
            } catch (ClientClosedException $e) {
                $this->assertSame('this WxPay\Client is closed', $e->getMessage());
            }
        }
    }

    public function testCannotBeClonedSerializedOrConstructedTwice(): void
    {
        $client = new Client(self::options());
        try {
            $copy = clone $client;
            $this->fail('clone succeeded');
        } catch (\Error $e) {
            $this->assertStringContainsString('__clone', $e->getMessage());
        }
        try {
            serialize($client);
            $this->fail('serialize succeeded');
        } catch (\LogicException $e) {
            $this->assertStringContainsString('cannot be serialized', $e->getMessage());
        }
        try {
            $client->__construct(self::options());
            $this->fail('a second constructor call succeeded');
        } catch (\LogicException $e) {
            $this->assertStringContainsString('constructed once', $e->getMessage());
        }
        $this->assertFalse($client->isClosed());
        $this->expectException(\LogicException::class);
        unserialize('O:12:"WxPay\Client":0:{}');
    }

    public function testVarDumpShowsNoOptions(): void
    {
        $client = new Client(self::options());
        $this->assertSame(['closed' => false, 'logger' => false], $client->__debugInfo());
        $this->assertStringNotContainsString(self::KEY, print_r($client, true));
    }

    public function testAnUnreachableServerIsATransportException(): void
    {
        $client = new Client(self::options());
        $e = $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->orderQuery(['out_trade_no' => '1217752501201407033233368018']));
        $this->assertNull($e->getResponse());
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->downloadBill(['bill_date' => '20260101', 'bill_type' => 'ALL']));
    }

    /** @return iterable<string, array{array<string, mixed>, int, string}> */
    public static function badOptions(): iterable
    {
        yield 'no mch_id' => [['mch_id' => null], ResultCode::INVALID_ARGUMENT, 'mch_id'];
        yield 'no api_key' => [['api_key' => null], ResultCode::INVALID_ARGUMENT, 'api_key'];
        yield 'short key' => [['api_key' => 'short'], ResultCode::INVALID_KEY, ''];
        yield 'unknown option' => [['apikey' => self::KEY], ResultCode::INVALID_ARGUMENT, 'apikey'];
        yield 'bad sign type' => [['sign_type' => 'SHA1'], ResultCode::UNKNOWN_SIGN_TYPE, ''];
        yield 'auto is no algorithm' => [['sign_type' => SignType::Auto], ResultCode::INVALID_ARGUMENT, 'sign_type'];
        yield 'plain http' => [['host' => 'http://127.0.0.1:1/'], ResultCode::INVALID_ARGUMENT, 'host'];
        yield 'zero timeout' => [['timeout_ms' => 0], ResultCode::INVALID_ARGUMENT, 'timeout'];
        yield 'negative timeout' => [['timeout_ms' => -5], ResultCode::INVALID_ARGUMENT, 'timeout_ms'];
        yield 'bad failover' => [['failover' => 'always'], ResultCode::INVALID_ARGUMENT, 'failover'];
        yield 'array value' => [['appid' => ['wx1']], ResultCode::INVALID_ARGUMENT, 'appid'];
        yield 'float value' => [['timeout_ms' => 1.5], ResultCode::INVALID_ARGUMENT, 'timeout_ms'];
        yield 'bool value' => [['sub_mch_id' => true], ResultCode::INVALID_ARGUMENT, 'sub_mch_id'];
        yield 'object value' => [['appid' => new \ArrayObject()], ResultCode::INVALID_ARGUMENT, 'appid'];
        yield 'NUL in a value' => [['appid' => "wx1\0wx2"], ResultCode::EMBEDDED_NUL, 'appid'];
        yield 'NUL in the key' => [['api_key' => substr(self::KEY, 0, 16) . "\0" . substr(self::KEY, 17)], ResultCode::EMBEDDED_NUL, 'api_key'];
        yield 'invalid UTF-8' => [['appid' => "wx\xC3\x28"], ResultCode::INVALID_UTF8, ''];
        yield 'a list, not names' => [[0 => 'wx1'], ResultCode::INVALID_ARGUMENT, 'names'];
        yield 'huge appid' => [['appid' => str_repeat('w', 1 << 20)], ResultCode::INVALID_ARGUMENT, 'appid'];
        yield 'bad log level' => [['log_level' => 'verbose'], ResultCode::INVALID_ARGUMENT, 'log_level'];
        yield 'p12 and pem' => [['p12' => 'x', 'cert' => 'y', 'key' => 'z'], ResultCode::INVALID_ARGUMENT, 'once'];
        yield 'p12 twice' => [['p12' => 'x', 'p12_file' => '/x'], ResultCode::INVALID_ARGUMENT, 'p12_file'];
        yield 'password without p12' => [['p12_password' => 'x'], ResultCode::INVALID_ARGUMENT, 'p12_password'];
        yield 'key password without pem' => [['key_password' => 'x'], ResultCode::INVALID_ARGUMENT, 'key_password'];
        yield 'cert without key' => [['cert_file' => '/x'], ResultCode::INVALID_ARGUMENT, 'pair'];
        yield 'mixed pem forms' => [['cert_file' => '/x', 'key' => 'y'], ResultCode::INVALID_ARGUMENT, 'pair'];
        yield 'p12 as an int' => [['p12' => 12], ResultCode::INVALID_ARGUMENT, 'p12'];
        yield 'root CA twice' => [['root_ca' => 'x', 'root_ca_file' => '/x'], ResultCode::INVALID_ARGUMENT, 'root_ca'];
        yield 'NUL in a p12 path' => [['p12_file' => "/tmp/a\0b"], ResultCode::EMBEDDED_NUL, 'p12_file'];
    }

    /** @dataProvider badOptions */
    public function testBadOptionsAreInvalidInput(array $change, int $code, string $mentioned): void
    {
        $options = self::options();
        foreach ($change as $name => $value) {
            $options[$name] = $value;
        }
        $e = $this->assertFails(InvalidInputException::class, $code, fn () => new Client($options));
        $this->assertStringContainsString($mentioned, $e->getMessage());
        $this->assertSame(0, LogBridge::registered(), 'a failed constructor leaves no logger registered');
    }

    public function testAnIntIsItsDecimalText(): void
    {
        $client = new Client(self::options(['mch_id' => 1900000109, 'timeout_ms' => 30000]));
        $this->assertFalse($client->isClosed());
    }

    /** @return iterable<string, array{array<string, mixed>, int}> */
    public static function badCertificates(): iterable
    {
        yield 'missing p12 file' => [['p12_file' => '/nonexistent/apiclient_cert.p12'], ResultCode::CERTIFICATE_FILE];
        yield 'missing pem files' => [['cert_file' => '/nonexistent/cert.pem', 'key_file' => '/nonexistent/key.pem'], ResultCode::CERTIFICATE_FILE];
        yield 'missing CA file' => [['root_ca_file' => '/nonexistent/ca.pem'], ResultCode::CERTIFICATE_FILE];
        yield 'p12 bytes that are not a p12' => [['p12' => random_bytes(700)], ResultCode::CERTIFICATE_CORRUPT];
        yield 'empty p12' => [['p12' => ''], ResultCode::CERTIFICATE_CORRUPT];
        yield 'pem text that is not pem' => [['cert' => 'not a certificate', 'key' => 'not a key'], ResultCode::CERTIFICATE_CORRUPT];
        yield 'CA that is not pem' => [['root_ca' => "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"], ResultCode::CERTIFICATE_CORRUPT];
    }

    /** @dataProvider badCertificates */
    public function testBadCertificatesAreCertificateExceptions(array $certificate, int $code): void
    {
        $this->assertFails(CertificateException::class, $code, fn () => new Client(self::options($certificate)));
    }

    public function testChecksBeforeTheNetwork(): void
    {
        $client = new Client(self::options());
        // The host is dead, so each of these must be found before connecting.
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_REQUIRED, fn () => $client->refund([
            'out_trade_no' => '1', 'out_refund_no' => '1', 'total_fee' => 1, 'refund_fee' => 1,
        ]));
        $this->assertFails(InvalidInputException::class, ResultCode::MISSING_FIELD, fn () => $client->unifiedOrder(['body' => 'x']));
        $this->assertFails(InvalidInputException::class, ResultCode::CONFLICTING_FIELD, fn () => $client->orderQuery(['out_trade_no' => '1', 'mch_id' => '1']));
        $this->assertFails(InvalidInputException::class, ResultCode::CONFLICTING_FIELD, fn () => $client->orderQuery(['out_trade_no' => '1', 'sign' => 'x']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->request('pay/downloadbill', ['bill_date' => '20260101']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->request('https://api.mch.weixin.qq.com/pay/orderquery', []));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->request('pay/../secapi/pay/refund', []));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => $client->request("pay/orderquery\0secapi", []));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $client->request('', []));
    }

    /** @return iterable<string, array{array<array-key, mixed>, int}> */
    public static function badFields(): iterable
    {
        yield 'null' => [['out_trade_no' => null], ResultCode::INVALID_ARGUMENT];
        yield 'float' => [['out_trade_no' => 1.0], ResultCode::INVALID_ARGUMENT];
        yield 'bool' => [['out_trade_no' => false], ResultCode::INVALID_ARGUMENT];
        yield 'array' => [['out_trade_no' => ['1']], ResultCode::INVALID_ARGUMENT];
        yield 'object' => [['out_trade_no' => new \ArrayObject()], ResultCode::INVALID_ARGUMENT];
        yield 'NUL in a value' => [['out_trade_no' => "1\x002"], ResultCode::EMBEDDED_NUL];
        yield 'NUL in a name' => [["out_trade\0no" => '1'], ResultCode::EMBEDDED_NUL];
        yield 'invalid UTF-8' => [['out_trade_no' => "\xFF\xFE"], ResultCode::INVALID_UTF8];
        yield 'empty name' => [['' => '1', 'out_trade_no' => '1'], ResultCode::INVALID_FIELD_NAME];
    }

    /** @dataProvider badFields */
    public function testBadFieldsAreRefusedBeforeTheNetwork(array $fields, int $code): void
    {
        $client = new Client(self::options());
        $this->assertFails(InvalidInputException::class, $code, fn () => $client->orderQuery($fields));
        $this->assertFails(InvalidInputException::class, $code, fn () => $client->downloadBill($fields + ['bill_date' => '20260101']));
    }

    public function testHugeInputIsCarriedWhole(): void
    {
        // 8 MiB in one value and 20,000 fields: packed, signed and sent (to
        // a closed port here), neither truncated nor refused by the wrapper.
        $client = new Client(self::options());
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->orderQuery(['out_trade_no' => '1', 'attach' => str_repeat('长', 8 << 18)]));
        $many = ['out_trade_no' => '1'];
        for ($i = 0; $i < 20000; $i++) {
            $many["f$i"] = (string) $i;
        }
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->orderQuery($many));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => $client->orderQuery(['out_trade_no' => '1', 'attach' => str_repeat('x', 1 << 20) . "\0"]));
    }

    public function testEndpointInfoCopiesTheLibrarysTable(): void
    {
        $refund = Client::endpointInfo('secapi/pay/refund');
        $this->assertSame(EndpointInfo::MATCH_EXACT, $refund->match);
        $this->assertTrue($refund->certificate);
        $this->assertFalse($refund->bill);
        $this->assertSame(['out_refund_no', 'total_fee', 'refund_fee'], $refund->required);
        $this->assertSame(['transaction_id', 'out_trade_no'], $refund->oneOf);
        $this->assertSame('appid', $refund->appIdField);
        $this->assertSame('mch_id', $refund->mchIdField);

        $bill = Client::endpointInfo('/pay/downloadbill');
        $this->assertTrue($bill->bill);
        $this->assertSame('pay/downloadbill', $bill->path);

        $transfers = Client::endpointInfo('mmpaymkttransfers/promotion/transfers');
        $this->assertSame('mch_appid', $transfers->appIdField);
        $this->assertSame('mchid', $transfers->mchIdField);
        $this->assertSame([SignType::Md5], $transfers->signTypes);

        $family = Client::endpointInfo('secapi/pay/somethingnew');
        $this->assertSame(EndpointInfo::MATCH_FAMILY, $family->match);
        $this->assertTrue($family->certificate);

        $sandbox = Client::endpointInfo('xdc/apiv2sandbox/pay/unifiedorder');
        $this->assertTrue($sandbox->sandbox);
        $this->assertSame([SignType::Md5], $sandbox->signTypes);

        $unknown = Client::endpointInfo('pay/brandnew');
        $this->assertSame(EndpointInfo::MATCH_UNKNOWN, $unknown->match);
        $this->assertSame([], $unknown->oneOf);

        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => Client::endpointInfo('pay/x?y=1'));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => Client::endpointInfo("pay/x\0"));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => Client::endpointInfo("pay/\xFF"));
        $retired = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => Client::endpointInfo('sandboxnew/pay/orderquery'));
        $this->assertStringContainsString('xdc/apiv2sandbox/', $retired->getMessage());
    }

    public function testErrCodeRetryFollowsTheEndpoint(): void
    {
        $this->assertSame(Retry::Retryable, Client::errCodeRetry('pay/micropay', 'USERPAYING'));
        $this->assertSame(Retry::Retryable, Client::errCodeRetry('/secapi/pay/refund', 'SYSTEMERROR'));
        $this->assertSame(Retry::Final, Client::errCodeRetry('secapi/pay/refund', 'NOTENOUGH'));
        $this->assertSame(Retry::Retryable, Client::errCodeRetry('secapi/pay/profitsharing', 'ORDER_NOT_READY'));
        $this->assertSame(Retry::Unknown, Client::errCodeRetry('pay/unifiedorder', 'USERPAYING'));
        $this->assertSame(Retry::Unknown, Client::errCodeRetry('pay/unifiedorder', 'NEW_CODE'));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => Client::errCodeRetry('pay/../x', 'SYSTEMERROR'));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => Client::errCodeRetry('pay/micropay', "A\0B"));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => Client::errCodeRetry('pay/micropay', "\xFF"));
    }

    public function testTheLoggerHearsRequestsAndLeavesWhenClosed(): void
    {
        $logger = new RecordingLogger();
        $client = new Client(self::options(['log_level' => 'debug']), $logger);
        $this->assertSame(1, LogBridge::registered());
        $this->assertSame(['closed' => false, 'logger' => true], $client->__debugInfo());
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->orderQuery(['out_trade_no' => '42']));
        $this->assertContains('debug', array_column($logger->records, 0));
        $this->assertContains('error', array_column($logger->records, 0));
        foreach ($logger->records as [$level, $message]) {
            $this->assertContains($level, ['error', 'warning', 'info', 'debug']);
            $this->assertStringContainsString('pay/orderquery', $message);
        }
        // Every message arrives, those of later calls too (a download's here).
        $logger->records = [];
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->downloadBill(['bill_date' => '20260101']));
        $this->assertCount(3, $logger->records, $logger->text());
        $this->assertStringStartsWith('POST https://', $logger->records[1][1]);
        $client->close();
        $this->assertSame(0, LogBridge::registered());
    }

    public function testTheLogLevelFilters(): void
    {
        $logger = new RecordingLogger();
        $client = new Client(self::options(['log_level' => 'ERROR']), $logger);
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->orderQuery(['out_trade_no' => '42']));
        $this->assertSame(['error'], array_unique(array_column($logger->records, 0)));
    }

    public function testALoggerThatThrowsDoesNotBreakTheRequest(): void
    {
        $logger = new class () {
            public int $calls = 0;

            public function log(string $level, string $message): void
            {
                $this->calls++;
                throw new \RuntimeException('logger down');
            }
        };
        $client = new Client(self::options(['log_level' => 'debug']), $logger);
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->orderQuery(['out_trade_no' => '42']));
        $this->assertGreaterThan(1, $logger->calls);
    }

    public function testALoggerClosingItsClientDuringARequestClosesItAfterwards(): void
    {
        $logger = new class () {
            public ?Client $client = null;
            public ?\Throwable $reentry = null;

            public function log(string $level, string $message): void
            {
                try {
                    $this->client?->orderQuery(['out_trade_no' => '1']);
                } catch (\Throwable $e) {
                    $this->reentry = $e;
                }
                $this->client?->close();
            }
        };
        $client = new Client(self::options(['log_level' => 'debug']), $logger);
        $logger->client = $client;
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $client->orderQuery(['out_trade_no' => '42']));
        $this->assertInstanceOf(\LogicException::class, $logger->reentry);
        $this->assertTrue($client->isClosed());
        $logger->client = null;
    }

    public function testALoggerWithoutLogIsRefused(): void
    {
        $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => new Client(self::options(), new \stdClass()));
        $this->assertStringContainsString('log($level, $message)', $e->getMessage());
    }

    public function testManyClientsShareOneCallbackAndUnregister(): void
    {
        $loggers = [];
        $clients = [];
        for ($i = 0; $i < 20; $i++) {
            $loggers[$i] = new RecordingLogger();
            $clients[$i] = new Client(self::options(['log_level' => 'error']), $loggers[$i]);
        }
        $this->assertFails(TransportException::class, ResultCode::CONNECT, fn () => $clients[7]->orderQuery(['out_trade_no' => '7']));
        foreach ($loggers as $i => $logger) {
            $this->assertSame($i === 7 ? 1 : 0, count($logger->records), "logger $i");
        }
        $clients = [];
        $this->assertSame(0, LogBridge::registered(), 'dropping clients unregisters their loggers');
    }

    public function testTheConstructorHidesOptionsFromStackTraces(): void
    {
        $parameter = (new \ReflectionMethod(Client::class, '__construct'))->getParameters()[0];
        $this->assertNotEmpty($parameter->getAttributes(\SensitiveParameter::class));
        try {
            new Client(self::options(['p12' => 'not a p12', 'p12_password' => 'hunter2hunter2']));
            $this->fail('a corrupt p12 was accepted');
        } catch (WxPayException $e) {
            $trace = $e->getTraceAsString() . print_r($e->getTrace(), true);
            $this->assertStringNotContainsString(self::KEY, $trace);
            $this->assertStringNotContainsString('hunter2hunter2', $trace . $e->getMessage());
        }
    }
}

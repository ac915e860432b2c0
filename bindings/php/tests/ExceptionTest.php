<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\BusinessException;
use WxPay\Exception\CertificateException;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\ProtocolException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\TransportException;
use WxPay\Exception\WxPayException;
use WxPay\Exception\XmlException;
use WxPay\FFI;
use WxPay\ResultCode;

final class ExceptionTest extends TestCase
{
    /** @return iterable<string, array{int, class-string<WxPayException>}> */
    public static function ranges(): iterable
    {
        yield '1xx' => [ResultCode::INVALID_KEY, InvalidInputException::class];
        yield '2xx' => [ResultCode::SIGNATURE_MISMATCH, SignatureException::class];
        yield '3xx' => [ResultCode::XML_DOCTYPE, XmlException::class];
        // Codes the library does not have yet land by their hundred.
        yield 'future 1xx' => [199, InvalidInputException::class];
        yield 'future 3xx' => [399, XmlException::class];
        yield '4xx' => [400, CertificateException::class];
        yield '406, a subclass' => [ResultCode::CERTIFICATE_EXPIRED, \WxPay\Exception\CertificateExpiredException::class];
        yield '407, a subclass' => [ResultCode::CERTIFICATE_PERMISSIONS, \WxPay\Exception\CertificatePermissionsException::class];
        yield '408 by its hundred' => [408, CertificateException::class];
        yield '5xx' => [517, TransportException::class];
        yield '6xx' => [600, ProtocolException::class];
        yield '7xx' => [742, BusinessException::class];
        yield '9xx' => [ResultCode::PANIC, WxPayException::class];
        yield 'unknown 8xx' => [800, WxPayException::class];
    }

    /**
     * @dataProvider ranges
     * @param class-string<WxPayException> $class
     */
    public function testTheClassFollowsTheCodesRange(int $code, string $class): void
    {
        $e = WxPayException::fromResult($code, 'message', 'WXPAY_RESULT_X');
        $this->assertSame($class, $e::class);
        $this->assertSame($code, $e->getCode());
        $this->assertSame('message', $e->getMessage());
        $this->assertSame('WXPAY_RESULT_X', $e->getCodeName());
        $this->assertNull($e->getResponse());
        $this->assertInstanceOf(\RuntimeException::class, $e);
    }

    public function testProtocolFailuresCarryReturnMsg(): void
    {
        $response = ['return_code' => 'FAIL', 'return_msg' => '签名错误'];
        $e = WxPayException::fromResult(600, 'return_code=FAIL', 'WXPAY_RESULT_PROTOCOL', $response);
        $this->assertInstanceOf(ProtocolException::class, $e);
        $this->assertSame('签名错误', $e->getReturnMsg());
        $this->assertSame($response, $e->getResponse());
        $this->assertNull((WxPayException::fromResult(600, 'm', 'N'))->getReturnMsg());
    }

    public function testBusinessFailuresCarryErrCodeAndTheWholeResponse(): void
    {
        $response = ['return_code' => 'SUCCESS', 'result_code' => 'FAIL', 'err_code' => 'ORDERPAID', 'err_code_des' => '该订单已支付'];
        $e = WxPayException::fromResult(700, 'result_code=FAIL', 'WXPAY_RESULT_BUSINESS', $response);
        $this->assertInstanceOf(BusinessException::class, $e);
        $this->assertSame('ORDERPAID', $e->getErrCode());
        $this->assertSame('该订单已支付', $e->getErrCodeDes());
        $this->assertSame($response, $e->getResponse());
    }

    public function testEveryResultCodeConstantIsTheLibrarysOwn(): void
    {
        $ffi = FFI::instance();
        $constants = (new \ReflectionClass(ResultCode::class))->getConstants();
        $this->assertGreaterThan(20, count($constants));
        foreach ($constants as $name => $value) {
            $this->assertSame("WXPAY_RESULT_$name", $ffi->wxpay_result_name($value));
        }
        $this->assertSame('WXPAY_RESULT_UNKNOWN', $ffi->wxpay_result_name(12345));
    }

    public function testARealFailureCarriesTheLibrarysMessageAndName(): void
    {
        $e = $this->assertFails(XmlException::class, ResultCode::XML_DOCTYPE, fn () => \WxPay\WxPay::parseXml('<!DOCTYPE x><xml/>'));
        $this->assertSame('WXPAY_RESULT_XML_DOCTYPE', $e->getCodeName());
        $this->assertNull($e->getResponse());
    }

    /** @requires PHP >= 8.2 */
    public function testTheKeyIsRedactedFromStackTraces(): void
    {
        // Traces keep call arguments unless zend.exception_ignore_args is on
        // (off in development setups); the key must not be among them.
        $code = PhpProcess::autoloader() . '
            WxPay\FFI::setLibraryPath(getenv("WXPAY_LIBRARY"));
            $key = "' . self::KEY . '";
            foreach ([
                fn () => WxPay\WxPay::sign(["a" => "1", "sign_type" => "X"], $key),
                fn () => WxPay\WxPay::verify(["a" => "1", "sign" => "X"], $key),
                fn () => WxPay\WxPay::verifyXml("<xml><a>1</a></xml>", $key),
            ] as $call) {
                try {
                    $call();
                } catch (WxPay\Exception\WxPayException $e) {
                    echo $e, "\n", var_export($e->getTrace(), true), "\n";
                }
            }';
        $run = PhpProcess::run(['-d', 'zend.exception_ignore_args=0'], "<?php\n" . $code);
        $this->assertSame(3, substr_count($run['stdout'], 'Stack trace:'), $run['stdout'] . $run['stderr']);
        $this->assertStringContainsString('SensitiveParameterValue', $run['stdout']);
        $this->assertStringNotContainsString(substr(self::KEY, 0, 12), $run['stdout']);
    }
}

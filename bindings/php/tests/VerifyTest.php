<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\InvalidInputException;
use WxPay\Exception\SignatureException;
use WxPay\ResultCode;
use WxPay\SignType;
use WxPay\WxPay;

final class VerifyTest extends TestCase
{
    public function testAcceptsSignaturesMadeByPhpItself(): void
    {
        $order = self::unifiedOrder();
        $md5 = $order + ['sign' => Reference::sign($order, self::KEY, 'MD5')];
        $hmac = $order + ['sign' => Reference::sign($order, self::KEY, 'HMAC-SHA256')];
        $this->assertSame(SignType::Md5, WxPay::verify($md5, self::KEY));
        $this->assertSame(SignType::Md5, WxPay::verify($md5, self::KEY, SignType::Md5));
        $this->assertSame(SignType::HmacSha256, WxPay::verify($hmac, self::KEY));
        $this->assertSame(SignType::HmacSha256, WxPay::verify($hmac, self::KEY, 'HMAC-SHA256'));
    }

    public function testTheSignTypeFieldDecidesUnderAuto(): void
    {
        $fields = ['a' => '1', 'sign_type' => 'HMAC-SHA256'];
        $fields['sign'] = Reference::sign($fields, self::KEY, 'HMAC-SHA256');
        $this->assertSame(SignType::HmacSha256, WxPay::verify($fields, self::KEY));
        $this->assertFails(SignatureException::class, ResultCode::SIGN_TYPE_MISMATCH, fn () => WxPay::verify($fields, self::KEY, SignType::Md5));
    }

    public function testAForgedSignatureIsRefused(): void
    {
        $fields = self::unifiedOrder();
        $fields['sign'] = WxPay::sign($fields, self::KEY);
        $fields['total_fee'] = 1;
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => WxPay::verify($fields, self::KEY));
    }

    public function testAnotherKeysSignatureIsRefused(): void
    {
        $fields = self::unifiedOrder();
        $fields['sign'] = WxPay::sign($fields, self::OTHER_KEY);
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => WxPay::verify($fields, self::KEY));
    }

    public function testALowercaseOrTruncatedSignatureIsRefused(): void
    {
        $fields = ['a' => '1'];
        $sign = WxPay::sign($fields, self::KEY);
        foreach ([strtolower($sign), substr($sign, 0, 31), $sign . 'A'] as $bad) {
            $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => WxPay::verify($fields + ['sign' => $bad], self::KEY));
        }
    }

    public function testAMissingOrEmptySignatureIsRefused(): void
    {
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISSING, fn () => WxPay::verify(['return_code' => 'SUCCESS'], self::KEY));
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISSING, fn () => WxPay::verify(['return_code' => 'SUCCESS', 'sign' => ''], self::KEY));
    }

    public function testBadInputIsRefusedBeforeAnyVerdict(): void
    {
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => WxPay::verify(['a' => "1\0", 'sign' => 'X'], self::KEY));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => WxPay::verify(['a' => "\xC3", 'sign' => 'X'], self::KEY));
    }
}

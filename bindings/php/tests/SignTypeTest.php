<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\InvalidInputException;
use WxPay\ResultCode;
use WxPay\SignType;
use WxPay\WxPay;

final class SignTypeTest extends TestCase
{
    public function testNamesAndFieldValuesRoundTrip(): void
    {
        foreach ([SignType::Md5, SignType::HmacSha256] as $type) {
            $this->assertSame($type, SignType::fromName((string) $type->fieldValue()));
            $this->assertSame($type, SignType::of((string) $type->fieldValue()));
            $this->assertSame($type, SignType::of($type));
        }
        $this->assertNull(SignType::Auto->fieldValue());
        $this->assertSame(SignType::Auto, SignType::fromName('AUTO'));
    }

    public function testTheFieldValueIsWhatTheLibrarySignsUnder(): void
    {
        // A message announcing fieldValue() signs the same as asking for the type.
        foreach ([SignType::Md5, SignType::HmacSha256] as $type) {
            $fields = ['a' => '1', 'sign_type' => (string) $type->fieldValue()];
            $this->assertSame(WxPay::sign($fields, self::KEY, $type), WxPay::sign($fields, self::KEY));
        }
    }

    public function testUnknownNamesAreRefusedWithTheNameShortened(): void
    {
        $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => SignType::fromName('hmac-sha256'));
        $this->assertStringContainsString('hmac-sha256', $e->getMessage());
        $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => SignType::fromName(str_repeat('x', 1000)));
        $this->assertLessThan(200, strlen($e->getMessage()));
    }
}

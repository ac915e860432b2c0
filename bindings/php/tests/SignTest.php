<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\InvalidInputException;
use WxPay\Exception\SignatureException;
use WxPay\ResultCode;
use WxPay\SignType;
use WxPay\WxPay;

final class SignTest extends TestCase
{
    public function testUnifiedOrderMatchesPhpMd5AndHmac(): void
    {
        $order = self::unifiedOrder();
        $this->assertSame(Reference::sign($order, self::KEY, 'MD5'), WxPay::sign($order, self::KEY, SignType::Md5));
        $this->assertSame(
            Reference::sign($order, self::KEY, 'HMAC-SHA256'),
            WxPay::sign($order, self::KEY, SignType::HmacSha256),
        );
    }

    public function testRandomFieldSetsMatchPhpMd5AndHmac(): void
    {
        mt_srand(20261124);
        for ($round = 0; $round < 200; $round++) {
            $fields = [];
            for ($i = 0, $n = mt_rand(1, 20); $i < $n; $i++) {
                $name = 'f' . self::randomHex(mt_rand(1, 6));
                $fields[$name] = match (mt_rand(0, 4)) {
                    0 => '',
                    1 => mt_rand(-1000000, 1000000),
                    2 => '0',
                    3 => '中文 & = ? ' . self::randomHex(4),
                    default => self::randomHex(mt_rand(0, 40)),
                };
            }
            foreach (['MD5' => SignType::Md5, 'HMAC-SHA256' => SignType::HmacSha256] as $name => $type) {
                $this->assertSame(Reference::sign($fields, self::OTHER_KEY, $name), WxPay::sign($fields, self::OTHER_KEY, $type));
            }
        }
    }

    /** Seeded, so that a failure can be replayed. */
    private static function randomHex(int $bytes): string
    {
        $out = '';
        for ($i = 0; $i < $bytes; $i++) {
            $out .= sprintf('%02x', mt_rand(0, 255));
        }
        return $out;
    }

    public function testAutoUsesTheSignTypeFieldElseMd5(): void
    {
        $order = self::unifiedOrder();
        $this->assertSame(Reference::sign($order, self::KEY, 'MD5'), WxPay::sign($order, self::KEY));
        $order['sign_type'] = 'HMAC-SHA256';
        $this->assertSame(Reference::sign($order, self::KEY, 'HMAC-SHA256'), WxPay::sign($order, self::KEY));
        $this->assertSame(Reference::sign($order, self::KEY, 'HMAC-SHA256'), WxPay::sign($order, self::KEY, 'HMAC-SHA256'));
    }

    public function testSignTypeNamesAreAccepted(): void
    {
        $order = self::unifiedOrder();
        $this->assertSame(WxPay::sign($order, self::KEY, SignType::Md5), WxPay::sign($order, self::KEY, 'MD5'));
        $this->assertSame(WxPay::sign($order, self::KEY, SignType::Auto), WxPay::sign($order, self::KEY, 'AUTO'));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::sign($order, self::KEY, 'md5'));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::sign($order, self::KEY, 'SHA1'));
    }

    public function testEmptyValuesAreDroppedZeroAndSignAreNot(): void
    {
        $base = ['a' => '1', 'b' => 0, 'c' => '0'];
        $sig = WxPay::sign($base, self::KEY);
        $this->assertSame($sig, WxPay::sign($base + ['d' => ''], self::KEY));
        $this->assertSame($sig, WxPay::sign($base + ['sign' => 'ANYTHING'], self::KEY));
        $this->assertNotSame($sig, WxPay::sign(['a' => '1'], self::KEY));
        $this->assertSame(Reference::sign($base, self::KEY, 'MD5'), $sig);
    }

    public function testIntValuesAreSignedAsTheirExactDecimalText(): void
    {
        foreach ([0, 1, -1, 88, PHP_INT_MAX, PHP_INT_MIN] as $amount) {
            $this->assertSame(
                WxPay::sign(['total_fee' => (string) $amount], self::KEY),
                WxPay::sign(['total_fee' => $amount], self::KEY),
            );
        }
        $this->assertSame(
            Reference::sign(['total_fee' => '9223372036854775807'], self::KEY, 'MD5'),
            WxPay::sign(['total_fee' => PHP_INT_MAX], self::KEY),
        );
    }

    public function testNumericFieldNamesKeepTheirText(): void
    {
        // PHP turns the key "10" into the int 10; it must still sign as "10".
        $fields = ['10' => 'x', 'a' => 'y'];
        $this->assertSame(Reference::sign($fields, self::KEY, 'MD5'), WxPay::sign($fields, self::KEY));
    }

    public function testEmptyFieldSetSignsTheKeyAlone(): void
    {
        $this->assertSame(strtoupper(md5('key=' . self::KEY)), WxPay::sign([], self::KEY));
    }

    /** @return iterable<string, array{string}> */
    public static function badKeys(): iterable
    {
        yield 'empty' => [''];
        yield 'too short' => [substr(self::KEY, 0, 31)];
        yield 'too long' => [self::KEY . 'a'];
        yield 'punctuation' => [substr(self::KEY, 0, 31) . '-'];
        yield 'non-ASCII' => [substr(self::KEY, 0, 30) . 'é'];
        yield 'NUL inside' => [substr(self::KEY, 0, 31) . "\0"];
    }

    /** @dataProvider badKeys */
    public function testBadKeysAreRefusedWithoutEchoingThem(string $key): void
    {
        foreach ([fn () => WxPay::sign(['a' => '1'], $key), fn () => WxPay::verify(['a' => '1', 'sign' => 'X'], $key)] as $call) {
            $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_KEY, $call);
            if (strlen($key) >= 8) {
                $this->assertStringNotContainsString(substr($key, 0, 8), $e->getMessage());
            }
        }
    }

    /** @return iterable<string, array{mixed}> */
    public static function badValues(): iterable
    {
        yield 'null' => [null];
        yield 'float' => [1.5];
        yield 'integral float' => [88.0];
        yield 'bool' => [true];
        yield 'array' => [['x']];
        yield 'object' => [new \stdClass()];
        yield 'stringable object' => [new class () {
            public function __toString(): string
            {
                return 'x';
            }
        }];
    }

    /** @dataProvider badValues */
    public function testValuesThatAreNotStringsOrIntsAreRefused(mixed $value): void
    {
        $fields = ['appid' => 'wx1', 'total_fee' => $value];
        $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::sign($fields, self::KEY));
        $this->assertStringContainsString('total_fee', $e->getMessage());
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::verify($fields, self::KEY));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::buildXml($fields));
    }

    public function testNulInsideAValueOrNameIsRefused(): void
    {
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => WxPay::sign(['a' => "1\0b"], self::KEY));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => WxPay::sign(["a\0b" => '1'], self::KEY));
        // The NUL must not let one field pose as two: "a\0b" => "1" is not a=…, b=1.
        $this->assertFails(
            InvalidInputException::class,
            ResultCode::EMBEDDED_NUL,
            fn () => WxPay::sign(['x' => "1\0sign_type\0HMAC-SHA256"], self::KEY),
        );
        // Names and values travel as two lists: a NUL in a name and one in
        // another field's value must not cancel out (each list is counted).
        $this->assertFails(
            InvalidInputException::class,
            ResultCode::EMBEDDED_NUL,
            fn () => WxPay::sign(["a\0b" => '1', 'c' => "2\0"], self::KEY),
        );
        // A value that is the empty string after a NUL-free name still counts.
        $this->assertSame(WxPay::sign(['a' => '1'], self::KEY), WxPay::sign(['a' => '1', 'b' => ''], self::KEY));
    }

    public function testInvalidUtf8IsRefused(): void
    {
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => WxPay::sign(['body' => "caf\xE9"], self::KEY));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => WxPay::sign(["n\xFF" => '1'], self::KEY));
    }

    public function testEmptyFieldNameIsRefused(): void
    {
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_FIELD_NAME, fn () => WxPay::sign(['' => '1'], self::KEY));
    }

    public function testUnknownSignTypeFieldIsRefused(): void
    {
        $fields = ['a' => '1', 'sign_type' => 'SHA1'];
        $this->assertFails(InvalidInputException::class, ResultCode::UNKNOWN_SIGN_TYPE, fn () => WxPay::sign($fields, self::KEY));
    }

    public function testAskingForAnotherAlgorithmThanTheFieldIsRefused(): void
    {
        $fields = ['a' => '1', 'sign_type' => 'HMAC-SHA256'];
        $this->assertFails(SignatureException::class, ResultCode::SIGN_TYPE_MISMATCH, fn () => WxPay::sign($fields, self::KEY, SignType::Md5));
    }

    public function testTheCallersArrayIsNotChanged(): void
    {
        $order = self::unifiedOrder() + ['sign' => 'OLD'];
        $copy = $order;
        WxPay::sign($order, self::KEY);
        $this->assertSame($copy, $order);
    }
}

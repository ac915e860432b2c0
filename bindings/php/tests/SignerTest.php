<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\InvalidInputException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\SignerClosedException;
use WxPay\Exception\XmlException;
use WxPay\ResultCode;
use WxPay\Signer;
use WxPay\SignType;
use WxPay\WxPay;

final class SignerTest extends TestCase
{
    protected function tearDown(): void
    {
        WxPay::clearSignerCache();
    }

    /** A valid key for each number: 32 ASCII letters and digits. */
    private static function key(int $n): string
    {
        return str_pad(dechex($n), 32, 'K', STR_PAD_LEFT);
    }

    public function testSignsAsPhpsMd5AndHmacAndAsTheStaticSign(): void
    {
        $order = self::unifiedOrder();
        $md5 = new Signer(self::KEY, SignType::Md5);
        $hmac = new Signer(self::KEY, 'HMAC-SHA256');
        $this->assertSame(Reference::sign($order, self::KEY, 'MD5'), $md5->sign($order));
        $this->assertSame(Reference::sign($order, self::KEY, 'HMAC-SHA256'), $hmac->sign($order));
        $this->assertSame(WxPay::sign($order, self::KEY, SignType::Md5), $md5->sign($order));
        $this->assertSame(WxPay::sign($order, self::KEY, SignType::HmacSha256), $hmac->sign($order));
        $this->assertSame(SignType::HmacSha256, $hmac->signType());
    }

    public function testRandomFieldSetsMatchPhpMd5AndHmac(): void
    {
        mt_srand(20261125);
        $signers = ['MD5' => new Signer(self::OTHER_KEY, SignType::Md5), 'HMAC-SHA256' => new Signer(self::OTHER_KEY, SignType::HmacSha256)];
        for ($round = 0; $round < 100; $round++) {
            $fields = [];
            for ($i = 0, $n = mt_rand(0, 20); $i < $n; $i++) {
                $fields['f' . mt_rand(0, 999)] = match (mt_rand(0, 3)) {
                    0 => '',
                    1 => mt_rand(-1000000, 1000000),
                    2 => '中文 & = ? ' . mt_rand(),
                    default => str_repeat('x', mt_rand(0, 200)),
                };
            }
            foreach ($signers as $name => $signer) {
                $this->assertSame(Reference::sign($fields, self::OTHER_KEY, $name), $signer->sign($fields));
            }
        }
    }

    public function testAutoFollowsTheSignTypeField(): void
    {
        $auto = new Signer(self::KEY);
        $fields = ['a' => '1', 'sign_type' => 'HMAC-SHA256'];
        $this->assertSame(Reference::sign($fields, self::KEY, 'HMAC-SHA256'), $auto->sign($fields));
        $this->assertSame(Reference::sign(['a' => '1'], self::KEY, 'MD5'), $auto->sign(['a' => '1']));
        $this->assertFails(SignatureException::class, ResultCode::SIGN_TYPE_MISMATCH, fn () => (new Signer(self::KEY, SignType::Md5))->sign($fields));
        $this->assertFails(InvalidInputException::class, ResultCode::UNKNOWN_SIGN_TYPE, fn () => $auto->sign(['sign_type' => 'SHA1']));
    }

    /** @return iterable<string, array{string}> */
    public static function badKeys(): iterable
    {
        return SignTest::badKeys();
    }

    /** @dataProvider badKeys */
    public function testBadKeysAreRefusedWhenMadeWithoutEchoingThem(string $key): void
    {
        $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_KEY, fn () => new Signer($key, SignType::Md5));
        if (strlen($key) >= 8) {
            $this->assertStringNotContainsString(substr($key, 0, 8), $e->getMessage());
        }
    }

    public function testAnUnknownTypeNameIsRefused(): void
    {
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => new Signer(self::KEY, 'md5'));
    }

    /** @dataProvider \WxPay\Tests\SignTest::badValues */
    public function testValuesThatAreNotStringsOrIntsAreRefusedAsBySign(mixed $value): void
    {
        $signer = new Signer(self::KEY, SignType::Md5);
        $fields = ['appid' => 'wx1', 'total_fee' => $value];
        $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $signer->sign($fields));
        $this->assertStringContainsString('total_fee', $e->getMessage());
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $signer->verify($fields + ['sign' => 'X']));
    }

    public function testWhatTheLibraryRefusesIsRefused(): void
    {
        $signer = new Signer(self::KEY, SignType::Md5);
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => $signer->sign(['a' => "1\0b"]));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => $signer->sign(["a\0b" => '1', 'c' => "2\0"]));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => $signer->sign(['body' => "caf\xE9"]));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => $signer->sign(["n\xFF" => '1']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_FIELD_NAME, fn () => $signer->sign(['' => '1']));
        $this->assertSame(Reference::sign(['10' => 'x', 'a' => 'y'], self::KEY, 'MD5'), $signer->sign(['10' => 'x', 'a' => 'y']));
        $this->assertSame(strtoupper(md5('key=' . self::KEY)), $signer->sign([]));
    }

    public function testHugeInputIsSignedAsPhpSignsIt(): void
    {
        $fields = ['detail' => str_repeat('中文', 400000), 'n' => PHP_INT_MAX];
        $this->assertSame(Reference::sign($fields, self::KEY, 'MD5'), (new Signer(self::KEY, SignType::Md5))->sign($fields));
    }

    public function testVerifiesWhatPhpSignedAndRefusesEachFailure(): void
    {
        $order = self::unifiedOrder();
        $auto = new Signer(self::KEY);
        $md5 = $order + ['sign' => Reference::sign($order, self::KEY, 'MD5')];
        $hmac = $order + ['sign' => Reference::sign($order, self::KEY, 'HMAC-SHA256')];
        $this->assertSame(SignType::Md5, $auto->verify($md5));
        $this->assertSame(SignType::HmacSha256, $auto->verify($hmac));
        $this->assertSame(SignType::HmacSha256, (new Signer(self::KEY, SignType::HmacSha256))->verify($hmac));

        $forged = ['total_fee' => 1] + $md5;
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => $auto->verify($forged));
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => (new Signer(self::OTHER_KEY))->verify($md5));
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISSING, fn () => $auto->verify($order));
        $typed = ['a' => '1', 'sign_type' => 'HMAC-SHA256'];
        $typed['sign'] = Reference::sign($typed, self::KEY, 'HMAC-SHA256');
        $this->assertFails(SignatureException::class, ResultCode::SIGN_TYPE_MISMATCH, fn () => (new Signer(self::KEY, SignType::Md5))->verify($typed));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => $auto->verify(['a' => "1\0", 'sign' => 'X']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => $auto->verify(['a' => "\xC3", 'sign' => 'X']));
    }

    public function testVerifyXmlReturnsTheFieldsOrRefuses(): void
    {
        $fields = ['return_code' => 'SUCCESS', 'out_trade_no' => '1', 'total_fee' => '88'];
        $fields['sign'] = Reference::sign($fields, self::KEY, 'MD5');
        $xml = WxPay::buildXml($fields);
        $signer = new Signer(self::KEY);
        $this->assertSame($fields, $signer->verifyXml($xml));
        $this->assertSame(WxPay::verifyXml($xml, self::KEY), $signer->verifyXml($xml, strlen($xml)));

        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => $signer->verifyXml(str_replace('88', '1', $xml)));
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => (new Signer(self::OTHER_KEY))->verifyXml($xml));
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISSING, fn () => $signer->verifyXml('<xml><a>1</a></xml>'));
        $this->assertFails(XmlException::class, ResultCode::XML_DOCTYPE, fn () => $signer->verifyXml('<!DOCTYPE x [<!ENTITY e "x">]><xml><a>&e;</a></xml>'));
        $this->assertFails(XmlException::class, ResultCode::XML_TOO_LARGE, fn () => $signer->verifyXml($xml, 10));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $signer->verifyXml($xml, -1));
    }

    public function testEveryUseAfterCloseIsRefused(): void
    {
        $signer = new Signer(self::KEY);
        $signer->close();
        $signer->close();
        $this->assertTrue($signer->isClosed());
        foreach ([
            fn () => $signer->sign(['a' => '1']),
            fn () => $signer->sign(['a' => null]),
            fn () => $signer->verify(['a' => '1', 'sign' => 'X']),
            fn () => $signer->verifyXml('<xml/>'),
        ] as $call) {
            try {
                $call();
                $this->fail('a closed signer answered');
            } catch (SignerClosedException $e) {
                $this->assertSame('this WxPay\Signer is closed', $e->getMessage());
            }
        }
    }

    public function testCannotBeClonedOrSerializedAndShowsNoKey(): void
    {
        $signer = new Signer(self::KEY, SignType::Md5);
        $this->assertSame(['type' => 'Md5', 'closed' => false], $signer->__debugInfo());
        ob_start();
        var_dump($signer);
        print_r($signer);
        $dump = (string) ob_get_clean();
        $this->assertStringNotContainsString(self::KEY, $dump);
        $this->assertStringNotContainsString(substr(self::KEY, 0, 8), $dump);
        try {
            serialize($signer);
            $this->fail('a signer was serialized');
        } catch (\LogicException) {
        }
        $this->expectException(\Error::class);
        $copy = clone $signer;
    }

    public function testTheCallersArrayIsNotChanged(): void
    {
        $order = self::unifiedOrder() + ['sign' => 'OLD'];
        $copy = $order;
        (new Signer(self::KEY))->sign($order);
        $this->assertSame($copy, $order);
    }

    public function testTheStaticSignNeverUsesAnotherKeysOrTypesSigner(): void
    {
        $fields = ['a' => '1', 'b' => 2];
        $typed = $fields + ['sign_type' => 'HMAC-SHA256'];
        // Interleaved, past the cache's size, and twice, so that evicted
        // signers are made again: every result is the key's own.
        for ($pass = 0; $pass < 2; $pass++) {
            for ($n = 0; $n < WxPay::SIGNER_CACHE_SIZE + 3; $n++) {
                $key = self::key($n);
                $this->assertSame(Reference::sign($fields, $key, 'MD5'), WxPay::sign($fields, $key, SignType::Md5));
                $this->assertSame(Reference::sign($fields, $key, 'HMAC-SHA256'), WxPay::sign($fields, $key, SignType::HmacSha256));
                $this->assertSame(Reference::sign($typed, $key, 'HMAC-SHA256'), WxPay::sign($typed, $key));
                // Md5 after Auto with the same key: Md5's own signer refuses the field.
                $this->assertFails(SignatureException::class, ResultCode::SIGN_TYPE_MISMATCH, fn () => WxPay::sign($typed, $key, SignType::Md5));
            }
        }
        // Keys that differ only in case, or that PHP might read as numbers.
        $upper = strtoupper(self::KEY);
        $digits = str_repeat('1', 32);
        $this->assertSame(Reference::sign($fields, self::KEY, 'MD5'), WxPay::sign($fields, self::KEY));
        $this->assertSame(Reference::sign($fields, $upper, 'MD5'), WxPay::sign($fields, $upper));
        $this->assertSame(Reference::sign($fields, $digits, 'MD5'), WxPay::sign($fields, $digits));
        $this->assertSame(Reference::sign($fields, self::KEY, 'MD5'), WxPay::sign($fields, self::KEY));
        WxPay::clearSignerCache();
        $this->assertSame(Reference::sign($fields, self::KEY, 'MD5'), WxPay::sign($fields, self::KEY));
    }

    public function testTheStaticSignKeepsItsErrorsWithABadKey(): void
    {
        // Before signers, the library judged the fields before the key; a
        // refused key is never kept, and the order stays.
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => WxPay::sign(['a' => "\xFF"], 'short'));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => WxPay::sign(['a' => "1\0"], 'short'));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::sign(['a' => 1.5], 'short'));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_KEY, fn () => WxPay::sign(['a' => '1'], 'short'));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::sign(['a' => '1'], 'short', 'SHA1'));
        // A good key afterwards is unaffected.
        $this->assertSame(Reference::sign(['a' => '1'], self::KEY, 'MD5'), WxPay::sign(['a' => '1'], self::KEY));
    }
}

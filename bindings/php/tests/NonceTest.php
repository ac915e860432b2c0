<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\WxPay;

final class NonceTest extends TestCase
{
    public function testNoncesAre32LettersAndDigitsAndDoNotRepeat(): void
    {
        $seen = [];
        for ($i = 0; $i < 2000; $i++) {
            $nonce = WxPay::nonce();
            $this->assertMatchesRegularExpression('/^[A-Za-z0-9]{32}$/', $nonce);
            $seen[$nonce] = true;
        }
        $this->assertCount(2000, $seen);
    }

    public function testNoncesUseTheWholeAlphabet(): void
    {
        $chars = count_chars(implode('', array_map(static fn () => WxPay::nonce(), range(1, 200))), 3);
        // 6400 draws from 62 symbols: every one shows up unless the source is broken.
        $this->assertSame(62, strlen($chars));
    }
}

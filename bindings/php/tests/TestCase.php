<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\WxPayException;

abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    protected const KEY = '192006250b4c09247ec02edce69f6a2d';
    protected const OTHER_KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

    /**
     * Runs $call and checks it throws exactly $class with result code $code,
     * whose message does not leak the API key.
     *
     * @param class-string<WxPayException> $class
     */
    protected function assertFails(string $class, int $code, callable $call): WxPayException
    {
        try {
            $call();
        } catch (WxPayException $e) {
            $this->assertSame($class, $e::class, 'exception class; message: ' . $e->getMessage());
            $this->assertSame($code, $e->getCode(), 'result code; message: ' . $e->getMessage());
            $this->assertNotSame('', $e->getMessage());
            $this->assertStringStartsWith('WXPAY_RESULT_', $e->getCodeName());
            $this->assertStringNotContainsString(self::KEY, $e->getMessage());
            return $e;
        }
        $this->fail("expected $class with code $code, nothing was thrown");
    }

    /** @return array<string, string|int> */
    protected static function unifiedOrder(): array
    {
        return [
            'appid' => 'wxd930ea5d5a258f4f',
            'mch_id' => '10000100',
            'device_info' => 'WEB',
            'nonce_str' => 'ibuaiVcKdpRxkhJA',
            'body' => '腾讯充值中心-QQ会员充值',
            'detail' => '{"goods_detail":[{"goods_id":"iphone6s_16G","quantity":1}]}',
            'attach' => '深圳分店',
            'out_trade_no' => '20150806125346',
            'fee_type' => 'CNY',
            'total_fee' => 88,
            'spbill_create_ip' => '123.12.12.123',
            'time_start' => '20091225091010',
            'time_expire' => '20091227091010',
            'notify_url' => 'http://www.weixin.qq.com/wxpay/pay.php',
            'trade_type' => 'JSAPI',
            'openid' => 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        ];
    }
}

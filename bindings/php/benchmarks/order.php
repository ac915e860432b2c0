<?php

// The 16-field unified order both benchmarks use.

declare(strict_types=1);

/** @return array<string, string|int> */
function unified_order(): array
{
    return [
        'appid' => 'wxd930ea5d5a258f4f',
        'mch_id' => '10000100',
        'device_info' => 'WEB',
        'nonce_str' => 'ibuaiVcKdpRxkhJA',
        'body' => '腾讯充值中心-QQ会员充值',
        'detail' => '{"goods_detail":[{"goods_id":"iphone6s_16G","quantity":1,"price":528800}]}',
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

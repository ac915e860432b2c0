<?php

declare(strict_types=1);

namespace WxPay;

/**
 * A decrypted refund notification ({@see Client::refundNotification()}).
 */
final class RefundNotification
{
    /**
     * @param array<string, string> $info the decrypted `req_info`:
     *     `out_refund_no`, `refund_id`, `refund_status`, `refund_fee`,
     *     `success_time`, `refund_recv_accout` (WeChat's spelling), ...
     * @param array<string, string> $outer the outer fields: `return_code`,
     *     `appid`, `mch_id`, `nonce_str`, `req_info`
     * @param string $reply the XML to answer with (`return_code=SUCCESS`)
     */
    public function __construct(
        public readonly array $info,
        public readonly array $outer,
        public readonly string $reply,
    ) {
    }
}

<?php

declare(strict_types=1);

namespace WxPay;

/**
 * A verified payment notification ({@see Client::paymentNotification()}).
 */
final class PaymentNotification
{
    /**
     * @param array<string, string> $fields every field WeChat sent, `sign` included
     * @param bool $paid `result_code=SUCCESS`; false for a genuine
     *     notification of a failed payment, which is acknowledged all the same
     * @param string $reply the XML to answer with (`return_code=SUCCESS`), so
     *     that WeChat stops retrying; answer only once the notification is
     *     recorded
     */
    public function __construct(
        public readonly array $fields,
        public readonly bool $paid,
        public readonly string $reply,
    ) {
    }
}

<?php

declare(strict_types=1);

namespace WxPay;

/**
 * The outcome of {@see Client::microPayFlow()}.
 */
final class MicroPayResult
{
    /**
     * @param MicroPayState $state how the flow ended
     * @param array<string, string> $response the response that decided it
     *     (the payment or query for Paid, the failure for Failed, the
     *     reversal for Reversed, the last one for Unknown; empty if none)
     * @param list<array<string, string>> $steps one row per call: `path`,
     *     `outcome`, `return_code`, `result_code`, `err_code`, `trade_state`,
     *     `recall`, `error` (a `WXPAY_RESULT_*` name, "" on success),
     *     `message`, `elapsed_ms`
     */
    public function __construct(
        public readonly MicroPayState $state,
        public readonly array $response,
        public readonly array $steps,
    ) {
    }
}

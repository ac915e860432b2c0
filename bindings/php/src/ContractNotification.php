<?php

declare(strict_types=1);

namespace WxPay;

/**
 * A verified contract notification of automatic deduction
 * ({@see Client::contractNotification()}).
 */
final class ContractNotification
{
    /**
     * @param array<string, string> $fields every field WeChat sent
     *     (`contract_id`, `contract_code`, `plan_id`, `openid`, `change_type`, ...)
     * @param bool $signed true when the user signed (`change_type=ADD`), false
     *     when the contract ended (`DELETE`)
     * @param string $reply the XML to answer with (`return_code=SUCCESS`)
     */
    public function __construct(
        public readonly array $fields,
        public readonly bool $signed,
        public readonly string $reply,
    ) {
    }
}

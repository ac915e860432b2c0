<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * WeChat Pay answered `return_code=FAIL`: the request itself was refused
 * (bad signature, bad parameters, ...), with `return_msg` saying why (6xx).
 */
class ProtocolException extends WxPayException
{
    /**
     * The response's `return_msg`, or null when it had none.
     */
    public function getReturnMsg(): ?string
    {
        return $this->getResponse()['return_msg'] ?? null;
    }
}

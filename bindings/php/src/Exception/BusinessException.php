<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * WeChat Pay answered `result_code=FAIL`: the request got through but the
 * operation failed, with `err_code` and `err_code_des` (7xx). The whole
 * response is in {@see getResponse()}.
 */
class BusinessException extends WxPayException
{
    /**
     * The response's `err_code` (e.g. `ORDERPAID`, `SYSTEMERROR`), or null.
     */
    public function getErrCode(): ?string
    {
        return $this->getResponse()['err_code'] ?? null;
    }

    /**
     * The response's `err_code_des`, a human-readable description, or null.
     */
    public function getErrCodeDes(): ?string
    {
        return $this->getResponse()['err_code_des'] ?? null;
    }
}

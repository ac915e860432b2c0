<?php

declare(strict_types=1);

namespace WxPay\Exception;

use WxPay\Retry;

/**
 * WeChat Pay answered `result_code=FAIL`: the request got through but the
 * operation failed, with `err_code` and `err_code_des` (7xx). The whole
 * response is in {@see getResponse()}; {@see getRetry()} says whether the
 * same request may be sent again.
 */
class BusinessException extends WxPayException
{
    private Retry $retry = Retry::Unknown;

    /**
     * What the `err_code` says about sending the request again.
     */
    public function getRetry(): Retry
    {
        return $this->retry;
    }

    /**
     * Records the library's answer for {@see getRetry()}, before the
     * exception is thrown.
     *
     * @internal
     */
    public function setRetry(Retry $retry): void
    {
        $this->retry = $retry;
    }

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

<?php

declare(strict_types=1);

namespace WxPay;

/**
 * What a business failure's `err_code` says about sending the request again,
 * from the library's table for each endpoint group (`wxpay_retry`).
 */
enum Retry: int
{
    /** A code the library does not list for the endpoint: decide from `err_code_des`. */
    case Unknown = 0;
    /**
     * WeChat's failure or an outcome not settled yet (`SYSTEMERROR`,
     * `USERPAYING` from `pay/micropay`, ...): query, or send the same request
     * again later with the same merchant number, never a new one.
     */
    case Retryable = 1;
    /** The request will not succeed as it is (`ORDERPAID`, `NOTENOUGH`, ...). */
    case Final = 2;
}

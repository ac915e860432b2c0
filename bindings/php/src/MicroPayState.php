<?php

declare(strict_types=1);

namespace WxPay;

/**
 * How a payment-code flow ended ({@see Client::microPayFlow()}); the values
 * are the library's `WXPAY_MICROPAY_STATE_*`.
 */
enum MicroPayState: int
{
    /** The order is paid. */
    case Paid = 1;
    /** The payment definitely failed (e.g. `NOTENOUGH`); nothing was charged. */
    case Failed = 2;
    /** Not paid by the deadline, and reversed. */
    case Reversed = 3;
    /** The reversal did not succeed: query the order later, it needs attention. */
    case Unknown = 4;
}

<?php

declare(strict_types=1);

namespace WxPay;

use WxPay\Internal\Table;

/**
 * A parsed bill ({@see WxPay::parseBill()}, {@see Client::downloadBillTable()}):
 * rows and summary as arrays keyed by the bill's own column names, values as
 * WeChat wrote them without the leading backtick.
 */
final class Bill
{
    /**
     * @param list<array<string, string>> $rows the lines under the bill's header
     * @param list<array<string, string>> $summary the totals under their own header
     */
    public function __construct(
        public readonly array $rows,
        public readonly array $summary,
    ) {
    }

    /**
     * Reads and frees the two tables the library handed out.
     *
     * @internal
     */
    public static function take(\FFI $ffi, \FFI\CData $rows, \FFI\CData $summary): self
    {
        try {
            $rowList = Table::take($ffi, $rows);
        } finally {
            $summaryList = Table::take($ffi, $summary);
        }
        return new self($rowList, $summaryList);
    }
}

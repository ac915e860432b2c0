<?php

declare(strict_types=1);

namespace WxPay\Internal;

/**
 * Reads and frees a `wxpay_table *` (bill rows, bill summary, micropay
 * steps) in one call: `wxpay_table_packed` hands out the column names and
 * the cells, each followed by a NUL.
 *
 * @internal
 */
final class Table
{
    private function __construct()
    {
    }

    /**
     * The table's rows as arrays keyed by column name, in order; the table
     * is freed here, also when reading it fails.
     *
     * @return list<array<string, string>>
     */
    public static function take(\FFI $ffi, \FFI\CData $table): array
    {
        try {
            return self::read($ffi, $table);
        } finally {
            $ffi->wxpay_table_free($table);
        }
    }

    /** @return list<array<string, string>> */
    private static function read(\FFI $ffi, \FFI\CData $table): array
    {
        $columns = $ffi->new('const char *');
        $columnsLength = $ffi->new('size_t');
        $columnCount = $ffi->new('size_t');
        $cells = $ffi->new('const char *');
        $cellsLength = $ffi->new('size_t');
        $rowCount = $ffi->new('size_t');
        $rc = $ffi->wxpay_table_packed(
            $table,
            \FFI::addr($columns), \FFI::addr($columnsLength), \FFI::addr($columnCount),
            \FFI::addr($cells), \FFI::addr($cellsLength), \FFI::addr($rowCount),
        );
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc, false);
        }
        $width = $columnCount->cdata;
        $height = $rowCount->cdata;
        if ($height === 0 || $width === 0) {
            return [];
        }
        $names = self::split(\FFI::string($columns, $columnsLength->cdata), $width, 'column names');
        $values = self::split(\FFI::string($cells, $cellsLength->cdata), $width * $height, 'cells');
        if (count(array_unique($names)) !== $width) {
            // Keyed rows would silently drop a column; the library's tables
            // have distinct names, so this is a broken library or bill.
            throw new \UnexpectedValueException('libwxpay handed out a table whose column names repeat: ' . implode(', ', array_diff_assoc($names, array_unique($names))));
        }
        $rows = [];
        foreach (array_chunk($values, $width) as $row) {
            $rows[] = array_combine($names, $row);
        }
        return $rows;
    }

    /**
     * Splits NUL-terminated items; exactly $count are promised.
     *
     * @return list<string>
     */
    private static function split(string $data, int $count, string $what): array
    {
        $items = explode("\0", $data);
        // Every item is followed by a NUL, so the last part is the empty rest.
        if (count($items) !== $count + 1 || array_pop($items) !== '') {
            throw new \UnexpectedValueException("libwxpay handed out a table with $count $what in " . (count($items)) . ' parts');
        }
        return $items;
    }
}

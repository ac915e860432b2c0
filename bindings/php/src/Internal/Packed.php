<?php

declare(strict_types=1);

namespace WxPay\Internal;

use WxPay\Exception\InvalidInputException;

// Imported so that PHP compiles these to their opcodes (a type check, a
// count) instead of a run-time lookup for WxPay\Internal\is_string() first.
use function count;
use function is_int;
use function is_string;

/**
 * PHP arrays to and from the library's packed form:
 * `name0 NUL value0 NUL name1 ... valueN`, with the field count beside it.
 *
 * A NUL inside a name or value is not looked for here: it adds a part, and
 * the library, which knows the count, refuses the set (`EMBEDDED_NUL`).
 *
 * @internal
 */
final class Packed
{
    private function __construct()
    {
    }

    /**
     * Packs fields for one library call.
     *
     * Values must be strings or ints; an int is written as its exact decimal
     * form. Everything else is refused, because its text would be a guess
     * (float rounding, `true` as "1", `null` as a dropped field).
     *
     * @param array<array-key, mixed> $fields
     * @throws InvalidInputException for a value that is not a string or an int.
     */
    public static function pack(array $fields): string
    {
        $parts = [];
        foreach ($fields as $name => $value) {
            if (!is_string($value) && !is_int($value)) {
                throw self::badValue($name, $value);
            }
            // implode writes int keys and values in exact decimal.
            $parts[] = $name;
            $parts[] = $value;
        }
        return implode("\0", $parts);
    }

    /**
     * Refuses a negative document size; 0 means the library's default.
     *
     * @throws InvalidInputException for a negative size
     */
    public static function checkMaxSize(int $maxSize): void
    {
        if ($maxSize < 0) {
            throw InvalidInputException::fromWrapper("maxSize must be 0 (the default) or a positive number of bytes, got $maxSize");
        }
    }

    /**
     * Unpacks what `wxpay_fields_packed` handed out.
     *
     * @return array<string, string> names to values in document order; a
     *     name PHP sees as a decimal integer becomes an int key, as in any
     *     PHP array.
     */
    public static function unpack(string $data, int $count): array
    {
        if ($count === 0) {
            return [];
        }
        $parts = explode("\0", $data);
        if (count($parts) !== 2 * $count) {
            // The library guarantees the shape; a mismatch means a broken library.
            throw new \UnexpectedValueException("libwxpay handed out $count fields in " . count($parts) . ' parts');
        }
        $fields = [];
        for ($i = 0, $n = count($parts); $i < $n; $i += 2) {
            $fields[$parts[$i]] = $parts[$i + 1];
        }
        return $fields;
    }

    private static function badValue(int|string $name, mixed $value): InvalidInputException
    {
        $what = match (true) {
            $value === null => 'null (leave the field out instead)',
            is_float($value) => 'a float (pass amounts as int fen or as a string)',
            is_bool($value) => 'a bool',
            is_array($value) => 'an array',
            is_object($value) => 'an object of class ' . $value::class,
            default => get_debug_type($value),
        };
        return InvalidInputException::fromWrapper(
            'field "' . self::printable((string) $name) . "\": values must be strings or ints, got $what"
        );
    }

    /** A field name fit for a message: at most 64 bytes, control bytes escaped. */
    private static function printable(string $name): string
    {
        $short = strlen($name) > 64 ? substr($name, 0, 64) . '...' : $name;
        return addcslashes($short, "\0..\37\177");
    }
}

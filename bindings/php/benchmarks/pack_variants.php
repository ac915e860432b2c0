<?php

/*
 * The PHP half of a sign call: packing a 16-field order for the library,
 * as the wrapper does now (one NUL-joined string of names and values) and as
 * a split ABI would let it (names and values as two NUL-joined strings,
 * after the same type check). Counted with callgrind by
 * count_instructions.sh --pack; a benchmark, not a test.
 *
 *   php bindings/php/benchmarks/pack_variants.php VARIANT N
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $file = __DIR__ . '/../src/' . str_replace('\\', '/', substr($class, strlen('WxPay\\'))) . '.php';
    if (str_starts_with($class, 'WxPay\\') && is_file($file)) {
        require $file;
    }
});

use WxPay\Internal\Packed;

require_once __DIR__ . '/order.php';

/** @return array{string, string} */
function pack_split(array $fields): array
{
    foreach ($fields as $value) {
        if (!is_string($value) && !is_int($value)) {
            throw new InvalidArgumentException('values must be strings or ints');
        }
    }
    return [implode("\0", array_keys($fields)), implode("\0", $fields)];
}

$variants = [
    'pack-joined' => static fn (array $f) => Packed::pack($f),
    'pack-split' => static fn (array $f) => pack_split($f),
    'none' => static fn (array $f) => null,
];
$fn = $variants[$argv[1] ?? ''] ?? null;
if ($fn === null) {
    fwrite(STDERR, 'variants: ' . implode(', ', array_keys($variants)) . "\n");
    exit(2);
}
$order = unified_order();
for ($i = 0, $n = (int) ($argv[2] ?? 0); $i < $n; $i++) {
    $fn($order);
}

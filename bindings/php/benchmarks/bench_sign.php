<?php

/*
 * Signing a 16-field unified order: WxPay::sign through FFI beside a plain
 * PHP implementation (ksort, build the string, md5 / hash_hmac), MD5 and
 * HMAC-SHA256, in the same process. A benchmark, not a test.
 *
 *   WXPAY_LIBRARY=target/release/libwxpay.so php bindings/php/benchmarks/bench_sign.php [iterations]
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
    $file = __DIR__ . '/../src/' . str_replace('\\', '/', substr($class, strlen('WxPay\\'))) . '.php';
    if (str_starts_with($class, 'WxPay\\') && is_file($file)) {
        require $file;
    }
});

use WxPay\SignType;
use WxPay\WxPay;

const KEY = '192006250b4c09247ec02edce69f6a2d';

require_once __DIR__ . '/order.php';

/** What a PHP SDK does, written the usual way. */
function plain_sign(array $fields, string $key, string $type): string
{
    unset($fields['sign']);
    ksort($fields, SORT_STRING);
    $pairs = [];
    foreach ($fields as $name => $value) {
        if ($value !== '' && $value !== null) {
            $pairs[] = $name . '=' . $value;
        }
    }
    $text = implode('&', $pairs) . '&key=' . $key;
    return strtoupper($type === 'MD5' ? md5($text) : hash_hmac('sha256', $text, $key));
}

/**
 * Both contenders in alternating rounds, so that a busy machine slows both
 * alike; the best round of each counts.
 *
 * @return array{float, float} nanoseconds per call
 */
function measure_pair(callable $first, callable $second, int $iterations, int $rounds = 7): array
{
    $best = [INF, INF];
    for ($round = 0; $round < $rounds; $round++) {
        foreach ([$first, $second] as $i => $fn) {
            $start = hrtime(true);
            for ($n = 0; $n < $iterations; $n++) {
                $fn();
            }
            $best[$i] = min($best[$i], (hrtime(true) - $start) / $iterations);
        }
    }
    return $best;
}

/** @return array<string, callable(): string> */
function variants(array $order): array
{
    return [
        'wxpay-md5' => static fn () => WxPay::sign($order, KEY, SignType::Md5),
        'plain-md5' => static fn () => plain_sign($order, KEY, 'MD5'),
        'wxpay-hmac' => static fn () => WxPay::sign($order, KEY, SignType::HmacSha256),
        'plain-hmac' => static fn () => plain_sign($order, KEY, 'HMAC-SHA256'),
    ];
}

$order = unified_order();
$variants = variants($order);

// `bench_sign.php --only VARIANT N`: run one variant N times, untimed, for
// count_instructions.sh (valgrind's instruction counts do not care how busy
// the machine is).
if (($argv[1] ?? '') === '--only') {
    $fn = $variants[$argv[2] ?? ''] ?? null;
    if ($fn === null) {
        fwrite(STDERR, 'variants: ' . implode(', ', array_keys($variants)) . "\n");
        exit(2);
    }
    WxPay::version();
    for ($i = 0, $n = (int) ($argv[3] ?? 0); $i < $n; $i++) {
        $fn();
    }
    exit(0);
}

$iterations = (int) ($argv[1] ?? 100000);
printf(
    "PHP %s, libwxpay %s, JIT %s, %d iterations x 7 alternating rounds (best), 16 fields\n",
    PHP_VERSION,
    WxPay::version(),
    function_exists('opcache_get_status') && (opcache_get_status()['jit']['on'] ?? false) ? 'on' : 'off',
    $iterations,
);
printf("%-12s %14s %14s %8s\n", 'algorithm', 'wxpay (ns)', 'plain PHP (ns)', 'ratio');
foreach ([['MD5', SignType::Md5], ['HMAC-SHA256', SignType::HmacSha256]] as [$name, $type]) {
    $ours = WxPay::sign($order, KEY, $type);
    $theirs = plain_sign($order, KEY, $name);
    if ($ours !== $theirs) {
        fwrite(STDERR, "$name: signatures differ: $ours vs $theirs\n");
        exit(1);
    }
    $short = $type === SignType::Md5 ? 'md5' : 'hmac';
    [$wxpay, $plain] = measure_pair($variants["wxpay-$short"], $variants["plain-$short"], $iterations);
    printf("%-12s %14.0f %14.0f %7.2fx\n", $name, $wxpay, $plain, $wxpay / $plain);
}

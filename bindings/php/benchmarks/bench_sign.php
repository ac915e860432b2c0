<?php

/*
 * Signing a 16-field unified order: WxPay::sign and Signer::sign through FFI beside a plain
 * PHP implementation (ksort, build the string, md5 / hash_hmac), MD5 and
 * HMAC-SHA256, in the same process, in interleaved rounds (the best of 7
 * counts). A benchmark, not a test: it prints and asserts nothing about speed.
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

use WxPay\Signer;
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
 * The contenders in alternating rounds, so that a busy machine slows all
 * alike; the best round of each counts.
 *
 * @param list<callable(): string> $contenders
 * @return list<float> nanoseconds per call, in the order given
 */
function measure_interleaved(array $contenders, int $iterations, int $rounds = 7): array
{
    $best = array_fill(0, count($contenders), INF);
    for ($round = 0; $round < $rounds; $round++) {
        foreach ($contenders as $i => $fn) {
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
    $md5 = new Signer(KEY, SignType::Md5);
    $hmac = new Signer(KEY, SignType::HmacSha256);
    return [
        'wxpay-md5' => static fn () => WxPay::sign($order, KEY, SignType::Md5),
        'signer-md5' => static fn () => $md5->sign($order),
        'plain-md5' => static fn () => plain_sign($order, KEY, 'MD5'),
        'wxpay-hmac' => static fn () => WxPay::sign($order, KEY, SignType::HmacSha256),
        'signer-hmac' => static fn () => $hmac->sign($order),
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
    "PHP %s, libwxpay %s, opcache %s, JIT %s, %d iterations x 7 interleaved rounds (best), 16 fields\n",
    PHP_VERSION,
    WxPay::version(),
    function_exists('opcache_get_status') && (opcache_get_status()['opcache_enabled'] ?? false) ? 'on' : 'off',
    function_exists('opcache_get_status') && (opcache_get_status()['jit']['on'] ?? false) ? 'on' : 'off',
    $iterations,
);
printf("%-12s %16s %16s %14s %10s %10s\n", 'algorithm', 'WxPay::sign (ns)', 'Signer::sign (ns)', 'plain PHP (ns)', 'ratio', 'ratio');
foreach ([['MD5', SignType::Md5], ['HMAC-SHA256', SignType::HmacSha256]] as [$name, $type]) {
    $short = $type === SignType::Md5 ? 'md5' : 'hmac';
    $expected = plain_sign($order, KEY, $name);
    foreach (['wxpay', 'signer'] as $contender) {
        $got = $variants["$contender-$short"]();
        if ($got !== $expected) {
            fwrite(STDERR, "$name: $contender signs $got, plain PHP $expected\n");
            exit(1);
        }
    }
    [$static, $signer, $plain] = measure_interleaved(
        [$variants["wxpay-$short"], $variants["signer-$short"], $variants["plain-$short"]],
        $iterations,
    );
    printf("%-12s %16.0f %17.0f %14.0f %9.2fx %9.2fx\n", $name, $static, $signer, $plain, $static / $plain, $signer / $plain);
}

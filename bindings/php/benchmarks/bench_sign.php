<?php

/*
 * Signing a 16-field unified order: WxPay::sign and Signer::sign through FFI beside a plain
 * PHP implementation (ksort, build the string, md5 / hash_hmac), MD5 and
 * HMAC-SHA256, in the same process, in interleaved rounds (the best of 7
 * counts). That is repeated in several processes started with the same php
 * options, and the median process is reported: the tracing JIT compiles a
 * little differently in every process, which moves one process's numbers by
 * up to 10%. A benchmark, not a test: it prints and asserts nothing about
 * speed.
 *
 *   WXPAY_LIBRARY=target/release/libwxpay.so php [-d ...] bindings/php/benchmarks/bench_sign.php [iterations [processes]]
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

/** @return array<string, float> nanoseconds per call by variant, measured in this process */
function measure_here(array $order, array $variants, int $iterations): array
{
    $times = [];
    foreach ([['MD5', 'md5'], ['HMAC-SHA256', 'hmac']] as [$name, $short]) {
        $expected = plain_sign($order, KEY, $name);
        foreach (['wxpay', 'signer'] as $contender) {
            $got = $variants["$contender-$short"]();
            if ($got !== $expected) {
                fwrite(STDERR, "$name: $contender signs $got, plain PHP $expected\n");
                exit(1);
            }
        }
        $names = ["wxpay-$short", "signer-$short", "plain-$short"];
        $best = measure_interleaved(array_map(static fn ($v) => $variants[$v], $names), $iterations);
        $times += array_combine($names, $best);
    }
    return $times;
}

/** The php options this process runs with that matter here, to start the others alike. */
function php_options(): array
{
    $options = [];
    foreach (['opcache.enable_cli', 'opcache.jit', 'opcache.jit_buffer_size'] as $name) {
        $value = ini_get($name);
        if ($value !== false) {
            $options[] = '-d';
            $options[] = "$name=$value";
        }
    }
    return $options;
}

$iterations = (int) ($argv[1] ?? 100000);
$processes = max(1, (int) ($argv[2] ?? 5));

// `bench_sign.php --child N`: one process's measurements, as JSON.
if (($argv[1] ?? '') === '--child') {
    echo json_encode(measure_here($order, $variants, (int) ($argv[2] ?? 100000))), "\n";
    exit(0);
}

printf(
    "PHP %s, libwxpay %s, opcache %s, JIT %s, 16 fields: %d iterations x 7 interleaved rounds (best), median of %d processes\n",
    PHP_VERSION,
    WxPay::version(),
    function_exists('opcache_get_status') && (opcache_get_status()['opcache_enabled'] ?? false) ? 'on' : 'off',
    function_exists('opcache_get_status') && (opcache_get_status()['jit']['on'] ?? false) ? 'on' : 'off',
    $iterations,
    $processes,
);
$command = array_merge([PHP_BINARY], php_options(), [__FILE__, '--child', (string) $iterations]);
$runs = [];
for ($i = 0; $i < $processes; $i++) {
    $output = [];
    exec(implode(' ', array_map('escapeshellarg', $command)), $output, $status);
    $run = $status === 0 ? json_decode(implode('', $output), true) : null;
    if (!is_array($run)) {
        fwrite(STDERR, "a benchmark process failed (exit status $status)\n");
        exit(1);
    }
    $runs[] = $run;
}
printf("%-12s %16s %17s %14s %10s %10s   %s\n", 'algorithm', 'WxPay::sign (ns)', 'Signer::sign (ns)', 'plain PHP (ns)', 'ratio', 'ratio', 'ratios of each process (WxPay::sign, Signer::sign)');
foreach ([['MD5', 'md5'], ['HMAC-SHA256', 'hmac']] as [$name, $short]) {
    // The process whose WxPay::sign ratio is the median; its three numbers
    // come from the same rounds.
    $ratio = static fn (array $run, string $who) => $run["$who-$short"] / $run["plain-$short"];
    usort($runs, static fn ($a, $b) => $ratio($a, 'wxpay') <=> $ratio($b, 'wxpay'));
    $median = $runs[intdiv(count($runs), 2)];
    $each = implode(' ', array_map(static fn ($run) => sprintf('%.2f/%.2f', $ratio($run, 'wxpay'), $ratio($run, 'signer')), $runs));
    printf(
        "%-12s %16.0f %17.0f %14.0f %9.2fx %9.2fx   %s\n",
        $name,
        $median["wxpay-$short"],
        $median["signer-$short"],
        $median["plain-$short"],
        $ratio($median, 'wxpay'),
        $ratio($median, 'signer'),
        $each,
    );
}

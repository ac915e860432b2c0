<?php

declare(strict_types=1);

/*
 * Derives the PHP side of the C ABI from include/wxpay.h, so that the two
 * cannot drift apart silently:
 *   wxpay.ffi.h            the declarations, in the subset PHP's FFI parser
 *                          accepts (no preprocessor lines, no comments,
 *                          no extern "C" block);
 *   wxpay.preload.h        the same for php.ini's ffi.preload, naming the
 *                          scope WXPAY and the library libwxpay.so (found by
 *                          the system's dynamic loader);
 *   src/ResultCode.php     the wxpay_result codes as PHP constants;
 *   src/Internal/Abi.php   the header's numeric #defines.
 *
 * Usage: php tools/gen-ffi.php [--check] [path/to/wxpay.h]
 * --check writes nothing and exits 1 when a committed file is out of date
 * (the test suite runs it).
 */

const PACKAGE_DIR = __DIR__ . '/..';

/**
 * @return array{declarations: string, defines: array<string, int>, results: list<array{name: string, value: int, doc: string}>}
 */
function parse_header(string $header): array
{
    $lines = preg_split('/\R/', $header);
    $defines = [];
    $kept = [];
    // One entry per open #if: whether its body is kept. C++-only blocks are
    // dropped; the include guard's body is what we want.
    $conditions = [];
    foreach ($lines as $line) {
        $trimmed = trim($line);
        if (preg_match('/^#\s*(ifdef|ifndef|if)\b\s*(.*)$/', $trimmed, $m)) {
            $conditions[] = !($m[1] === 'ifdef' && trim($m[2]) === '__cplusplus');
            continue;
        }
        if (preg_match('/^#\s*endif\b/', $trimmed)) {
            if (array_pop($conditions) === null) {
                throw new RuntimeException('unbalanced #endif in the header');
            }
            continue;
        }
        if (preg_match('/^#\s*else\b/', $trimmed)) {
            throw new RuntimeException('#else in the header: teach gen-ffi.php what it means before using it');
        }
        if (in_array(false, $conditions, true)) {
            continue;
        }
        if (preg_match('/^#\s*define\s+(WXPAY_[A-Z0-9_]+)\s+(\d+)\s*$/', $trimmed, $m)) {
            $defines[$m[1]] = (int) $m[2];
            continue;
        }
        if (str_starts_with($trimmed, '#')) {
            // #include and the include guard's own #define: PHP's FFI has no preprocessor.
            continue;
        }
        $kept[] = $line;
    }
    if ($conditions !== []) {
        throw new RuntimeException('unterminated #if in the header');
    }
    $body = implode("\n", $kept);

    $results = parse_result_enum($body);

    $code = preg_replace('~/\*.*?\*/~s', '', $body);
    $code = preg_replace('~^[ \t]*//[^\n]*\n~m', '', $code);
    $code = preg_replace('~//[^\n]*~', '', $code);
    $code = preg_replace('/[ \t]+$/m', '', $code);
    $code = preg_replace("/\n{3,}/", "\n\n", $code);
    return ['declarations' => trim($code) . "\n", 'defines' => $defines, 'results' => $results];
}

/**
 * @return list<array{name: string, value: int, doc: string}>
 */
function parse_result_enum(string $body): array
{
    if (!preg_match('/typedef enum \{(.*?)\}\s*wxpay_result;/s', $body, $m)) {
        throw new RuntimeException('wxpay_result enum not found in the header');
    }
    $results = [];
    $doc = [];
    foreach (preg_split('/\R/', $m[1]) as $line) {
        $line = trim($line);
        if (str_starts_with($line, '//')) {
            $doc[] = trim(substr($line, 2));
        } elseif (preg_match('/^WXPAY_RESULT_([A-Z0-9_]+)\s*=\s*(\d+)\s*,?$/', $line, $e)) {
            $results[] = ['name' => $e[1], 'value' => (int) $e[2], 'doc' => implode(' ', $doc)];
            $doc = [];
        } elseif ($line !== '') {
            throw new RuntimeException("unexpected line in wxpay_result: $line");
        }
    }
    return $results;
}

/**
 * The functions the wrapper calls (`->wxpay_name(` in src/), and
 * wxpay_version, which the loader checks.
 *
 * @return list<string>
 */
function used_functions(): array
{
    $used = ['wxpay_version'];
    $files = new RecursiveIteratorIterator(new RecursiveDirectoryIterator(PACKAGE_DIR . '/src', FilesystemIterator::SKIP_DOTS));
    foreach ($files as $file) {
        preg_match_all('/->(wxpay_[a-z0-9_]+)\(/', (string) file_get_contents($file->getPathname()), $m);
        array_push($used, ...$m[1]);
    }
    $used = array_values(array_unique($used));
    sort($used);
    return $used;
}

/**
 * What FFI::cdef parses on every request that is not preloaded, so only
 * what the wrapper uses: the prototypes of the functions it calls (each
 * exactly as in the header) and every type; the result enum, whose values
 * PHP takes from ResultCode, as the int32_t it is. The header's comments
 * are dropped too; the header is where to read them.
 */
function ffi_declarations(array $parsed): string
{
    $used = used_functions();
    $kept = [];
    foreach (preg_split("/\n{2,}/", trim($parsed['declarations'])) as $chunk) {
        if (preg_match('/^(?!typedef)[^(]*\b(wxpay_[a-z0-9_]+)\(/', $chunk, $m)) {
            if (!in_array($m[1], $used, true)) {
                continue;
            }
            $used = array_values(array_diff($used, [$m[1]]));
        }
        $kept[] = preg_replace('/typedef enum \{[^}]*\}\s*wxpay_result;/', 'typedef int32_t wxpay_result;', $chunk);
    }
    if ($used !== []) {
        throw new RuntimeException('the wrapper calls functions the header lacks: ' . implode(', ', $used));
    }
    return implode("\n\n", $kept) . "\n";
}

function render_ffi_header(array $parsed): string
{
    return "/* Generated by tools/gen-ffi.php from include/wxpay.h: what src/ uses. Do not edit. */\n\n"
        . ffi_declarations($parsed);
}

function render_preload_header(array $parsed): string
{
    // FFI reads these two defines only as the file's first lines.
    return "#define FFI_SCOPE \"WXPAY\"\n#define FFI_LIB \"libwxpay.so\"\n" . render_ffi_header($parsed);
}

function render_result_codes(array $parsed): string
{
    $out = "<?php\n\n// Generated by tools/gen-ffi.php from include/wxpay.h. Do not edit.\n\n"
        . "declare(strict_types=1);\n\nnamespace WxPay;\n\n"
        . "/**\n * The library's result codes (`wxpay_result`), as carried by every\n"
        . " * {@see Exception\\WxPayException::getCode()}. Numbers are grouped by kind\n"
        . " * (1xx arguments, 2xx signatures, 3xx XML, 4xx certificates, 5xx transport,\n"
        . " * 6xx protocol FAIL, 7xx business FAIL, 9xx internal) and never reused.\n */\n"
        . "final class ResultCode\n{\n";
    foreach ($parsed['results'] as $r) {
        if ($r['doc'] !== '') {
            $out .= "    /** " . str_replace('*/', '* /', $r['doc']) . " */\n";
        }
        $out .= "    public const {$r['name']} = {$r['value']};\n";
    }
    $out .= "\n    private function __construct()\n    {\n    }\n}\n";
    return $out;
}

function render_abi_constants(array $parsed): string
{
    $out = "<?php\n\n// Generated by tools/gen-ffi.php from include/wxpay.h. Do not edit.\n\n"
        . "declare(strict_types=1);\n\nnamespace WxPay\\Internal;\n\n"
        . "/**\n * The header's numeric #defines, which PHP's FFI cannot see.\n *\n * @internal\n */\n"
        . "final class Abi\n{\n";
    foreach ($parsed['defines'] as $name => $value) {
        $out .= "    public const " . substr($name, strlen('WXPAY_')) . " = $value;\n";
    }
    $out .= "\n    private function __construct()\n    {\n    }\n}\n";
    return $out;
}

function main(array $argv): int
{
    $args = array_slice($argv, 1);
    $check = in_array('--check', $args, true);
    $args = array_values(array_filter($args, fn (string $a): bool => $a !== '--check'));
    $headerPath = $args[0] ?? PACKAGE_DIR . '/../../include/wxpay.h';
    $header = file_get_contents($headerPath);
    if ($header === false) {
        fwrite(STDERR, "cannot read $headerPath\n");
        return 2;
    }
    $parsed = parse_header($header);
    $outputs = [
        'wxpay.ffi.h' => render_ffi_header($parsed),
        'wxpay.preload.h' => render_preload_header($parsed),
        'src/ResultCode.php' => render_result_codes($parsed),
        'src/Internal/Abi.php' => render_abi_constants($parsed),
    ];
    $stale = 0;
    foreach ($outputs as $relative => $content) {
        $path = PACKAGE_DIR . '/' . $relative;
        $current = is_file($path) ? file_get_contents($path) : null;
        if ($current === $content) {
            continue;
        }
        if ($check) {
            fwrite(STDERR, "$relative is out of date with $headerPath; run php tools/gen-ffi.php\n");
            $stale++;
        } else {
            file_put_contents($path, $content);
            echo "wrote $relative\n";
        }
    }
    return $stale === 0 ? 0 : 1;
}

exit(main($argv));

<?php

declare(strict_types=1);

namespace WxPay;

use WxPay\Exception\LibraryException;

/**
 * The one FFI instance for libwxpay, created on first use.
 *
 * Where it comes from, in order:
 * 1. the preloaded scope `WXPAY` ({@see FFI::preload()} from an
 *    `opcache.preload` script): what production PHP-FPM uses, because its
 *    default `ffi.enable=preload` forbids `FFI::cdef` while serving requests;
 * 2. otherwise `FFI::cdef` over `wxpay.ffi.h` and the library found by
 *    {@see FFI::libraryPath()}.
 *
 * Either way the library's `wxpay_version()` must be {@see FFI::VERSION}.
 */
final class FFI
{
    /** The library version this wrapper is written for. */
    public const VERSION = '0.2.0';

    /** The FFI scope name used when preloading. */
    public const SCOPE = 'WXPAY';

    /** The environment variable that names the library file. */
    public const LIBRARY_ENV = 'WXPAY_LIBRARY';

    private static ?\FFI $ffi = null;
    private static ?string $libraryOverride = null;
    private static ?string $origin = null;

    private function __construct()
    {
    }

    /**
     * Chooses the library file before it is loaded; it wins over
     * `WXPAY_LIBRARY`. Null goes back to the default search.
     *
     * @throws LibraryException when the library is already loaded.
     */
    public static function setLibraryPath(?string $path): void
    {
        if (self::$ffi !== null) {
            throw new LibraryException('libwxpay is already loaded (from ' . self::$origin . '); set its path before the first call');
        }
        self::$libraryOverride = $path;
    }

    /**
     * The library file `FFI::cdef` will load: the path given to
     * {@see setLibraryPath()}, else `$WXPAY_LIBRARY`, else `lib/` in this
     * package if it holds the library, else the bare file name, which the
     * system's dynamic loader looks up (`LD_LIBRARY_PATH`, `ldconfig`).
     */
    public static function libraryPath(): string
    {
        if (self::$libraryOverride !== null && self::$libraryOverride !== '') {
            return self::$libraryOverride;
        }
        $fromEnv = getenv(self::LIBRARY_ENV);
        if (is_string($fromEnv) && $fromEnv !== '') {
            return $fromEnv;
        }
        $name = match (PHP_OS_FAMILY) {
            'Windows' => 'wxpay.dll',
            'Darwin' => 'libwxpay.dylib',
            default => 'libwxpay.so',
        };
        $bundled = dirname(__DIR__) . '/lib/' . $name;
        return is_file($bundled) ? $bundled : $name;
    }

    /**
     * The FFI declarations generated from `include/wxpay.h`.
     *
     * @throws LibraryException when the file is missing.
     */
    public static function declarations(): string
    {
        $path = dirname(__DIR__) . '/wxpay.ffi.h';
        $text = @file_get_contents($path);
        if ($text === false) {
            throw new LibraryException("cannot read the FFI declarations at $path; the wxpay package is incomplete");
        }
        return $text;
    }

    /**
     * The FFI instance, loading the library on first use.
     *
     * @throws LibraryException when ext-ffi is missing or restricted, the
     *     library cannot be loaded, or its version does not match.
     */
    public static function instance(): \FFI
    {
        return self::$ffi ??= self::load();
    }

    /**
     * How the library was loaded: `"preload"` (the `WXPAY` scope),
     * `"cdef"`, or null when it is not loaded yet.
     */
    public static function loadedFrom(): ?string
    {
        return self::$origin;
    }

    /**
     * Loads the library into the `WXPAY` FFI scope from an `opcache.preload`
     * script (see `preload.php`); requests then find the scope without
     * `FFI::cdef`. Does nothing but check the version when `ffi.preload`
     * already made the scope.
     *
     * PHP refuses `FFI::load` together with `opcache.preload_user`, which a
     * root FPM master needs; there, use `ffi.preload` with
     * {@see preloadHeader()}'s text (see the README).
     *
     * @param string|null $library the library file; default {@see libraryPath()}
     *     as seen by the process that preloads (the FPM master)
     * @throws LibraryException when ext-ffi is missing, the library cannot be
     *     loaded, or its version does not match.
     */
    public static function preload(?string $library = null): void
    {
        self::requireExtension();
        $scoped = self::fromScope();
        if ($scoped !== null) {
            self::checkVersion($scoped, 'the preloaded scope ' . self::SCOPE);
            return;
        }
        $library ??= self::libraryPath();
        $header = self::preloadHeader($library);
        // FFI::load is the only way to name a scope at runtime, and it reads a file.
        $file = tempnam(sys_get_temp_dir(), 'wxpay-ffi-');
        if ($file === false) {
            throw new LibraryException('cannot create a temporary file to preload libwxpay');
        }
        try {
            if (file_put_contents($file, $header) === false) {
                throw new LibraryException("cannot write $file to preload libwxpay");
            }
            try {
                $ffi = @\FFI::load($file);
            } catch (\FFI\Exception $e) {
                throw new LibraryException("cannot preload libwxpay from '$library': " . $e->getMessage(), 0, $e);
            }
        } finally {
            @unlink($file);
        }
        if ($ffi === null) {
            throw new LibraryException("cannot preload libwxpay from '$library': " . (error_get_last()['message'] ?? 'FFI::load failed'));
        }
        self::checkVersion($ffi, $library);
    }

    /**
     * The text of a header for php.ini's `ffi.preload` (or `FFI::load`) that
     * loads `$library` into the `WXPAY` scope. `wxpay.preload.h` in this
     * package is this text for `libwxpay.so` on the loader's search path;
     * `tools/preload-header.php` writes it for another path.
     *
     * @throws LibraryException for a path FFI_LIB cannot carry.
     */
    public static function preloadHeader(string $library): string
    {
        if ($library === '' || preg_match('/["\\\\\x00-\x1f]/', $library)) {
            throw new LibraryException('the library path must be non-empty, without quotes, backslashes or control characters');
        }
        return '#define FFI_SCOPE "' . self::SCOPE . "\"\n#define FFI_LIB \"$library\"\n" . self::declarations();
    }

    private static function load(): \FFI
    {
        self::requireExtension();
        $ffi = self::fromScope();
        if ($ffi !== null) {
            self::checkVersion($ffi, 'the preloaded scope ' . self::SCOPE);
            self::$origin = 'preload';
            return $ffi;
        }
        $library = self::libraryPath();
        try {
            // One cdef per request that is not preloaded: it is most of what
            // loading costs (see benchmarks/fpm_bench.sh).
            $ffi = \FFI::cdef(self::declarations(), $library);
        } catch (\FFI\Exception $e) {
            // cdef resolves every declared function at once: a library of
            // another version fails on some missing symbol; say which version it is.
            self::checkVersionOnly($library);
            if (self::runtimeCdefForbidden()) {
                $mode = (string) ini_get('ffi.enable');
                throw new LibraryException(
                    strtolower($mode) === 'preload'
                        ? 'ffi.enable=preload lets only preloaded code use FFI, and FFI::cdef not at all while serving requests:'
                            . ' add bindings/php/preload.php to opcache.preload (see the README for the php.ini lines)'
                        : "ffi.enable=$mode disables FFI: set ffi.enable=preload and preload the wrapper with"
                            . ' bindings/php/preload.php (see the README), or set ffi.enable=1',
                    0,
                    $e,
                );
            }
            throw new LibraryException(
                "cannot load libwxpay from '$library': " . $e->getMessage()
                . '; set ' . self::LIBRARY_ENV . ' or call WxPay\FFI::setLibraryPath()',
                0,
                $e,
            );
        }
        self::checkVersion($ffi, $library);
        self::$origin = 'cdef';
        return $ffi;
    }

    /** Throws the version mismatch when the file at `$library` is a libwxpay of another version. */
    private static function checkVersionOnly(string $library): void
    {
        try {
            $version = \FFI::cdef('const char *wxpay_version(void);', $library);
        } catch (\FFI\Exception) {
            return;
        }
        self::checkVersion($version, $library);
    }

    private static function fromScope(): ?\FFI
    {
        try {
            return \FFI::scope(self::SCOPE);
        } catch (\FFI\Exception) {
            // Not preloaded (or FFI restricted, which cdef will report).
            return null;
        }
    }

    private static function runtimeCdefForbidden(): bool
    {
        $mode = strtolower((string) ini_get('ffi.enable'));
        if ($mode === 'preload') {
            return PHP_SAPI !== 'cli';
        }
        return !in_array($mode, ['1', 'on', 'true', 'yes'], true);
    }

    private static function requireExtension(): void
    {
        if (!extension_loaded('ffi')) {
            throw new LibraryException(
                'the PHP extension ffi is not loaded; install it (Debian: it ships with php-cli) and enable it with extension=ffi'
            );
        }
    }

    private static function checkVersion(\FFI $ffi, string $where): void
    {
        $version = $ffi->wxpay_version();
        if ($version !== self::VERSION) {
            throw new LibraryException(
                "libwxpay from $where is version $version but this wrapper needs " . self::VERSION
                . '; install the matching library or wrapper'
            );
        }
    }
}

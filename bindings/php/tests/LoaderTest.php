<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\LibraryException;
use WxPay\FFI;
use WxPay\Internal\Abi;
use WxPay\SignType;
use WxPay\WxPay;

final class LoaderTest extends TestCase
{
    private static function library(): string
    {
        return (string) getenv(FFI::LIBRARY_ENV);
    }

    /** Runs $code in a child PHP with the wrapper loadable; $WXPAY_LIBRARY as given. */
    private static function child(string $code, array $phpArgs = [], ?string $library = null): array
    {
        $env = getenv();
        unset($env[FFI::LIBRARY_ENV]);
        if ($library !== null) {
            $env[FFI::LIBRARY_ENV] = $library;
        }
        return PhpProcess::run($phpArgs, "<?php\ndeclare(strict_types=1);\n" . PhpProcess::autoloader() . "\n$code", $env);
    }

    public function testTheLoadedLibraryIsTheWrappersVersion(): void
    {
        $this->assertSame(FFI::VERSION, WxPay::version());
        $this->assertSame('cdef', FFI::loadedFrom());
    }

    public function testThePathCannotChangeOnceLoaded(): void
    {
        FFI::instance();
        $this->expectException(LibraryException::class);
        FFI::setLibraryPath('/elsewhere/libwxpay.so');
    }

    public function testTheSetterWinsOverTheEnvironmentWhichWinsOverTheDefault(): void
    {
        $code = 'echo WxPay\FFI::libraryPath(), "\n"; WxPay\FFI::setLibraryPath("/set/lib.so"); echo WxPay\FFI::libraryPath(), "\n";'
            . 'WxPay\FFI::setLibraryPath(null); echo WxPay\FFI::libraryPath();';
        $this->assertSame(self::library() . "\n/set/lib.so\n" . self::library(), self::child($code, [], self::library())['stdout']);
        $this->assertSame("libwxpay.so\n/set/lib.so\nlibwxpay.so", self::child($code)['stdout']);
    }

    public function testTheEnvironmentVariableIsUsed(): void
    {
        $run = self::child('echo WxPay\WxPay::sign(["a" => "1"], str_repeat("k", 32)), " ", WxPay\FFI::loadedFrom();', [], self::library());
        $this->assertSame(WxPay::sign(['a' => '1'], str_repeat('k', 32)) . ' cdef', $run['stdout'], $run['stderr']);
    }

    public function testAMissingLibraryIsAClearError(): void
    {
        $run = self::child('try { WxPay\WxPay::nonce(); } catch (WxPay\Exception\LibraryException $e) { echo $e->getMessage(); }', [], '/nonexistent/libwxpay.so');
        $this->assertStringContainsString("cannot load libwxpay from '/nonexistent/libwxpay.so'", $run['stdout']);
        $this->assertStringContainsString('WXPAY_LIBRARY', $run['stdout']);
    }

    public function testAMissingFfiExtensionIsAClearError(): void
    {
        // -n: no php.ini, so no shared extensions, ffi included.
        $run = self::child('try { WxPay\WxPay::nonce(); } catch (WxPay\Exception\LibraryException $e) { echo $e->getMessage(); }', ['-n'], self::library());
        $this->assertStringContainsString('the PHP extension ffi is not loaded', $run['stdout'], $run['stderr']);
    }

    public function testADisabledFfiIsAClearError(): void
    {
        $run = self::child('try { WxPay\WxPay::nonce(); } catch (WxPay\Exception\LibraryException $e) { echo $e->getMessage(); }', ['-d', 'ffi.enable=0'], self::library());
        $this->assertStringContainsString('ffi.enable=0 disables FFI', $run['stdout'], $run['stderr']);
        $this->assertStringContainsString('preload.php', $run['stdout']);
    }

    public function testAnotherVersionOfTheLibraryIsRefused(): void
    {
        $compiler = trim((string) shell_exec('command -v cc'));
        if ($compiler === '') {
            $this->markTestSkipped('no C compiler to build a library of another version');
        }
        $dir = sys_get_temp_dir() . '/wxpay-fake-' . getmypid();
        @mkdir($dir);
        $source = "$dir/fake.c";
        $library = "$dir/libwxpay.so";
        file_put_contents($source, "const char *wxpay_version(void) { return \"9.9.9\"; }\n");
        exec(escapeshellarg($compiler) . ' -shared -fPIC -o ' . escapeshellarg($library) . ' ' . escapeshellarg($source) . ' 2>&1', $output, $status);
        try {
            $this->assertSame(0, $status, implode("\n", $output));
            $run = self::child('try { WxPay\WxPay::nonce(); } catch (WxPay\Exception\LibraryException $e) { echo $e->getMessage(); }', [], $library);
            $this->assertStringContainsString('is version 9.9.9 but this wrapper needs 0.2.0', $run['stdout'], $run['stderr']);
        } finally {
            @unlink($source);
            @unlink($library);
            @rmdir($dir);
        }
    }

    public function testTheGeneratedFilesMatchTheHeader(): void
    {
        exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(dirname(__DIR__) . '/tools/gen-ffi.php') . ' --check 2>&1', $output, $status);
        $this->assertSame(0, $status, implode("\n", $output));
    }

    public function testTheFreshnessCheckNoticesAChangedHeader(): void
    {
        $header = (string) file_get_contents(dirname(__DIR__, 3) . '/include/wxpay.h');
        $changed = str_replace('  uint64_t reverse_interval_ms;', "  uint64_t reverse_interval_ms;\n  uint64_t new_option;", $header);
        $this->assertNotSame($header, $changed);
        $copy = tempnam(sys_get_temp_dir(), 'wxpay-h-');
        file_put_contents($copy, $changed);
        try {
            exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(dirname(__DIR__) . '/tools/gen-ffi.php') . ' --check ' . escapeshellarg($copy) . ' 2>&1', $output, $status);
        } finally {
            unlink($copy);
        }
        $this->assertSame(1, $status);
        $this->assertStringContainsString('wxpay.ffi.h is out of date', implode("\n", $output));
    }

    public function testTheDeclarationsAreWhatTheWrapperCallsAndComeFromTheHeader(): void
    {
        $declarations = FFI::declarations();
        $this->assertDoesNotMatchRegularExpression('/^\s*#/m', $declarations);
        $header = (string) file_get_contents(dirname(__DIR__, 3) . '/include/wxpay.h');
        preg_match_all('/^[a-z][^(\n]*\b(wxpay_[a-z0-9_]+)\(/m', $declarations, $declared);
        $called = ['wxpay_version'];
        foreach (new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(dirname(__DIR__) . '/src', \FilesystemIterator::SKIP_DOTS)) as $file) {
            preg_match_all('/->(wxpay_[a-z0-9_]+)\(/', (string) file_get_contents($file->getPathname()), $m);
            array_push($called, ...$m[1]);
        }
        $called = array_values(array_unique($called));
        sort($called);
        $names = $declared[1];
        sort($names);
        $this->assertSame($called, $names);
        foreach ($names as $function) {
            $this->assertMatchesRegularExpression('/\b' . $function . '\(/', $header);
        }
        // PHP takes the codes from ResultCode; the enum's 60-odd names need not be parsed.
        $this->assertStringContainsString('typedef int32_t wxpay_result;', $declarations);
    }

    public function testEnumsAndBufferSizesAgreeWithTheHeader(): void
    {
        $ffi = FFI::instance();
        $this->assertSame(SignType::Auto->value, $ffi->WXPAY_SIGN_TYPE_AUTO);
        $this->assertSame(SignType::Md5->value, $ffi->WXPAY_SIGN_TYPE_MD5);
        $this->assertSame(SignType::HmacSha256->value, $ffi->WXPAY_SIGN_TYPE_HMAC_SHA256);
        $this->assertSame(65, Abi::SIGN_BUF_LEN);
        $this->assertSame(33, Abi::NONCE_BUF_LEN);
    }
}

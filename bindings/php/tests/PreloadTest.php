<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\FFI;
use WxPay\WxPay;

/**
 * The production path: ffi.enable=preload, the library in the WXPAY scope,
 * the classes preloaded. The child scripts have no autoloader, so every
 * class they use must come from the preload.
 */
final class PreloadTest extends TestCase
{
    private const SCRIPT = '<?php echo WxPay\WxPay::sign(["appid" => "wx1", "total_fee" => 88], "192006250b4c09247ec02edce69f6a2d"), " ",'
        . ' WxPay\FFI::loadedFrom(), " ", WxPay\WxPay::parseXml("<xml><a>1</a></xml>")["a"];';

    private static function expected(): string
    {
        return WxPay::sign(['appid' => 'wx1', 'total_fee' => 88], self::KEY) . ' preload 1';
    }

    /** @return list<string> */
    private static function preloadArgs(): array
    {
        return [
            '-d', 'ffi.enable=preload',
            '-d', 'opcache.enable=1',
            '-d', 'opcache.enable_cli=1',
            '-d', 'opcache.preload=' . dirname(__DIR__) . '/preload.php',
        ];
    }

    private static function isRoot(): bool
    {
        return function_exists('posix_geteuid') ? posix_geteuid() === 0 : trim((string) shell_exec('id -u')) === '0';
    }

    public function testFfiPreloadHeaderWithOpcachePreloadUser(): void
    {
        // What a root FPM master needs: opcache.preload_user, which rules out
        // FFI::load, so the scope comes from ffi.preload.
        $header = tempnam(sys_get_temp_dir(), 'wxpay-preload-');
        exec(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(dirname(__DIR__) . '/tools/preload-header.php') . ' '
            . escapeshellarg((string) getenv(FFI::LIBRARY_ENV)) . ' > ' . escapeshellarg($header), $output, $status);
        try {
            $this->assertSame(0, $status);
            $user = trim((string) shell_exec('id -un'));
            $run = PhpProcess::run(
                [...self::preloadArgs(), '-d', "ffi.preload=$header", '-d', "opcache.preload_user=$user"],
                self::SCRIPT,
            );
        } finally {
            unlink($header);
        }
        $this->assertSame(self::expected(), $run['stdout'], $run['stderr']);
    }

    public function testOpcachePreloadAloneLoadsTheLibraryItself(): void
    {
        // Without opcache.preload_user, which PHP demands of root, preload.php
        // makes the scope with FFI::load from $WXPAY_LIBRARY.
        $prefix = [];
        if (self::isRoot()) {
            if (trim((string) shell_exec('command -v runuser')) === '') {
                $this->markTestSkipped('running as root without runuser to drop privileges');
            }
            $prefix = ['runuser', '-u', 'nobody', '--', 'env', FFI::LIBRARY_ENV . '=' . getenv(FFI::LIBRARY_ENV)];
        }
        $run = PhpProcess::run(self::preloadArgs(), self::SCRIPT, null, $prefix);
        $this->assertSame(self::expected(), $run['stdout'], $run['stderr']);
    }

    public function testAWrongLibraryFailsThePreloadLoudly(): void
    {
        $prefix = self::isRoot() ? ['runuser', '-u', 'nobody', '--', 'env', FFI::LIBRARY_ENV . '=/nonexistent/libwxpay.so'] : [];
        $env = self::isRoot() ? null : [FFI::LIBRARY_ENV => '/nonexistent/libwxpay.so'] + getenv();
        $run = PhpProcess::run(self::preloadArgs(), self::SCRIPT, $env, $prefix);
        $this->assertNotSame(0, $run['status']);
        $this->assertStringContainsString("cannot preload libwxpay from '/nonexistent/libwxpay.so'", $run['stdout'] . $run['stderr']);
    }

    private static function cgiBinary(): ?string
    {
        $besides = dirname(PHP_BINARY) . '/php-cgi';
        if (is_executable($besides)) {
            return $besides;
        }
        $found = trim((string) shell_exec('command -v php-cgi'));
        return $found === '' ? null : $found;
    }

    /** @return array{status: int, stdout: string, stderr: string} */
    private static function runCgi(array $args, string $code): array
    {
        $cgi = self::cgiBinary();
        if ($cgi === null) {
            self::markTestSkipped('php-cgi is not installed (test.sh installs it)');
        }
        $script = tempnam(sys_get_temp_dir(), 'wxpay-cgi-');
        file_put_contents($script, $code);
        try {
            exec(implode(' ', array_map('escapeshellarg', [$cgi, '-q', ...$args, '-f', $script])) . ' 2>&1', $output, $status);
        } finally {
            unlink($script);
        }
        return ['status' => $status, 'stdout' => implode("\n", $output), 'stderr' => ''];
    }

    public function testAServerSapiWorksThroughThePreload(): void
    {
        // Unlike the CLI, a server SAPI (here CGI, as FPM) lets only preloaded
        // code touch FFI under ffi.enable=preload.
        $header = tempnam(sys_get_temp_dir(), 'wxpay-preload-');
        file_put_contents($header, FFI::preloadHeader((string) getenv(FFI::LIBRARY_ENV)));
        try {
            $user = trim((string) shell_exec('id -un'));
            $run = self::runCgi(
                [...self::preloadArgs(), '-d', "ffi.preload=$header", '-d', "opcache.preload_user=$user"],
                '<?php echo PHP_SAPI, " "; ' . substr(self::SCRIPT, strlen('<?php ')),
            );
        } finally {
            unlink($header);
        }
        $this->assertSame('cgi-fcgi ' . self::expected(), $run['stdout']);
    }

    public function testTheClientAndItsLoggerWorkThroughThePreloadInAServerSapi(): void
    {
        // The client uses FFI's static API and an FFI callback: both must be
        // allowed to preloaded code in a server SAPI under ffi.enable=preload.
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $dead = 'https://' . stream_socket_get_name($socket, false) . '/';
        fclose($socket);
        $code = <<<'PHP'
            <?php
            $log = new class () { public array $levels = []; public function log($level, $message) { $this->levels[] = $level; } };
            $client = new WxPay\Client(['mch_id' => '1900000109', 'api_key' => '192006250b4c09247ec02edce69f6a2d',
                'appid' => 'wx1', 'host' => getenv('DEAD'), 'backup_host' => 'none', 'log_level' => 'debug'], $log);
            foreach ([fn () => $client->orderQuery(['out_trade_no' => '1']), fn () => $client->downloadBill(['bill_date' => '20260101'])] as $call) {
                try { $call(); } catch (WxPay\Exception\TransportException $e) { echo $e->getCodeName(), ' '; }
            }
            echo implode(',', array_unique($log->levels)), ' ', count(WxPay\Client::endpointInfo('secapi/pay/refund')->required);
            $client->close();
            PHP;
        $header = tempnam(sys_get_temp_dir(), 'wxpay-preload-');
        file_put_contents($header, FFI::preloadHeader((string) getenv(FFI::LIBRARY_ENV)));
        putenv("DEAD=$dead");
        try {
            $user = trim((string) shell_exec('id -un'));
            $run = self::runCgi([...self::preloadArgs(), '-d', "ffi.preload=$header", '-d', "opcache.preload_user=$user"], $code);
        } finally {
            putenv('DEAD');
            unlink($header);
        }
        $this->assertSame('WXPAY_RESULT_CONNECT WXPAY_RESULT_CONNECT debug,error 3', $run['stdout']);
    }

    public function testAServerSapiWithoutThePreloadSaysWhatToDo(): void
    {
        $code = '<?php ' . PhpProcess::autoloader() . ' try { WxPay\WxPay::nonce(); } catch (WxPay\Exception\LibraryException $e) { echo $e->getMessage(); }';
        $run = self::runCgi(['-d', 'ffi.enable=preload'], $code);
        $this->assertStringContainsString('ffi.enable=preload lets only preloaded code use FFI', $run['stdout']);
        $this->assertStringContainsString('opcache.preload', $run['stdout']);
    }
}

<?php

declare(strict_types=1);

namespace WxPay\Tests;

/**
 * A running wxpay-sim (the repository's WeChat Pay simulator) in a temporary
 * directory: started on first use, once per test run, stopped at the end
 * ({@see SimulatorExtension}, or at process exit).
 *
 * The binary is `$WXPAY_SIM`, else `target/release/wxpay-sim` under the
 * repository root (`cargo build --release --features sim` builds it).
 */
final class Simulator
{
    public const MCH_ID = '1900000109';
    public const APPID = 'wx2421b1c4370ec43b';
    public const KEY = '192006250b4c09247ec02edce69f6a2d';

    private static ?self $shared = null;

    /** @var resource */
    private $process;
    private bool $stopped = false;

    /**
     * @param resource $process
     */
    private function __construct($process, public readonly string $url, public readonly string $dir, private readonly string $home)
    {
        $this->process = $process;
    }

    /** The simulator binary, or null when it is not built. */
    public static function binary(): ?string
    {
        $fromEnv = getenv('WXPAY_SIM');
        $path = is_string($fromEnv) && $fromEnv !== '' ? $fromEnv : dirname(__DIR__, 3) . '/target/release/wxpay-sim';
        return is_file($path) && is_executable($path) ? $path : null;
    }

    /** The run's simulator, started on the first call. */
    public static function shared(): self
    {
        if (self::$shared === null) {
            $binary = self::binary() ?? throw new \RuntimeException('wxpay-sim is not built');
            self::$shared = self::start($binary);
            register_shutdown_function(static fn () => self::stopShared());
        }
        return self::$shared;
    }

    public static function stopShared(): void
    {
        self::$shared?->stop();
        self::$shared = null;
    }

    /**
     * Starts a simulator in a fresh temporary directory and waits for its
     * READY line.
     */
    public static function start(string $binary): self
    {
        $home = sys_get_temp_dir() . '/wxpay-php-sim-' . bin2hex(random_bytes(6));
        if (!mkdir($home, 0700)) {
            throw new \RuntimeException("cannot create $home");
        }
        $stdout = "$home/stdout.log";
        $process = proc_open(
            [$binary, '--dir', "$home/data", '--listen', '127.0.0.1:0'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', $stdout, 'w'], 2 => ['file', "$home/stderr.log", 'w']],
            $pipes,
        );
        if (!is_resource($process)) {
            throw new \RuntimeException("cannot start $binary");
        }
        // No time limit (a slow machine is not a failure): until the READY
        // line, or until the simulator has exited.
        while (true) {
            $first = strtok((string) @file_get_contents($stdout), "\n");
            if (is_string($first) && preg_match('/^WXPAY_SIM_READY url=(\S+) dir=(.+)$/', $first, $m)) {
                return new self($process, rtrim($m[1], '/') . '/', $m[2], $home);
            }
            if (!proc_get_status($process)['running']) {
                proc_terminate($process);
                proc_close($process);
                $err = (string) @file_get_contents("$home/stderr.log");
                self::removeTree($home);
                throw new \RuntimeException("wxpay-sim did not become ready: $err");
            }
            usleep(20_000);
        }
    }

    /** Stops the simulator (SIGTERM) and removes its directory. */
    public function stop(): void
    {
        if ($this->stopped) {
            return;
        }
        $this->stopped = true;
        proc_terminate($this->process, 15);
        proc_close($this->process);
        self::removeTree($this->home);
    }

    public function file(string $name): string
    {
        return $this->dir . '/' . $name;
    }

    /**
     * Client options for this simulator: identity, URL, its CA.
     *
     * @return array<string, mixed>
     */
    public function options(array $more = []): array
    {
        return $more + [
            'appid' => self::APPID,
            'mch_id' => self::MCH_ID,
            'api_key' => self::KEY,
            'host' => $this->url,
            'backup_host' => 'none',
            'root_ca_file' => $this->file('ca.pem'),
        ];
    }

    /**
     * Arms a fault for the next `$count` requests to `$path`.
     */
    public function fault(string $kind, string $path, int $count = 1, ?int $ms = null): void
    {
        $query = ['kind' => $kind, 'path' => $path, 'count' => $count] + ($ms === null ? [] : ['ms' => $ms]);
        $this->control('POST', 'fault', $query);
    }

    /** Marks an unpaid order paid, as a customer would. */
    public function pay(string $outTradeNo): void
    {
        $this->control('POST', 'pay', ['out_trade_no' => $outTradeNo]);
    }

    /** Marks an unpaid sandbox order paid. */
    public function paySandbox(string $outTradeNo): void
    {
        $this->control('POST', 'pay', ['out_trade_no' => $outTradeNo, 'sandbox' => 1]);
    }

    /** Forgets orders and pending faults. */
    public function reset(): void
    {
        $this->control('POST', 'reset', []);
    }

    /**
     * @param array<string, string|int> $query
     * @return array<mixed>
     */
    private function control(string $method, string $route, array $query): array
    {
        $context = stream_context_create([
            'http' => ['method' => $method, 'ignore_errors' => true, 'timeout' => 30, 'header' => "Content-Length: 0\r\n"],
            'ssl' => ['cafile' => $this->file('ca.pem'), 'verify_peer' => true, 'peer_name' => '127.0.0.1'],
        ]);
        $url = $this->url . 'sim/' . $route . '?' . http_build_query($query);
        $body = file_get_contents($url, false, $context);
        $status = $http_response_header[0] ?? '';
        if ($body === false || !str_contains($status, ' 200')) {
            throw new \RuntimeException("wxpay-sim control $route failed: $status " . (string) $body);
        }
        return json_decode($body, true, 16, JSON_THROW_ON_ERROR);
    }

    private static function removeTree(string $dir): void
    {
        if (!is_dir($dir)) {
            return;
        }
        $entries = new \RecursiveIteratorIterator(
            new \RecursiveDirectoryIterator($dir, \FilesystemIterator::SKIP_DOTS),
            \RecursiveIteratorIterator::CHILD_FIRST,
        );
        foreach ($entries as $entry) {
            $entry->isDir() && !$entry->isLink() ? rmdir($entry->getPathname()) : unlink($entry->getPathname());
        }
        rmdir($dir);
    }
}

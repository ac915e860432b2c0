<?php

declare(strict_types=1);

namespace WxPay\Tests;

/**
 * examples/php/notify/endpoint.php served by `php -S` on a free loopback
 * port, with its own notification log: what the simulator's notifications
 * reach, as a merchant's notify_url would be.
 */
final class NotifyServer
{
    /** @var resource */
    private $process;
    private bool $stopped = false;

    /**
     * @param resource $process
     */
    private function __construct($process, public readonly string $url, private readonly string $log, private readonly string $home)
    {
        $this->process = $process;
    }

    /** @param array<string, string> $env WXPAY_MCH_ID, WXPAY_APPID, WXPAY_API_KEY, ... */
    public static function start(array $env): self
    {
        $home = sys_get_temp_dir() . '/wxpay-notify-' . bin2hex(random_bytes(6));
        mkdir($home, 0700);
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($socket, false);
        fclose($socket);
        $endpoint = dirname(__DIR__, 3) . '/examples/php/notify/endpoint.php';
        $log = "$home/notifications.jsonl";
        $process = proc_open(
            [PHP_BINARY, '-d', 'ffi.enable=1', '-S', $address, $endpoint],
            [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$home/stdout.log", 'w'], 2 => ['file', "$home/stderr.log", 'w']],
            $pipes,
            null,
            $env + ['WXPAY_NOTIFY_LOG' => $log] + getenv(),
        );
        if (!is_resource($process)) {
            throw new \RuntimeException('cannot start php -S');
        }
        $server = new self($process, "http://$address", $log, $home);
        // No time limit (a slow machine is not a failure): until it accepts
        // a connection, or until it has exited.
        while (!($probe = @stream_socket_client("tcp://$address", $errno, $error, 1))) {
            if (!proc_get_status($process)['running']) {
                $server->stop();
                throw new \RuntimeException('php -S did not start: ' . @file_get_contents("$home/stderr.log"));
            }
            usleep(20_000);
        }
        fclose($probe);
        return $server;
    }

    /**
     * The recorded notifications for which $match is true, waiting up to
     * $seconds for at least $count of them.
     *
     * @param callable(array<string, mixed>): bool $match
     * @return list<array<string, mixed>>
     */
    public function waitFor(callable $match, int $count = 1, float $seconds = 30): array
    {
        $deadline = microtime(true) + $seconds;
        do {
            $found = array_values(array_filter($this->records(), $match));
            if (count($found) >= $count) {
                return $found;
            }
            usleep(20_000);
        } while (microtime(true) < $deadline);
        throw new \RuntimeException("fewer than $count matching notifications arrived; log:\n" . @file_get_contents($this->log)
            . "\nserver errors:\n" . @file_get_contents("$this->home/stderr.log"));
    }

    /** @return list<array<string, mixed>> */
    public function records(): array
    {
        // No file until the first notification arrives.
        $lines = is_file($this->log) ? (file($this->log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) ?: []) : [];
        return array_map(static fn (string $line): array => json_decode($line, true, 16, JSON_THROW_ON_ERROR), $lines);
    }

    public function stop(): void
    {
        if ($this->stopped) {
            return;
        }
        $this->stopped = true;
        proc_terminate($this->process, 15);
        proc_close($this->process);
        foreach (glob("$this->home/*") ?: [] as $file) {
            unlink($file);
        }
        rmdir($this->home);
    }

    public function __destruct()
    {
        $this->stop();
    }
}

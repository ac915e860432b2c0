<?php

declare(strict_types=1);

namespace WxPay\Tests;

/**
 * Runs a separate PHP process: for what one process cannot undo (a loaded
 * library, ini settings fixed at startup, preloading).
 */
final class PhpProcess
{
    /**
     * @param list<string> $phpArgs options before the script, e.g. ['-d', 'ffi.enable=0']
     * @param array<string, string>|null $env the environment (null: inherit)
     * @param list<string> $prefix a command to run php under, e.g. ['runuser', '-u', 'nobody', '--']
     * @return array{status: int, stdout: string, stderr: string}
     */
    public static function run(array $phpArgs, string $code, ?array $env = null, array $prefix = []): array
    {
        $script = tempnam(sys_get_temp_dir(), 'wxpay-test-');
        file_put_contents($script, $code);
        chmod($script, 0644);
        try {
            $command = [...$prefix, PHP_BINARY, ...$phpArgs, $script];
            $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
            if (!is_resource($process)) {
                throw new \RuntimeException('cannot start ' . implode(' ', $command));
            }
            $stdout = stream_get_contents($pipes[1]);
            $stderr = stream_get_contents($pipes[2]);
            fclose($pipes[1]);
            fclose($pipes[2]);
            $status = proc_close($process);
            return ['status' => $status, 'stdout' => (string) $stdout, 'stderr' => (string) $stderr];
        } finally {
            unlink($script);
        }
    }

    /** PHP code that makes the wrapper's classes loadable in a child process. */
    public static function autoloader(): string
    {
        $src = var_export(dirname(__DIR__) . '/src/', true);
        return <<<PHP
            spl_autoload_register(static function (string \$class): void {
                if (str_starts_with(\$class, 'WxPay\\\\')) {
                    \$file = $src . str_replace('\\\\', '/', substr(\$class, 6)) . '.php';
                    if (is_file(\$file)) {
                        require \$file;
                    }
                }
            });
            PHP;
    }
}

<?php

declare(strict_types=1);

namespace WxPay\Internal;

/**
 * Routes the library's log callback to PHP loggers.
 *
 * One C callback serves every client of the process: each client with a
 * logger gets a number, handed to the library as the callback's
 * `user_data`, under which its logger is registered here. A callback per
 * client would not do: PHP keeps every FFI callback it ever created until
 * the end of the request, so a worker that makes clients in a loop would
 * pile them up.
 *
 * The callback never lets an exception out: PHP turns an exception thrown
 * through an FFI callback into a fatal error, and the library's contract
 * forbids unwinding through it. A logger that throws loses that message.
 *
 * @internal
 */
final class LogBridge
{
    /** The library's levels (`WXPAY_LOG_LEVEL_*`) as PSR-3 level names. */
    public const LEVELS = [1 => 'error', 2 => 'warning', 3 => 'info', 4 => 'debug'];

    /** @var array<int, object> registration number => logger */
    private static array $loggers = [];
    private static int $lastId = 0;
    /** Keeps the C function pointer (and through it the PHP closure) alive. */
    private static ?\FFI\CData $holder = null;
    private static ?\FFI\CData $callback = null;
    /**
     * Converts between registration numbers and pointers. Made once: PHP's
     * FFI caches struct member lookups by the type's address, and a fresh
     * anonymous type can land at the address of a freed one, so that a
     * member read through the cache finds garbage.
     */
    private static ?\FFI\CData $cast = null;

    private function __construct()
    {
    }

    /**
     * The least severe library level a PSR-3 level name asks for.
     *
     * @return int|null null for a name that is not one of the four levels
     */
    public static function levelNumber(string $name): ?int
    {
        $name = strtolower($name);
        if ($name === 'warn') {
            $name = 'warning';
        }
        $number = array_search($name, self::LEVELS, true);
        return $number === false ? null : $number;
    }

    /**
     * Registers a logger; the number is the callback's `user_data`.
     */
    public static function register(object $logger): int
    {
        $id = ++self::$lastId;
        self::$loggers[$id] = $logger;
        return $id;
    }

    /**
     * Forgets a logger, once no native client can call with its number.
     */
    public static function unregister(int $id): void
    {
        unset(self::$loggers[$id]);
    }

    /** How many loggers are registered (for tests). */
    public static function registered(): int
    {
        return count(self::$loggers);
    }

    /**
     * The C function pointer to give `wxpay_config_set_log`, created once.
     */
    public static function callback(\FFI $ffi): \FFI\CData
    {
        if (self::$callback === null) {
            // PHP makes an FFI callback only by assigning a closure to a
            // function-pointer field; a bare function-pointer CData cannot
            // be assigned.
            $holder = $ffi->new('struct { wxpay_log_callback callback; }');
            $holder->callback = static function ($userData, $level, $message, $length) use ($ffi): void {
                self::dispatch($ffi, $userData, $level, $message);
            };
            self::$holder = $holder;
            self::$callback = $holder->callback;
        }
        return self::$callback;
    }

    /**
     * `user_data` for a registration number.
     */
    public static function userData(\FFI $ffi, int $id): \FFI\CData
    {
        $cast = self::cast($ffi);
        $cast->number = $id;
        return $cast->pointer;
    }

    private static function cast(\FFI $ffi): \FFI\CData
    {
        return self::$cast ??= $ffi->new('union { void *pointer; uintptr_t number; }');
    }

    private static function dispatch(\FFI $ffi, mixed $userData, mixed $level, mixed $message): void
    {
        try {
            if (!$userData instanceof \FFI\CData) {
                return;
            }
            $cast = self::cast($ffi);
            $cast->pointer = $userData;
            $id = $cast->number;
            $logger = is_int($id) ? self::$loggers[$id] ?? null : null;
            if ($logger === null || !is_int($level) || !is_string($message)) {
                return;
            }
            $logger->log(self::LEVELS[$level] ?? 'error', $message);
        } catch (\Throwable) {
            // See the class comment: nothing may leave an FFI callback.
        }
    }
}

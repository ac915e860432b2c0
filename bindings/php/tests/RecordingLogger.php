<?php

declare(strict_types=1);

namespace WxPay\Tests;

/** A PSR-3 style logger that keeps what it is told. */
final class RecordingLogger
{
    /** @var list<array{0: string, 1: string}> */
    public array $records = [];

    public function log(string $level, string $message): void
    {
        $this->records[] = [$level, $message];
    }

    public function text(): string
    {
        return implode("\n", array_map(static fn (array $r): string => "$r[0] $r[1]", $this->records));
    }
}

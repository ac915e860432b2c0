<?php

declare(strict_types=1);

namespace WxPay\Tests;

use PHPUnit\Runner\AfterLastTestHook;

/** Stops the run's simulator once the last test is done. */
final class SimulatorExtension implements AfterLastTestHook
{
    public function executeAfterLastTest(): void
    {
        Simulator::stopShared();
    }
}

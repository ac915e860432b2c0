<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Client;

/**
 * The client's named endpoint methods are the set in bindings/shortcuts.tsv,
 * the same in PHP, Python and .NET (SimulatorTest calls each).
 */
final class ShortcutsTest extends TestCase
{
    /** Public methods of Client that are not named endpoints. */
    private const OTHER_METHODS = [
        '__construct', '__destruct', '__serialize', '__unserialize', '__debugInfo', 'request', 'download', 'endpointInfo', 'errCodeRetry', 'certStatus', 'reloadCertificate',
        'close', 'isClosed', 'paymentNotification', 'refundNotification', 'jsapiParameters', 'appParameters', 'chooseWXPayParameters', 'redPacketParameters', 'nativeUrl', 'nativeScan', 'nativeReply',
        'entrustUrl', 'contractNotification', 'microPayFlow', 'downloadBillTable',
    ];

    public function testTheClientHasExactlyTheListedShortcuts(): void
    {
        $listed = [];
        foreach (file(__DIR__ . '/../../shortcuts.tsv', FILE_IGNORE_NEW_LINES) as $line) {
            if ($line !== '' && $line[0] !== '#') {
                [, $php] = explode("\t", $line);
                $listed[] = $php;
            }
        }
        $methods = array_map(
            static fn (\ReflectionMethod $m): string => $m->getName(),
            (new \ReflectionClass(Client::class))->getMethods(\ReflectionMethod::IS_PUBLIC),
        );
        $shortcuts = array_values(array_diff($methods, self::OTHER_METHODS));
        sort($listed);
        sort($shortcuts);
        $this->assertCount(32, $listed);
        $this->assertSame($listed, $shortcuts);
    }
}

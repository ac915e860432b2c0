<?php

declare(strict_types=1);

namespace WxPay\Tests;

final class PackageTest extends TestCase
{
    public function testComposerJsonDeclaresTheAutoloadAndRequirements(): void
    {
        $composer = json_decode((string) file_get_contents(dirname(__DIR__) . '/composer.json'), true, 16, JSON_THROW_ON_ERROR);
        $this->assertSame('src/', $composer['autoload']['psr-4']['WxPay\\']);
        $this->assertSame('>=8.1', $composer['require']['php']);
        $this->assertArrayHasKey('ext-ffi', $composer['require']);
    }

    public function testEverySourceFileFollowsPsr4AndStrictTypes(): void
    {
        $src = dirname(__DIR__) . '/src';
        $files = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator($src, \FilesystemIterator::SKIP_DOTS));
        $count = 0;
        foreach ($files as $file) {
            $relative = substr($file->getPathname(), strlen($src) + 1, -strlen('.php'));
            $class = 'WxPay\\' . str_replace('/', '\\', $relative);
            $code = (string) file_get_contents($file->getPathname());
            $this->assertStringContainsString('declare(strict_types=1);', $code, $relative);
            $this->assertTrue(class_exists($class) || enum_exists($class) || trait_exists($class), "$class is not in $relative.php");
            $count++;
        }
        $this->assertGreaterThan(15, $count);
    }
}

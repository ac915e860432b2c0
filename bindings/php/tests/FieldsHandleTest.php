<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\InvalidInputException;
use WxPay\FFI;
use WxPay\Internal\FieldsHandle;
use WxPay\Internal\Packed;
use WxPay\ResultCode;

final class FieldsHandleTest extends TestCase
{
    private function handle(array $fields): FieldsHandle
    {
        $ffi = FFI::instance();
        $xml = \WxPay\WxPay::buildXml($fields);
        $out = $ffi->new('wxpay_fields *');
        $this->assertSame(0, $ffi->wxpay_xml_parse($xml, strlen($xml), 0, \FFI::addr($out)));
        return new FieldsHandle($ffi, $out);
    }

    public function testReadsEveryFieldInOrder(): void
    {
        $fields = ['b' => '2', 'a' => '', 'c' => "line\nbreak", 'd' => '中文'];
        $this->assertSame($fields, $this->handle($fields)->toArray());
        $this->assertSame([], $this->handle([])->toArray());
    }

    public function testFreeingTwiceIsHarmlessAndUseAfterFreeIsRefused(): void
    {
        $handle = $this->handle(['a' => '1']);
        $handle->free();
        $handle->free();
        $this->expectException(\LogicException::class);
        $handle->toArray();
    }

    public function testANullPointerIsAnEmptyOwner(): void
    {
        $handle = new FieldsHandle(FFI::instance(), FFI::instance()->new('wxpay_fields *'));
        $handle->free();
        $this->expectException(\LogicException::class);
        $handle->toArray();
    }

    public function testCannotBeCloned(): void
    {
        $this->expectException(\Error::class);
        $copy = clone $this->handle(['a' => '1']);
    }

    public function testCannotBeSerialized(): void
    {
        $this->expectException(\LogicException::class);
        serialize($this->handle(['a' => '1']));
    }

    public function testUnserializingAForgedHandleIsRefused(): void
    {
        $this->expectException(\LogicException::class);
        unserialize('O:27:"WxPay\Internal\FieldsHandle":0:{}');
    }

    public function testPackRefusesNonScalarValuesBeforeTheLibrarySeesThem(): void
    {
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => Packed::pack(['a' => null]));
        $this->assertSame("a\x001\x002\x00-3", Packed::pack(['a' => '1', 2 => -3]));
        $this->assertSame(['a' => '1', 2 => '-3'], Packed::unpack("a\x001\x002\x00-3", 2));
        $this->assertSame([], Packed::unpack('', 0));
    }
}

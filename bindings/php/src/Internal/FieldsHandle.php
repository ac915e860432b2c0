<?php

declare(strict_types=1);

namespace WxPay\Internal;

use FFI\CData;

/**
 * Owns one `wxpay_fields *` the library handed out and frees it exactly once:
 * on {@see free()} or when the object goes away, whichever comes first.
 * It cannot be cloned or serialized, so no second owner can appear.
 *
 * @internal
 */
final class FieldsHandle
{
    private ?CData $ptr;

    /**
     * Takes ownership of `$ptr` (a `wxpay_fields *`; NULL is accepted).
     */
    public function __construct(private readonly \FFI $ffi, CData $ptr)
    {
        $this->ptr = \FFI::isNull($ptr) ? null : $ptr;
    }

    /**
     * Reads every field in one call.
     *
     * @return array<string, string>
     */
    public function toArray(): array
    {
        if ($this->ptr === null) {
            throw new \LogicException('wxpay fields used after free');
        }
        return self::read($this->ffi, $this->ptr);
    }

    /**
     * Takes ownership of `$ptr`, reads every field and frees it, also when
     * reading fails.
     *
     * @return array<string, string>
     */
    public static function take(\FFI $ffi, CData $ptr): array
    {
        $handle = new self($ffi, $ptr);
        try {
            return $handle->toArray();
        } finally {
            $handle->free();
        }
    }

    /**
     * Reads a container the caller does not own (such as
     * `wxpay_last_error_response()`) in one `wxpay_fields_packed` call.
     *
     * @return array<string, string>
     */
    public static function read(\FFI $ffi, CData $fields): array
    {
        $data = $ffi->new('const char *');
        $len = $ffi->new('size_t');
        $count = $ffi->new('size_t');
        $rc = $ffi->wxpay_fields_packed($fields, \FFI::addr($data), \FFI::addr($len), \FFI::addr($count));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc, false);
        }
        $bytes = $len->cdata === 0 ? '' : \FFI::string($data, $len->cdata);
        return Packed::unpack($bytes, $count->cdata);
    }

    /**
     * Frees the container now; later calls do nothing.
     */
    public function free(): void
    {
        $ptr = $this->ptr;
        $this->ptr = null;
        if ($ptr !== null) {
            $this->ffi->wxpay_fields_free($ptr);
        }
    }

    /** Frees the container if {@see free()} has not. */
    public function __destruct()
    {
        $this->free();
    }

    private function __clone()
    {
    }

    /**
     * Refused: a copy would be a second owner of the native pointer.
     *
     * @return never
     */
    public function __serialize(): array
    {
        throw new \LogicException('a native wxpay handle cannot be serialized');
    }

    /**
     * Refused: an unserialized object would own a pointer that is not its own.
     *
     * @param array<mixed> $data
     */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a native wxpay handle cannot be unserialized');
    }
}

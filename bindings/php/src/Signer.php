<?php

declare(strict_types=1);

namespace WxPay;

use FFI\CData;
use WxPay\Exception\InvalidInputException;
use WxPay\Exception\LibraryException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\SignerClosedException;
use WxPay\Exception\XmlException;
use WxPay\Internal\Abi;
use WxPay\Internal\Errors;
use WxPay\Internal\FieldsHandle;
use WxPay\Internal\Packed;

/**
 * An API key and a signature algorithm, checked once by the library
 * (`wxpay_signer_new`), for signing and verifying many messages.
 *
 * Signs and verifies exactly as {@see WxPay::sign()}, {@see WxPay::verify()}
 * and {@see WxPay::verifyXml()} do with the same key and type, with the same
 * results and the same exceptions, but without checking the key (and, for
 * HMAC-SHA256, deriving its key schedule) on every call. Make one per key
 * and keep it: a worker that signs in a loop, or a platform with one key per
 * sub-merchant, holds one signer per key.
 *
 * The library keeps its own copy of the key and wipes it when the signer is
 * freed: on {@see close()}, or when the object goes away. The object does not
 * keep the key, and `var_dump()` shows only the algorithm and whether it is
 * closed. It cannot be cloned or serialized (a copy would be a second owner
 * of the native signer). Any call after {@see close()} throws
 * {@see SignerClosedException}.
 */
final class Signer
{
    private readonly \FFI $ffi;
    private readonly SignType $type;
    /** The native `wxpay_signer *`; null once closed. */
    private ?CData $handle;
    /** `char[WXPAY_SIGN_BUF_LEN]`, reused by every {@see sign()}. */
    private readonly CData $out;

    /**
     * @param string $key the merchant API key: 32 ASCII letters or digits
     * @param SignType|string $type `SignType::Auto` (signing: the fields'
     *     `sign_type`, else MD5; verifying: the field, else the signature's
     *     length), `SignType::Md5`, `SignType::HmacSha256`, or the names
     *     `'MD5'`, `'HMAC-SHA256'`, `'AUTO'`
     * @throws InvalidInputException a bad key (`INVALID_KEY`, the key is not
     *     in the message) or an unknown type name (`INVALID_ARGUMENT`)
     * @throws LibraryException on first use, when the library cannot be loaded
     */
    public function __construct(#[\SensitiveParameter] string $key, SignType|string $type = SignType::Auto)
    {
        $this->type = SignType::of($type);
        $this->ffi = FFI::instance();
        $this->handle = self::create($this->ffi, $key, $this->type);
        $this->out = $this->ffi->new('char[' . Abi::SIGN_BUF_LEN . ']');
    }

    private static function create(\FFI $ffi, #[\SensitiveParameter] string $key, SignType $type): CData
    {
        $handle = $ffi->new('wxpay_signer *');
        $rc = $ffi->wxpay_signer_new($key, strlen($key), $type->value, \FFI::addr($handle));
        if ($rc !== 0) {
            Errors::throwLast($ffi, $rc);
        }
        return $handle;
    }

    /**
     * Signs fields as {@see WxPay::sign()} does with this signer's key and type.
     *
     * @param array<string, string|int> $fields the message, with or without `sign`
     * @return string 32 (MD5) or 64 (HMAC-SHA256) uppercase hex digits
     * @throws InvalidInputException a bad value, NUL byte, invalid UTF-8, an
     *     empty name, an unknown `sign_type`
     * @throws SignatureException this signer's type disagrees with the
     *     fields' `sign_type`
     * @throws SignerClosedException after {@see close()}
     */
    public function sign(array $fields): string
    {
        $handle = $this->handle ?? throw self::closed();
        $data = Packed::pack($fields);
        $rc = $this->ffi->wxpay_signer_sign($handle, $data, \strlen($data), \count($fields), $this->out, Abi::SIGN_BUF_LEN);
        if ($rc !== 0) {
            Errors::throwLast($this->ffi, $rc);
        }
        return \FFI::string($this->out);
    }

    /**
     * Verifies the `sign` field of fields in constant time, as
     * {@see WxPay::verify()} does with this signer's key and type.
     *
     * @param array<string, string|int> $fields the message, including `sign`
     * @return SignType the algorithm the signature was checked with
     * @throws SignatureException no `sign`, a wrong one, or a `sign_type`
     *     other than this signer's type
     * @throws InvalidInputException a bad value, NUL byte, invalid UTF-8
     * @throws SignerClosedException after {@see close()}
     */
    public function verify(array $fields): SignType
    {
        $handle = $this->handle ?? throw self::closed();
        $data = Packed::pack($fields);
        $used = $this->ffi->new('int32_t');
        $rc = $this->ffi->wxpay_signer_verify($handle, $data, strlen($data), count($fields), \FFI::addr($used));
        if ($rc !== 0) {
            Errors::throwLast($this->ffi, $rc);
        }
        return SignType::from($used->cdata);
    }

    /**
     * Parses a signed `<xml>` document and verifies its signature, as
     * {@see WxPay::verifyXml()} does with this signer's key and type.
     *
     * @param string $xml the document as received
     * @param int $maxSize the largest document accepted, in bytes; 0 means 1 MiB
     * @return array<string, string> the verified fields, `sign` included
     * @throws XmlException the document is refused (see {@see WxPay::parseXml()})
     * @throws SignatureException no `sign`, a wrong one, or another algorithm
     * @throws InvalidInputException a negative size
     * @throws SignerClosedException after {@see close()}
     */
    public function verifyXml(string $xml, int $maxSize = 0): array
    {
        $handle = $this->handle ?? throw self::closed();
        Packed::checkMaxSize($maxSize);
        $out = $this->ffi->new('wxpay_fields *');
        $rc = $this->ffi->wxpay_signer_verify_xml($handle, $xml, strlen($xml), $maxSize, \FFI::addr($out));
        if ($rc !== 0) {
            Errors::throwLast($this->ffi, $rc);
        }
        return FieldsHandle::take($this->ffi, $out);
    }

    /** The algorithm this signer was made with. */
    public function signType(): SignType
    {
        return $this->type;
    }

    /**
     * Frees the native signer now, which wipes the library's copy of the
     * key. Later calls to close() do nothing; any other use throws
     * {@see SignerClosedException}.
     */
    public function close(): void
    {
        $handle = $this->handle;
        $this->handle = null;
        if ($handle !== null) {
            $this->ffi->wxpay_signer_free($handle);
        }
    }

    public function isClosed(): bool
    {
        return $this->handle === null;
    }

    /** Frees the native signer if {@see close()} has not. */
    public function __destruct()
    {
        // A constructor that threw leaves the handle unset.
        if (isset($this->handle)) {
            $this->close();
        }
    }

    /** @return array{type: string, closed: bool} */
    public function __debugInfo(): array
    {
        return ['type' => $this->type->name, 'closed' => $this->handle === null];
    }

    private function __clone()
    {
    }

    /**
     * Refused: a copy would be a second owner of the native signer.
     *
     * @return never
     */
    public function __serialize(): array
    {
        throw new \LogicException('a WxPay\Signer cannot be serialized');
    }

    /**
     * Refused: an unserialized object would own a signer that is not its own.
     *
     * @param array<mixed> $data
     */
    public function __unserialize(array $data): void
    {
        throw new \LogicException('a WxPay\Signer cannot be unserialized');
    }

    private static function closed(): SignerClosedException
    {
        return new SignerClosedException('this WxPay\Signer is closed');
    }
}

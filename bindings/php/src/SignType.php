<?php

declare(strict_types=1);

namespace WxPay;

use WxPay\Exception\InvalidInputException;

/**
 * The signature algorithm, as the library numbers it (`wxpay_sign_type`).
 */
enum SignType: int
{
    /**
     * Signing: the message's `sign_type` field, else MD5. Verifying: the
     * field, else the signature's length (32 hex digits MD5, 64 HMAC-SHA256).
     */
    case Auto = 0;
    case Md5 = 1;
    case HmacSha256 = 2;

    /**
     * The algorithm named as WeChat spells it in the `sign_type` field.
     *
     * @param string $name `MD5` or `HMAC-SHA256` (exact spelling), or `AUTO`.
     * @throws InvalidInputException for any other name.
     */
    public static function fromName(string $name): self
    {
        return match ($name) {
            'MD5' => self::Md5,
            'HMAC-SHA256' => self::HmacSha256,
            'AUTO' => self::Auto,
            default => throw InvalidInputException::fromWrapper(
                'unknown sign type "' . substr($name, 0, 32) . '" (expected MD5, HMAC-SHA256 or AUTO)'
            ),
        };
    }

    /**
     * The value of the `sign_type` field for this algorithm; null for {@see SignType::Auto}.
     */
    public function fieldValue(): ?string
    {
        return match ($this) {
            self::Md5 => 'MD5',
            self::HmacSha256 => 'HMAC-SHA256',
            self::Auto => null,
        };
    }

    /**
     * Accepts an enum case or a name for {@see SignType::fromName()}.
     *
     * @throws InvalidInputException for an unknown name.
     */
    public static function of(self|string $type): self
    {
        return $type instanceof self ? $type : self::fromName($type);
    }
}

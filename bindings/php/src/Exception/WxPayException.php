<?php

declare(strict_types=1);

namespace WxPay\Exception;

use WxPay\ResultCode;

/**
 * A failure reported by the wxpay library, or an argument the wrapper refused
 * before calling it.
 *
 * {@see getCode()} is the library's result code (a {@see ResultCode} constant)
 * and {@see getCodeName()} its C name. The subclass is chosen by the code's
 * hundred (1xx {@see InvalidInputException}, 2xx {@see SignatureException},
 * 3xx {@see XmlException}, 4xx {@see CertificateException}, 5xx
 * {@see TransportException}, 6xx {@see ProtocolException}, 7xx
 * {@see BusinessException}); anything else, such as the internal 9xx codes,
 * is a plain WxPayException. Messages never contain the API key.
 */
class WxPayException extends \RuntimeException
{
    /**
     * @param array<string, string>|null $response the peer's whole response, for protocol and business failures
     */
    final public function __construct(
        string $message,
        int $code,
        private readonly string $codeName,
        private readonly ?array $response = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, $code, $previous);
    }

    /**
     * Builds the exception of the class that a result code's range calls for.
     *
     * @param int $code a result code other than {@see ResultCode::OK}
     * @param string $message the library's message
     * @param string $codeName the code's C name, e.g. `WXPAY_RESULT_XML_DOCTYPE`
     * @param array<string, string>|null $response the peer's response, if the failure came with one
     */
    public static function fromResult(int $code, string $message, string $codeName, ?array $response = null): self
    {
        $class = match ($code) {
            ResultCode::CERTIFICATE_EXPIRED => CertificateExpiredException::class,
            ResultCode::CERTIFICATE_PERMISSIONS => CertificatePermissionsException::class,
            default => self::classOfRange($code),
        };
        return new $class($message, $code, $codeName, $response);
    }

    /** @return class-string<self> the class of a result code's hundred */
    private static function classOfRange(int $code): string
    {
        return match (intdiv($code, 100)) {
            1 => InvalidInputException::class,
            2 => SignatureException::class,
            3 => XmlException::class,
            4 => CertificateException::class,
            5 => TransportException::class,
            6 => ProtocolException::class,
            7 => BusinessException::class,
            default => self::class,
        };
    }

    /**
     * The C name of {@see getCode()}, e.g. `WXPAY_RESULT_SIGNATURE_MISMATCH`.
     */
    public function getCodeName(): string
    {
        return $this->codeName;
    }

    /**
     * The peer's whole response that came with this failure (protocol and
     * business failures), or null.
     *
     * @return array<string, string>|null
     */
    public function getResponse(): ?array
    {
        return $this->response;
    }
}

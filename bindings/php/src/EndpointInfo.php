<?php

declare(strict_types=1);

namespace WxPay;

/**
 * What the library's endpoint table says about a path
 * ({@see Client::endpointInfo()}). The wrapper keeps no endpoint knowledge of
 * its own; this is a copy of `wxpay_endpoint_info`'s answer.
 */
final class EndpointInfo
{
    /** Listed in the library's table. */
    public const MATCH_EXACT = 'exact';
    /** Of a known family (e.g. `secapi/`) whose rules apply. */
    public const MATCH_FAMILY = 'family';
    /** Not known: signed XML without certificate is assumed. */
    public const MATCH_UNKNOWN = 'unknown';

    /**
     * @param string $match one of the MATCH_* constants
     * @param bool $sandbox the path is under `xdc/apiv2sandbox/` (MD5 only)
     * @param bool $certificate the merchant certificate is required
     * @param bool $signedResponse responses are signed and verified
     * @param bool $bill the body is a bill: call {@see Client::download()}, not {@see Client::request()}
     * @param list<SignType> $signTypes the algorithms the endpoint accepts
     * @param bool $sendsSignType the request carries a `sign_type` field
     * @param bool $subIds takes `sub_appid` / `sub_mch_id` in service-provider mode
     * @param string|null $appIdField the app ID's field name (`appid`, `mch_appid`, `wxappid`), null if none
     * @param string $mchIdField the merchant ID's field name (`mch_id` or `mchid`)
     * @param list<string> $required field names the caller must give (or the client fills in)
     * @param list<string> $oneOf at least one of these is required; empty if no such rule
     */
    public function __construct(
        public readonly string $path,
        public readonly string $match,
        public readonly bool $sandbox,
        public readonly bool $certificate,
        public readonly bool $signedResponse,
        public readonly bool $bill,
        public readonly array $signTypes,
        public readonly bool $sendsSignType,
        public readonly bool $subIds,
        public readonly ?string $appIdField,
        public readonly string $mchIdField,
        public readonly array $required,
        public readonly array $oneOf,
    ) {
    }
}

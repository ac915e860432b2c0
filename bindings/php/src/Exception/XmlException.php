<?php

declare(strict_types=1);

namespace WxPay\Exception;

/**
 * A document is not a flat WeChat `<xml>` document the library accepts: malformed, DOCTYPE or entities (XXE, billion laughs), another root, nested elements, a field twice, too large, not UTF-8 (3xx).
 */
class XmlException extends WxPayException
{
}

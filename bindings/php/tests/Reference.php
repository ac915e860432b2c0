<?php

declare(strict_types=1);

namespace WxPay\Tests;

/**
 * The signature algorithm written directly with PHP's own md5 and hash_hmac,
 * from the public description: the yardstick the library is checked against.
 */
final class Reference
{
    /** @param array<array-key, string|int> $fields */
    public static function sign(array $fields, string $key, string $type): string
    {
        unset($fields['sign']);
        $names = array_map('strval', array_keys($fields));
        $values = array_map('strval', array_values($fields));
        $fields = array_combine($names, $values);
        uksort($fields, 'strcmp');
        $pairs = [];
        foreach ($fields as $name => $value) {
            if ($value !== '') {
                $pairs[] = "$name=$value";
            }
        }
        $text = implode('&', $pairs) . ($pairs === [] ? '' : '&') . "key=$key";
        return strtoupper($type === 'MD5' ? md5($text) : hash_hmac('sha256', $text, $key));
    }
}

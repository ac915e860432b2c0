<?php

// The same work in plain PHP: ksort, join, md5, and a constant-time compare.
$t0 = hrtime(true);
require_once __DIR__ . '/../order.php';
$order = unified_order();
$key = '192006250b4c09247ec02edce69f6a2d';
$t1 = hrtime(true);
$sign = static function (array $fields) use ($key): string {
    unset($fields['sign']);
    $fields = array_filter($fields, static fn ($v) => $v !== '' && $v !== null);
    ksort($fields, SORT_STRING);
    $text = '';
    foreach ($fields as $k => $v) {
        $text .= "$k=$v&";
    }
    return strtoupper(md5($text . "key=$key"));
};
$signed = $order + ['sign' => $sign($order)];
$t3 = hrtime(true);
if (!hash_equals($sign($signed), $signed['sign'])) {
    exit("bad signature\n");
}
$t4 = hrtime(true);
printf("%.1f %.1f %.1f %.1f plain\n", ($t4 - $t0) / 1e3, 0.0, ($t3 - $t1) / 1e3, ($t4 - $t3) / 1e3);

<?php

// One request that signs and verifies one message with wxpay; prints the
// microseconds its phases took: total, loading the library, the first sign
// (class loading and the signer included), the verify.
$t0 = hrtime(true);
require __DIR__ . '/autoload.php';
require_once __DIR__ . '/../order.php';
$order = unified_order();
$key = '192006250b4c09247ec02edce69f6a2d';
$t1 = hrtime(true);
WxPay\FFI::instance();
$t2 = hrtime(true);
$signed = $order + ['sign' => WxPay\WxPay::sign($order, $key)];
$t3 = hrtime(true);
WxPay\WxPay::verify($signed, $key);
$t4 = hrtime(true);
printf("%.1f %.1f %.1f %.1f %s\n", ($t4 - $t0) / 1e3, ($t2 - $t1) / 1e3, ($t3 - $t2) / 1e3, ($t4 - $t3) / 1e3, WxPay\FFI::loadedFrom());

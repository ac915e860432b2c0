#!/bin/sh
# Refund-notification vectors encrypted with the openssl CLI, independently
# of wxpay: req_info = base64(AES-256-ECB(PKCS#7, key = lowercase hex MD5 of
# the API key)) of a <root> document. Writes tests/vectors/req_info.txt:
# line 1 the API key, line 2 the plaintext (base64), line 3 the req_info; the same
# again for a plaintext with an XML declaration.
set -eu
cd "$(dirname "$0")"
KEY=192006250b4c09247ec02edce69f6a2d
# The AES key is the 32 ASCII characters of the MD5 hex; -K wants them as hex.
AES_HEX=$(printf %s "$KEY" | openssl dgst -md5 -r | cut -c1-32 | tr -d '\n' | od -An -tx1 | tr -d ' \n')
P1='<root><out_refund_no><![CDATA[R20261124001]]></out_refund_no><out_trade_no><![CDATA[T20261124001]]></out_trade_no><refund_account><![CDATA[REFUND_SOURCE_RECHARGE_FUNDS]]></refund_account><refund_fee><![CDATA[1]]></refund_fee><refund_id><![CDATA[50000408942018111907145868882]]></refund_id><refund_recv_accout><![CDATA[支付用户零钱]]></refund_recv_accout><refund_request_source><![CDATA[API]]></refund_request_source><refund_status><![CDATA[SUCCESS]]></refund_status><settlement_refund_fee><![CDATA[1]]></settlement_refund_fee><settlement_total_fee><![CDATA[1]]></settlement_total_fee><success_time><![CDATA[2026-11-24 13:00:00]]></success_time><total_fee><![CDATA[1]]></total_fee><transaction_id><![CDATA[4200000215201811190261405420]]></transaction_id></root>'
P2='<?xml version="1.0" encoding="UTF-8"?>
<root><out_refund_no>R2</out_refund_no><refund_status>CHANGE</refund_status></root>'
{
  for P in "$P1" "$P2"; do
    echo "$KEY"
    printf %s "$P" | base64 -w0; echo
    printf %s "$P" | openssl enc -aes-256-ecb -K "$AES_HEX" -nosalt | base64 -w0; echo
  done
} > req_info.txt

<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Exception\InvalidInputException;
use WxPay\Exception\SignatureException;
use WxPay\Exception\XmlException;
use WxPay\ResultCode;
use WxPay\SignType;
use WxPay\WxPay;

final class XmlTest extends TestCase
{
    public function testBuildThenParseGivesTheFieldsBackUnchanged(): void
    {
        $fields = [
            'appid' => 'wx1',
            'total_fee' => 88,
            'body' => '腾讯充值中心 <b>&amp;</b> "quotes" \'single\'',
            'tricky' => "ends with ]]> and ]]]]>> and\r\nCRLF\rCR\ttab",
            'empty' => '',
            'zero' => '0',
        ];
        $xml = WxPay::buildXml($fields);
        $this->assertStringStartsWith('<xml>', $xml);
        $this->assertStringEndsWith('</xml>', $xml);
        $expected = array_map('strval', $fields);
        $this->assertSame($expected, WxPay::parseXml($xml));
    }

    public function testBuildKeepsTheOrderGiven(): void
    {
        $xml = WxPay::buildXml(['z' => '1', 'a' => '2']);
        $this->assertSame('<xml><z><![CDATA[1]]></z><a><![CDATA[2]]></a></xml>', $xml);
        $this->assertSame('<xml></xml>', WxPay::buildXml([]));
    }

    public function testParseAcceptsTextCdataAndPredefinedEntities(): void
    {
        $xml = "<xml>\n  <return_code><![CDATA[SUCCESS]]></return_code>\n  <msg>a &lt; b &amp;&amp; c &gt; d &quot;&apos;</msg>\n  <n>10</n>\n</xml>";
        $this->assertSame(['return_code' => 'SUCCESS', 'msg' => 'a < b && c > d "\'', 'n' => '10'], WxPay::parseXml($xml));
    }

    public function testParseOfAnEmptyDocumentGivesAnEmptyArray(): void
    {
        $this->assertSame([], WxPay::parseXml('<xml></xml>'));
    }

    /** @return iterable<string, array{string, int}> */
    public static function hostileDocuments(): iterable
    {
        yield 'XXE external entity' => [
            '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>',
            ResultCode::XML_DOCTYPE,
        ];
        yield 'billion laughs' => [
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
            . '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><xml><a>&lol3;</a></xml>',
            ResultCode::XML_DOCTYPE,
        ];
        yield 'bare DOCTYPE' => ['<!DOCTYPE xml><xml><a>1</a></xml>', ResultCode::XML_DOCTYPE];
        yield 'undeclared entity' => ['<xml><a>&nbsp;</a></xml>', ResultCode::XML_ENTITY];
        yield 'wrong root' => ['<root><a>1</a></root>', ResultCode::XML_ROOT];
        yield 'nested element' => ['<xml><a><b>1</b></a></xml>', ResultCode::XML_NESTED];
        yield 'duplicate field' => ['<xml><sign>A</sign><sign>B</sign></xml>', ResultCode::XML_DUPLICATE];
        yield 'too many fields' => ['<xml>' . implode('', array_map(fn (int $i) => "<f$i>v</f$i>", range(0, 1024))) . '</xml>', ResultCode::XML_TOO_MANY_FIELDS];
        yield 'unclosed' => ['<xml><a>1</a>', ResultCode::XML_MALFORMED];
        yield 'mismatched tags' => ['<xml><a>1</b></xml>', ResultCode::XML_MALFORMED];
        yield 'not XML' => ['return_code=SUCCESS', ResultCode::XML_MALFORMED];
        yield 'empty input' => ['', ResultCode::XML_MALFORMED];
        yield 'invalid UTF-8' => ["<xml><a>caf\xE9</a></xml>", ResultCode::XML_INVALID_UTF8];
        yield 'NUL byte' => ["<xml><a>1\0</a></xml>", ResultCode::XML_MALFORMED];
    }

    /** @dataProvider hostileDocuments */
    public function testHostileDocumentsAreRefused(string $xml, int $code): void
    {
        $this->assertFails(XmlException::class, $code, fn () => WxPay::parseXml($xml));
        $this->assertFails(XmlException::class, $code, fn () => WxPay::verifyXml($xml, self::KEY));
    }

    public function testTenMebibytesAreRefusedBeforeParsing(): void
    {
        $xml = '<xml><a>' . str_repeat('x', 10 * 1024 * 1024) . '</a></xml>';
        $this->assertFails(XmlException::class, ResultCode::XML_TOO_LARGE, fn () => WxPay::parseXml($xml));
        $this->assertFails(XmlException::class, ResultCode::XML_TOO_LARGE, fn () => WxPay::verifyXml($xml, self::KEY));
    }

    public function testTheSizeLimitCanBeSet(): void
    {
        $xml = '<xml><a>' . str_repeat('x', 100) . '</a></xml>';
        $this->assertSame(['a' => str_repeat('x', 100)], WxPay::parseXml($xml, strlen($xml)));
        $this->assertFails(XmlException::class, ResultCode::XML_TOO_LARGE, fn () => WxPay::parseXml($xml, strlen($xml) - 1));
        $big = '<xml><a>' . str_repeat('y', 2 * 1024 * 1024) . '</a></xml>';
        $this->assertFails(XmlException::class, ResultCode::XML_TOO_LARGE, fn () => WxPay::parseXml($big));
        $this->assertSame(2 * 1024 * 1024, strlen(WxPay::parseXml($big, 3 * 1024 * 1024)['a']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::parseXml($xml, -1));
    }

    public function testBuildRefusesWhatXmlCannotCarry(): void
    {
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_FIELD_NAME, fn () => WxPay::buildXml(['a b' => '1']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_FIELD_NAME, fn () => WxPay::buildXml(['<a>' => '1']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_FIELD_NAME, fn () => WxPay::buildXml(['' => '1']));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_FIELD_VALUE, fn () => WxPay::buildXml(['a' => "bell\x07"]));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => WxPay::buildXml(['a' => "x\0y"]));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_UTF8, fn () => WxPay::buildXml(['a' => "\xFF"]));
    }

    public function testVerifyXmlReturnsTheVerifiedFields(): void
    {
        $fields = ['return_code' => 'SUCCESS', 'result_code' => 'SUCCESS', 'prepay_id' => 'wx201410272009395522657a690389285100'];
        $fields['sign'] = Reference::sign($fields, self::KEY, 'MD5');
        $this->assertSame($fields, WxPay::verifyXml(WxPay::buildXml($fields), self::KEY));
        $this->assertSame($fields, WxPay::verifyXml(WxPay::buildXml($fields), self::KEY, SignType::Md5));
        $this->assertFails(SignatureException::class, ResultCode::SIGN_TYPE_MISMATCH, fn () => WxPay::verifyXml(WxPay::buildXml($fields + ['sign_type' => 'MD5']), self::KEY, 'HMAC-SHA256'));
    }

    public function testVerifyXmlRefusesForgedAndUnsignedDocuments(): void
    {
        $fields = ['return_code' => 'SUCCESS', 'total_fee' => '1'];
        $fields['sign'] = WxPay::sign($fields, self::KEY);
        $forged = str_replace('<total_fee><![CDATA[1]]>', '<total_fee><![CDATA[100]]>', WxPay::buildXml($fields));
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => WxPay::verifyXml($forged, self::KEY));
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISMATCH, fn () => WxPay::verifyXml(WxPay::buildXml($fields), self::OTHER_KEY));
        $unsigned = '<xml><return_code>SUCCESS</return_code></xml>';
        $this->assertFails(SignatureException::class, ResultCode::SIGNATURE_MISSING, fn () => WxPay::verifyXml($unsigned, self::KEY));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_KEY, fn () => WxPay::verifyXml($unsigned, 'short'));
    }

    public function testNumberedFieldsComeOutAsListsPerTheSharedVectors(): void
    {
        $groups = json_decode((string) file_get_contents(dirname(__DIR__, 3) . '/tests/vectors/indexed.json'), true, 16, JSON_THROW_ON_ERROR);
        $checked = 0;
        foreach ($groups as $group) {
            $fields = [];
            foreach ($group['fields'] as [$name, $value]) {
                $fields[$name] = $value;
            }
            foreach ($group['cases'] as $case) {
                if (array_key_exists('values', $case)) {
                    $this->assertSame($case['values'], WxPay::indexed($fields, $case['index']), $case['index']);
                } else {
                    $e = $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::indexed($fields, $case['index']));
                    $this->assertStringContainsString($case['error'], $e->getMessage(), $case['index']);
                }
                $checked++;
            }
        }
        $this->assertSame(12, $checked);
    }
}

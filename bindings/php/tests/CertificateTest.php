<?php

declare(strict_types=1);

namespace WxPay\Tests;

use WxPay\Client;
use WxPay\Exception\CertificateException;
use WxPay\Exception\CertificateExpiredException;
use WxPay\Exception\CertificatePermissionsException;
use WxPay\Exception\ClientClosedException;
use WxPay\Exception\InvalidInputException;
use WxPay\ResultCode;
use WxPay\WxPay;

/**
 * Certificate inspection, status, reload and permission checks, with
 * certificates made at test time by PHP's openssl extension: valid,
 * expiring, expired, with a foreign key, as PEM and as `.p12`, written to
 * files with the permissions a merchant gets wrong. No server is needed:
 * expiry is refused before any network I/O.
 */
final class CertificateTest extends TestCase
{
    private const MCH_ID = '1900000109';
    private const PASSWORD = self::MCH_ID;

    /** @var array<string, \OpenSSLAsymmetricKey> keys are slow to make; one per name per run */
    private static array $keys = [];
    private string $dir = '';

    protected function setUp(): void
    {
        if (!extension_loaded('openssl')) {
            $this->markTestSkipped('PHP\'s openssl extension is needed to make certificates');
        }
        $dir = sys_get_temp_dir() . '/wxpay-cert-test-' . bin2hex(random_bytes(6));
        mkdir($dir, 0700);
        $this->dir = $dir;
    }

    protected function tearDown(): void
    {
        foreach (glob($this->dir . '/*') ?: [] as $file) {
            unlink($file);
        }
        if ($this->dir !== '') {
            rmdir($this->dir);
        }
    }

    private static function key(string $name = 'main'): \OpenSSLAsymmetricKey
    {
        return self::$keys[$name] ??= openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA])
            ?: throw new \RuntimeException('openssl_pkey_new failed: ' . openssl_error_string());
    }

    /**
     * A self-signed certificate valid from now for $days (negative: expired
     * $days ago... in effect its notAfter lies before now).
     *
     * @return array{cert: string, key: string, serial: int, x509: \OpenSSLCertificate}
     */
    private static function certificate(int $days, string $keyName = 'main', string $cn = self::MCH_ID): array
    {
        if ($days < 0) {
            return self::expiredCertificate(-$days, $keyName, $cn);
        }
        $key = self::key($keyName);
        $csr = openssl_csr_new(['commonName' => $cn, 'organizationName' => 'wxpay tests'], $key, ['digest_alg' => 'sha256']);
        $serial = random_int(1, PHP_INT_MAX);
        $x509 = openssl_csr_sign($csr, null, $key, $days, ['digest_alg' => 'sha256'], $serial);
        openssl_x509_export($x509, $certPem);
        openssl_pkey_export($key, $keyPem);
        return ['cert' => $certPem, 'key' => $keyPem, 'serial' => $serial, 'x509' => $x509];
    }

    /**
     * PHP's openssl_csr_sign takes no negative validity, so an expired
     * certificate comes from the openssl CLI's `ca -startdate -enddate`.
     *
     * @return array{cert: string, key: string, serial: int, x509: \OpenSSLCertificate}
     */
    private static function expiredCertificate(int $daysAgo, string $keyName, string $cn): array
    {
        $key = self::key($keyName);
        openssl_pkey_export($key, $keyPem);
        $csr = openssl_csr_new(['commonName' => $cn, 'organizationName' => 'wxpay tests'], $key, ['digest_alg' => 'sha256']);
        openssl_csr_export($csr, $csrPem);
        $dir = sys_get_temp_dir() . '/wxpay-expired-' . bin2hex(random_bytes(6));
        mkdir($dir, 0700);
        $serial = random_int(1, PHP_INT_MAX);
        try {
            file_put_contents("$dir/key.pem", $keyPem);
            file_put_contents("$dir/csr.pem", $csrPem);
            file_put_contents("$dir/index.txt", '');
            file_put_contents("$dir/serial", sprintf("%016X\n", $serial));
            file_put_contents("$dir/ca.cnf", "[ca]\ndefault_ca = test\n[test]\ndatabase = $dir/index.txt\nnew_certs_dir = $dir\n"
                . "serial = $dir/serial\ndefault_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n");
            $end = gmdate('YmdHis\Z', time() - $daysAgo * 86400);
            $start = gmdate('YmdHis\Z', time() - ($daysAgo + 400) * 86400);
            $command = ['openssl', 'ca', '-batch', '-notext', '-config', "$dir/ca.cnf", '-selfsign', '-keyfile', "$dir/key.pem",
                '-in', "$dir/csr.pem", '-startdate', $start, '-enddate', $end, '-out', "$dir/cert.pem"];
            $process = proc_open($command, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
            $output = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
            if (proc_close($process) !== 0) {
                throw new \RuntimeException("openssl ca failed: $output");
            }
            $certPem = file_get_contents("$dir/cert.pem");
        } finally {
            array_map('unlink', glob("$dir/*") ?: []);
            rmdir($dir);
        }
        $x509 = openssl_x509_read($certPem);
        return ['cert' => $certPem, 'key' => $keyPem, 'serial' => $serial, 'x509' => $x509];
    }

    private static function p12(array $certificate, string $password = self::PASSWORD): string
    {
        openssl_pkcs12_export($certificate['x509'], $p12, self::key(), $password);
        return $p12;
    }

    private function write(string $name, string $contents, int $mode = 0600): string
    {
        $path = "$this->dir/$name";
        // Replaced by rename, as a deployment does, so a reader never sees half a file.
        file_put_contents("$path.tmp", $contents);
        chmod("$path.tmp", $mode);
        rename("$path.tmp", $path);
        return $path;
    }

    private static function serialHex(int $serial): string
    {
        $hex = strtoupper(dechex($serial));
        return strlen($hex) % 2 === 1 ? "0$hex" : $hex;
    }

    /** @return array<string, mixed> */
    private static function options(array $more = []): array
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return $more + ['appid' => 'wx2421b1c4370ec43b', 'mch_id' => self::MCH_ID, 'api_key' => self::KEY, 'host' => "https://$name/", 'backup_host' => 'none'];
    }

    public function testCertInfoReadsPemAndP12(): void
    {
        $c = self::certificate(365);
        $fromPem = WxPay::certInfo($c['cert'], $c['key']);
        $this->assertSame(self::MCH_ID, $fromPem['subject_cn']);
        $this->assertSame(self::MCH_ID, $fromPem['merchant_id']);
        $this->assertSame(self::serialHex($c['serial']), $fromPem['serial']);
        $this->assertSame('valid', $fromPem['expiry']);
        $this->assertSame('true', $fromPem['key_matches']);
        $this->assertSame('RSA', $fromPem['key_type']);
        $this->assertSame('2048', $fromPem['key_bits']);
        $this->assertSame('unknown', $fromPem['issuer_kind']);
        $parsed = openssl_x509_parse($c['x509']);
        $this->assertSame((string) $parsed['validTo_time_t'], $fromPem['not_after_unix']);
        $this->assertContains((int) $fromPem['days_until_expiry'], [364, 365]);
        openssl_x509_export($c['x509'], $pem);
        $this->assertSame(strtoupper(openssl_x509_fingerprint($c['x509'], 'sha256')), strtoupper(str_replace(':', '', $fromPem['sha256_fingerprint'])));

        $withoutKey = WxPay::certInfo($c['cert']);
        $this->assertSame('unknown', $withoutKey['key_matches']);

        $fromP12 = WxPay::certInfo(self::p12($c), null, self::PASSWORD);
        $this->assertSame($fromPem['serial'], $fromP12['serial']);
        $this->assertSame('true', $fromP12['key_matches']);
        $this->assertSame(array_keys($fromPem), array_keys($fromP12));
    }

    public function testCertInfoReportsExpiringExpiredAndForeignKeys(): void
    {
        $this->assertSame('expiring', WxPay::certInfo(self::certificate(30)['cert'])['expiry']);
        $expired = WxPay::certInfo(self::certificate(-2)['cert']);
        $this->assertSame('expired', $expired['expiry']);
        $this->assertLessThan(0, (int) $expired['days_until_expiry']);
        $foreign = self::certificate(365, 'other');
        $this->assertSame('false', WxPay::certInfo($foreign['cert'], self::certificate(365)['key'])['key_matches']);
    }

    public function testCertInfoFailuresAreTypedAndKeepThePasswordOut(): void
    {
        $c = self::certificate(365);
        $p12 = self::p12($c, 'S3cret-p12-password');
        $e = $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_PASSWORD, fn () => WxPay::certInfo($p12, null, 'wrong-password-xyz'));
        $this->assertStringNotContainsString('wrong-password-xyz', $e->getMessage());
        $this->assertStringNotContainsString('S3cret-p12-password', $e->getMessage());
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_PASSWORD, fn () => WxPay::certInfo($p12));
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_CORRUPT, fn () => WxPay::certInfo('not a certificate'));
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => WxPay::certInfo(''));
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_CORRUPT, fn () => WxPay::certInfo(substr($p12, 0, intdiv(strlen($p12), 2)), null, 'S3cret-p12-password'));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => WxPay::certInfo($p12, null, "S3cret\0"));
        // The key's text is not echoed either.
        $e = $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_CORRUPT, fn () => WxPay::certInfo($c['cert'], "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"));
        $this->assertStringNotContainsString('AAAA', $e->getMessage());
    }

    public function testCertStatusOfClientsWithAndWithoutCertificate(): void
    {
        $none = new Client(self::options());
        $this->assertSame('none', $none->certStatus()['certificate']);

        $c = self::certificate(365);
        $client = new Client(self::options(['cert_file' => $this->write('cert.pem', $c['cert']), 'key_file' => $this->write('key.pem', $c['key'])]));
        $status = $client->certStatus();
        $this->assertSame('loaded', $status['certificate']);
        $this->assertSame(self::serialHex($c['serial']), $status['serial']);
        $this->assertSame('valid', $status['expiry']);
        $this->assertSame('', $status['warning']);
        $this->assertSame('true', $status['reloadable']);
        $this->assertSame('0', $status['reloads']);
        $this->assertSame('', $status['last_reload_error']);

        $fromBytes = new Client(self::options(['p12' => self::p12($c)]));
        $this->assertSame('false', $fromBytes->certStatus()['reloadable']);
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => $fromBytes->reloadCertificate());

        $client->close();
        $this->expectException(ClientClosedException::class);
        $client->certStatus();
    }

    public function testReloadSwapsInANewCertificateAndRefusesBadOnes(): void
    {
        $old = self::certificate(365);
        $p12Path = $this->write('apiclient_cert.p12', self::p12($old));
        $logger = new RecordingLogger();
        $client = new Client(self::options(['p12_file' => $p12Path]), $logger);

        $new = self::certificate(365);
        $this->write('apiclient_cert.p12', self::p12($new));
        $info = $client->reloadCertificate();
        $this->assertSame(self::serialHex($new['serial']), $info['serial']);
        $status = $client->certStatus();
        $this->assertSame(self::serialHex($new['serial']), $status['serial']);
        $this->assertSame('1', $status['reloads']);

        // Refused replacements leave the current certificate in use.
        $this->write('apiclient_cert.p12', 'garbage');
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_CORRUPT, fn () => $client->reloadCertificate());
        $this->write('apiclient_cert.p12', self::p12(self::certificate(365), 'another password'));
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_PASSWORD, fn () => $client->reloadCertificate());
        $this->write('apiclient_cert.p12', self::p12(self::certificate(-2)));
        $this->assertFails(CertificateExpiredException::class, ResultCode::CERTIFICATE_EXPIRED, fn () => $client->reloadCertificate());
        unlink($p12Path);
        $this->assertFails(CertificateException::class, ResultCode::CERTIFICATE_FILE, fn () => $client->reloadCertificate());

        $status = $client->certStatus();
        $this->assertSame(self::serialHex($new['serial']), $status['serial']);
        $this->assertSame('1', $status['reloads']);
        $this->assertNotSame('', $status['last_reload_error']);
        $this->assertStringNotContainsString(self::PASSWORD . "\n", $logger->text());
        $this->assertMatchesRegularExpression('/^error /m', $logger->text(), 'a refused reload is logged at error level');
    }

    public function testAnExpiredCertificateIsRefusedBeforeAnyNetworkIo(): void
    {
        $c = self::certificate(-2);
        $client = new Client(self::options(['cert' => $c['cert'], 'key' => $c['key']]));
        $this->assertSame('expired', $client->certStatus()['expiry']);
        $e = $this->assertFails(
            CertificateExpiredException::class,
            ResultCode::CERTIFICATE_EXPIRED,
            fn () => $client->refund(['out_trade_no' => 'T1', 'out_refund_no' => 'R1', 'total_fee' => 1, 'refund_fee' => 1]),
        );
        $this->assertInstanceOf(CertificateException::class, $e);
        $this->assertSame('WXPAY_RESULT_CERTIFICATE_EXPIRED', $e->getCodeName());
    }

    public function testAnExpiringCertificateWarnsTheLogger(): void
    {
        $c = self::certificate(20);
        $logger = new RecordingLogger();
        $client = new Client(self::options(['cert' => $c['cert'], 'key' => $c['key']]), $logger);
        $status = $client->certStatus();
        $this->assertSame('expiring', $status['expiry']);
        $this->assertStringContainsString($status['serial'], $status['warning']);
        // Logged when the client was made; the day count in it may differ
        // by one from the status read a moment later, so not compared.
        $logged = array_filter($logger->records, static fn (array $r): bool => $r[0] === 'warning' && str_contains($r[1], $status['serial']) && str_contains($r[1], 'expires'));
        $this->assertCount(1, $logged, $logger->text());
    }

    public function testAKeyReadableByOthersIsAWarningOrUnderStrictPermissionsRefused(): void
    {
        $c = self::certificate(365);
        $certPath = $this->write('apiclient_cert.pem', $c['cert'], 0644);
        $keyPath = $this->write('apiclient_key.pem', $c['key'], 0644);
        $logger = new RecordingLogger();
        $client = new Client(self::options(['cert_file' => $certPath, 'key_file' => $keyPath]), $logger);
        $this->assertSame('loaded', $client->certStatus()['certificate']);
        $warnings = array_values(array_filter($logger->records, static fn (array $r): bool => $r[0] === 'warning' && str_contains($r[1], 'apiclient_key.pem')));
        $this->assertCount(1, $warnings, $logger->text());
        $this->assertStringNotContainsString('BEGIN', $logger->text());

        foreach (['true', 1] as $strict) {
            $this->assertFails(
                CertificatePermissionsException::class,
                ResultCode::CERTIFICATE_PERMISSIONS,
                fn () => new Client(self::options(['cert_file' => $certPath, 'key_file' => $keyPath, 'strict_permissions' => $strict])),
            );
        }
        $p12Path = $this->write('apiclient_cert.p12', self::p12($c), 0644);
        $this->assertFails(
            CertificatePermissionsException::class,
            ResultCode::CERTIFICATE_PERMISSIONS,
            fn () => new Client(self::options(['p12_file' => $p12Path, 'strict_permissions' => 'true'])),
        );

        chmod($keyPath, 0600);
        $strictClient = new Client(self::options(['cert_file' => $certPath, 'key_file' => $keyPath, 'strict_permissions' => 'true']));
        // A replacement with loose permissions is refused on reload, the current one kept.
        $this->write('apiclient_key.pem', $c['key'], 0640);
        $this->assertFails(CertificatePermissionsException::class, ResultCode::CERTIFICATE_PERMISSIONS, fn () => $strictClient->reloadCertificate());
        $this->assertSame('loaded', $strictClient->certStatus()['certificate']);
        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => new Client(self::options(['strict_permissions' => 'yes'])));
    }

    public function testCheckIntervalPicksUpReplacedFilesOnARequest(): void
    {
        $old = self::certificate(365);
        $p12Path = $this->write('apiclient_cert.p12', self::p12($old));
        $client = new Client(self::options(['p12_file' => $p12Path, 'certificate_check_interval_ms' => 1, 'connect_timeout_ms' => 2000]));
        $new = self::certificate(365);
        $this->write('apiclient_cert.p12', self::p12($new));
        usleep(5000);
        try {
            // Nothing listens: the request fails to connect, but first looks at the files.
            $client->orderQuery(['out_trade_no' => 'T1']);
            $this->fail('the request cannot succeed without a server');
        } catch (\WxPay\Exception\TransportException) {
        }
        $status = $client->certStatus();
        $this->assertSame(self::serialHex($new['serial']), $status['serial']);
        $this->assertSame('1', $status['reloads']);

        $this->assertFails(InvalidInputException::class, ResultCode::INVALID_ARGUMENT, fn () => new Client(self::options(['certificate_check_interval_ms' => 'soon'])));
    }

    public function testMerchantCategoryCodes(): void
    {
        $this->assertSame('Food', WxPay::mccCategory(485));
        $this->assertSame(485, WxPay::mccCode('Food'));
        $this->assertSame(485, WxPay::mccCode('  food '));
        $list = WxPay::mccList();
        $this->assertSame('Food', $list[485]);
        $this->assertSame(array_keys($list), array_map('intval', array_keys($list)));
        $sorted = array_keys($list);
        sort($sorted);
        $this->assertSame($sorted, array_keys($list));
        foreach ($list as $code => $category) {
            $this->assertSame($category, WxPay::mccCategory($code));
            $this->assertSame($code, WxPay::mccCode($category));
        }
        $this->assertFails(InvalidInputException::class, ResultCode::NOT_FOUND, fn () => WxPay::mccCategory(1));
        $this->assertFails(InvalidInputException::class, ResultCode::NOT_FOUND, fn () => WxPay::mccCategory(PHP_INT_MAX));
        $this->assertFails(InvalidInputException::class, ResultCode::NOT_FOUND, fn () => WxPay::mccCode('Not a category'));
        $this->assertFails(InvalidInputException::class, ResultCode::EMBEDDED_NUL, fn () => WxPay::mccCode("Food\0"));
    }
}

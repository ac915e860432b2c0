/* The C tarball's smoke program (make test-dist): built with pkg-config
 * against the unpacked tarball, run against the shipped simulator, whose
 * address and files come from the environment (scripts/test-dist.sh):
 * signs, verifies a signed response and refuses a changed one, makes one
 * request over mutual TLS with the legacy RC2-40 .p12, and refuses a
 * forged payment notification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wxpay.h>

static int failures;

static void check(int ok, const char *what) {
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    if (!ok) {
        failures++;
        fprintf(stderr, "  last error: %s\n", wxpay_last_error_message());
    }
}

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (v == NULL || *v == '\0') {
        fprintf(stderr, "smoke_dist: %s is not set\n", name);
        exit(2);
    }
    return v;
}

/* Packs NAME\0VALUE\0... into buf; returns the length (without a final NUL). */
static size_t pack(char *buf, const char *const *kv, size_t n) {
    size_t len = 0;
    for (size_t i = 0; i < 2 * n; i++) {
        size_t l = strlen(kv[i]);
        memcpy(buf + len, kv[i], l + 1);
        len += l + 1;
    }
    return len - 1;
}

int main(void) {
    const char *url = env("WXPAY_SIM_URL"), *dir = env("WXPAY_SIM_DIR");
    const char *mch_id = env("WXPAY_SIM_MCH_ID"), *appid = env("WXPAY_SIM_APPID");
    const char *key = env("WXPAY_SIM_KEY");
    printf("wxpay %s\n", wxpay_version());

    /* 1. Sign, and verify the signed XML as a response; a changed copy is refused. */
    const char *const order[] = {"appid", appid, "mch_id", mch_id, "nonce_str", "5K8264ILTKCH16CQ",
                                 "return_code", "SUCCESS", "total_fee", "0"};
    char packed[512], sign[65];
    size_t len = pack(packed, order, 5);
    check(wxpay_sign(packed, len, 5, key, strlen(key), WXPAY_SIGN_TYPE_MD5, sign, sizeof sign) == WXPAY_RESULT_OK
              && strlen(sign) == 32,
          "sign (MD5)");
    char xml[1024];
    int n = snprintf(xml, sizeof xml,
                     "<xml><appid>%s</appid><mch_id>%s</mch_id><nonce_str>5K8264ILTKCH16CQ</nonce_str>"
                     "<return_code>SUCCESS</return_code><total_fee>0</total_fee><sign>%s</sign></xml>",
                     appid, mch_id, sign);
    wxpay_fields *fields = NULL;
    check(wxpay_verify_xml(xml, (size_t)n, 0, key, strlen(key), WXPAY_SIGN_TYPE_MD5, &fields) == WXPAY_RESULT_OK
              && wxpay_fields_count(fields) == 6,
          "verify a signed response");
    wxpay_fields_free(fields);
    fields = NULL;
    char *zero = strstr(xml, "<total_fee>0<");
    zero[strlen("<total_fee>")] = '1';
    check(wxpay_verify_xml(xml, (size_t)n, 0, key, strlen(key), WXPAY_SIGN_TYPE_MD5, &fields)
              == WXPAY_RESULT_SIGNATURE_MISMATCH,
          "a changed response is refused");

    /* 2. A client with the legacy .p12: an order, then its reversal over mutual TLS. */
    char path[4096];
    wxpay_config *cfg = wxpay_config_new();
    int set = wxpay_config_set(cfg, "appid", appid) == WXPAY_RESULT_OK
              && wxpay_config_set(cfg, "mch_id", mch_id) == WXPAY_RESULT_OK
              && wxpay_config_set(cfg, "api_key", key) == WXPAY_RESULT_OK
              && wxpay_config_set(cfg, "host", url) == WXPAY_RESULT_OK;
    snprintf(path, sizeof path, "%s/ca.pem", dir);
    set = set && wxpay_config_set_root_ca_file(cfg, path) == WXPAY_RESULT_OK;
    snprintf(path, sizeof path, "%s/apiclient_cert_legacy.p12", dir);
    set = set && wxpay_config_set_p12_file(cfg, path, mch_id) == WXPAY_RESULT_OK;
    wxpay_client *client = NULL;
    check(set && wxpay_client_new(cfg, &client) == WXPAY_RESULT_OK, "client with the RC2-40 .p12");
    wxpay_config_free(cfg);

    const char *const unified[] = {"body", "smoke", "out_trade_no", "SMOKE-C-1", "total_fee", "1",
                                   "spbill_create_ip", "127.0.0.1", "notify_url", "https://127.0.0.1/n",
                                   "trade_type", "NATIVE", "product_id", "p1"};
    len = pack(packed, unified, 7);
    wxpay_fields *answer = NULL;
    const char *value = NULL;
    check(client != NULL && wxpay_request(client, "pay/unifiedorder", packed, len, 7, &answer) == WXPAY_RESULT_OK
              && wxpay_fields_get(answer, "prepay_id", &value) == WXPAY_RESULT_OK,
          "pay/unifiedorder");
    wxpay_fields_free(answer);
    answer = NULL;
    const char *const reverse[] = {"out_trade_no", "SMOKE-C-1"};
    len = pack(packed, reverse, 1);
    check(client != NULL && wxpay_request(client, "secapi/pay/reverse", packed, len, 1, &answer) == WXPAY_RESULT_OK
              && wxpay_fields_get(answer, "recall", &value) == WXPAY_RESULT_OK && strcmp(value, "N") == 0,
          "secapi/pay/reverse over mutual TLS");
    wxpay_fields_free(answer);

    /* 3. A payment notification with a forged signature. */
    n = snprintf(xml, sizeof xml,
                 "<xml><appid>%s</appid><mch_id>%s</mch_id><nonce_str>x</nonce_str>"
                 "<return_code>SUCCESS</return_code><result_code>SUCCESS</result_code>"
                 "<out_trade_no>SMOKE-C-1</out_trade_no><total_fee>1</total_fee>"
                 "<sign>0123456789ABCDEF0123456789ABCDEF</sign></xml>",
                 appid, mch_id);
    int32_t paid = -1;
    check(client != NULL
              && wxpay_notify_payment(client, xml, (size_t)n, &fields, &paid) == WXPAY_RESULT_SIGNATURE_MISMATCH,
          "a forged payment notification is refused");
    wxpay_client_free(client);

    printf("smoke_dist: %d failed\n", failures);
    return failures == 0 ? 0 : 1;
}

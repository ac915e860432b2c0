/*
 * Exercises every function of include/wxpay.h, including the error paths,
 * through the C ABI exactly as a C caller sees it. Built with
 * -Wall -Wextra -Werror and run under valgrind by the test command.
 */
#define _GNU_SOURCE /* memmem */
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "wxpay.h"

static int failures = 0;
static int checks = 0;

#define CHECK(cond)                                                        \
    do {                                                                   \
        checks++;                                                          \
        if (!(cond)) {                                                     \
            failures++;                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                  \
    } while (0)

/* A failure must carry its code as the thread's last error and a message. */
#define EXPECT_ERR(call, code)                                             \
    do {                                                                   \
        wxpay_result r_ = (call);                                          \
        checks++;                                                          \
        if (r_ != (code)) {                                                \
            failures++;                                                    \
            fprintf(stderr, "%s:%d: %s returned %s (%d), expected %s: %s\n", __FILE__, __LINE__, \
                    #call, wxpay_result_name(r_), r_, #code, wxpay_last_error_message()); \
        } else {                                                           \
            CHECK(wxpay_last_error_code() == (code));                      \
            CHECK(strlen(wxpay_last_error_message()) > 0);                 \
        }                                                                  \
    } while (0)

#define EXPECT_OK(call) EXPECT_OK_(call, #call)
static void EXPECT_OK_(wxpay_result r, const char *what) {
    checks++;
    if (r != WXPAY_RESULT_OK) {
        failures++;
        fprintf(stderr, "%s returned %s: %s\n", what, wxpay_result_name(r), wxpay_last_error_message());
    }
}

static const char KEY[] = "192006250b4c09247ec02edce69f6a2d";
#define KEY_LEN (sizeof KEY - 1)

/* appid, mch_id, device_info, body, nonce_str: WeChat's documented example. */
static const char DOC[] = "appid\0wxd930ea5d5a258f4f\0mch_id\00010000100\0device_info\0001000\0body\0test\0nonce_str\0ibuaiVcKdpRxkhJA";
#define DOC_LEN (sizeof DOC - 1)

static void test_version_and_names(void) {
    CHECK(strcmp(wxpay_version(), "0.2.0") == 0);
    CHECK(strcmp(wxpay_result_name(WXPAY_RESULT_XML_DOCTYPE), "WXPAY_RESULT_XML_DOCTYPE") == 0);
    CHECK(strcmp(wxpay_result_name(12345), "WXPAY_RESULT_UNKNOWN") == 0);
    CHECK(wxpay_last_error_message() != NULL);
    CHECK(wxpay_last_error_response() == NULL);
    CHECK(wxpay_last_error_retry() == WXPAY_RETRY_UNKNOWN);
}

static void test_sign_and_verify(void) {
    char sig[WXPAY_SIGN_BUF_LEN];
    EXPECT_OK(wxpay_sign(DOC, DOC_LEN, 5, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, sig, sizeof sig));
    CHECK(strcmp(sig, "9A0A8659F005D6984697E2CA0A9CF3B7") == 0);
    EXPECT_OK(wxpay_sign(DOC, DOC_LEN, 5, KEY, KEY_LEN, WXPAY_SIGN_TYPE_HMAC_SHA256, sig, sizeof sig));
    CHECK(strcmp(sig, "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6") == 0);

    /* Build the signed message with the container API and verify it. */
    wxpay_fields *f = NULL;
    EXPECT_OK(wxpay_fields_from_packed(DOC, DOC_LEN, 5, &f));
    EXPECT_OK(wxpay_fields_set(f, "sign", sig));
    const char *data = NULL;
    size_t len = 0, count = 0;
    EXPECT_OK(wxpay_fields_packed(f, &data, &len, &count));
    CHECK(count == 6);
    int used = -1;
    EXPECT_OK(wxpay_verify(data, len, count, KEY, KEY_LEN, WXPAY_SIGN_TYPE_AUTO, &used));
    CHECK(used == WXPAY_SIGN_TYPE_HMAC_SHA256);
    EXPECT_OK(wxpay_verify(data, len, count, KEY, KEY_LEN, WXPAY_SIGN_TYPE_HMAC_SHA256, NULL));
    EXPECT_ERR(wxpay_verify(data, len, count, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", KEY_LEN, 0, NULL),
               WXPAY_RESULT_SIGNATURE_MISMATCH);

    /* Tampering with a value breaks it. */
    EXPECT_OK(wxpay_fields_set(f, "body", "tesT"));
    EXPECT_OK(wxpay_fields_packed(f, &data, &len, &count));
    EXPECT_ERR(wxpay_verify(data, len, count, KEY, KEY_LEN, 0, NULL), WXPAY_RESULT_SIGNATURE_MISMATCH);
    wxpay_fields_free(f);

    /* No sign at all is its own error. */
    EXPECT_ERR(wxpay_verify(DOC, DOC_LEN, 5, KEY, KEY_LEN, 0, NULL), WXPAY_RESULT_SIGNATURE_MISSING);

    /* A message announcing HMAC-SHA256 checked as MD5. */
    static const char HM[] = "a\0001\0sign_type\0HMAC-SHA256\0sign\0000";
    EXPECT_ERR(wxpay_verify(HM, sizeof HM - 1, 3, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, NULL), WXPAY_RESULT_SIGN_TYPE_MISMATCH);
    static const char UNKNOWN[] = "sign_type\0SHA1";
    EXPECT_ERR(wxpay_sign(UNKNOWN, sizeof UNKNOWN - 1, 1, KEY, KEY_LEN, 0, sig, sizeof sig), WXPAY_RESULT_UNKNOWN_SIGN_TYPE);

    /* Zero is signed, empty is not. */
    char s1[WXPAY_SIGN_BUF_LEN], s2[WXPAY_SIGN_BUF_LEN], s3[WXPAY_SIGN_BUF_LEN];
    static const char ZERO[] = "a\0001\0fee\0000";
    static const char EMPTY[] = "a\0001\0fee\0";
    static const char NONE[] = "a\0001";
    EXPECT_OK(wxpay_sign(ZERO, sizeof ZERO - 1, 2, KEY, KEY_LEN, 0, s1, sizeof s1));
    EXPECT_OK(wxpay_sign(EMPTY, sizeof EMPTY - 1, 2, KEY, KEY_LEN, 0, s2, sizeof s2));
    EXPECT_OK(wxpay_sign(NONE, sizeof NONE - 1, 1, KEY, KEY_LEN, 0, s3, sizeof s3));
    CHECK(strcmp(s1, s3) != 0);
    CHECK(strcmp(s2, s3) == 0);
}

static void test_sign_errors(void) {
    char sig[WXPAY_SIGN_BUF_LEN];
    memset(sig, 'x', sizeof sig);
    EXPECT_ERR(wxpay_sign(NULL, 5, 1, KEY, KEY_LEN, 0, sig, sizeof sig), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, NULL, KEY_LEN, 0, sig, sizeof sig), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, KEY, KEY_LEN, 0, NULL, 65), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, KEY, KEY_LEN, 0, sig, 10), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, KEY, KEY_LEN, 7, sig, sizeof sig), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, "", 0, 0, sig, sizeof sig), WXPAY_RESULT_INVALID_KEY);
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, "short", 5, 0, sig, sizeof sig), WXPAY_RESULT_INVALID_KEY);
    /* A NUL inside the key is not silently cut off. */
    static const char NUL_KEY[] = "192006250b4c09247ec02edce69f6a2\0";
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, NUL_KEY, 32, 0, sig, sizeof sig), WXPAY_RESULT_INVALID_KEY);
    /* Failed calls leave the output alone. */
    CHECK(sig[0] == 'x');
    /* The key never shows in a message. */
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 5, "192006250b4c09247ec02edce69f6a2!", 32, 0, sig, sizeof sig), WXPAY_RESULT_INVALID_KEY);
    CHECK(strstr(wxpay_last_error_message(), "192006250b4c") == NULL);

    /* Packed-field errors: embedded NUL, wrong count, invalid UTF-8, duplicates. */
    static const char NUL_IN_VALUE[] = "a\0x\0y";
    EXPECT_ERR(wxpay_sign(NUL_IN_VALUE, sizeof NUL_IN_VALUE - 1, 1, KEY, KEY_LEN, 0, sig, sizeof sig), WXPAY_RESULT_EMBEDDED_NUL);
    EXPECT_ERR(wxpay_sign(DOC, DOC_LEN, 6, KEY, KEY_LEN, 0, sig, sizeof sig), WXPAY_RESULT_INVALID_ARGUMENT);
    static const char BAD_UTF8[] = "a\0\xff\xfe";
    EXPECT_ERR(wxpay_sign(BAD_UTF8, sizeof BAD_UTF8 - 1, 1, KEY, KEY_LEN, 0, sig, sizeof sig), WXPAY_RESULT_INVALID_UTF8);
    static const char DUP[] = "a\0001\0a\0002";
    EXPECT_ERR(wxpay_sign(DUP, sizeof DUP - 1, 2, KEY, KEY_LEN, 0, sig, sizeof sig), WXPAY_RESULT_DUPLICATE_FIELD);

    EXPECT_ERR(wxpay_verify(NULL, 3, 1, KEY, KEY_LEN, 0, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_verify(DOC, DOC_LEN, 5, NULL, 32, 0, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_verify(DOC, DOC_LEN, 5, KEY, KEY_LEN, -1, NULL), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_verify(BAD_UTF8, sizeof BAD_UTF8 - 1, 1, KEY, KEY_LEN, 0, NULL), WXPAY_RESULT_INVALID_UTF8);
}

/* A signer gives what wxpay_sign and wxpay_verify give, with the key checked once. */
static void test_signer(void) {
    wxpay_signer *md5 = NULL, *hmac = NULL, *untouched = (wxpay_signer *)&failures;
    EXPECT_ERR(wxpay_signer_new("short", 5, WXPAY_SIGN_TYPE_MD5, &untouched), WXPAY_RESULT_INVALID_KEY);
    CHECK(untouched == (wxpay_signer *)&failures);
    CHECK(strstr(wxpay_last_error_message(), "short") == NULL);
    EXPECT_ERR(wxpay_signer_new(NULL, KEY_LEN, WXPAY_SIGN_TYPE_MD5, &md5), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_signer_new(KEY, KEY_LEN, 9, &md5), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_signer_new(KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_OK(wxpay_signer_new(KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, &md5));
    EXPECT_OK(wxpay_signer_new(KEY, KEY_LEN, WXPAY_SIGN_TYPE_HMAC_SHA256, &hmac));

    char sig[WXPAY_SIGN_BUF_LEN], split[WXPAY_SIGN_BUF_LEN];
    EXPECT_OK(wxpay_signer_sign(md5, DOC, DOC_LEN, 5, sig, sizeof sig));
    CHECK(strcmp(sig, "9A0A8659F005D6984697E2CA0A9CF3B7") == 0);
    /* A NUL inside a value adds a part: one part too many for the count. */
    EXPECT_ERR(wxpay_signer_sign(md5, DOC, DOC_LEN, 4, split, sizeof split), WXPAY_RESULT_EMBEDDED_NUL);
    EXPECT_ERR(wxpay_signer_sign(md5, DOC, DOC_LEN, 6, split, sizeof split), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_OK(wxpay_signer_sign(md5, "", 0, 0, split, sizeof split));
    /* The same signer, used twice, gives the same answer (no state carried over). */
    for (int i = 0; i < 2; i++) {
        EXPECT_OK(wxpay_signer_sign(hmac, DOC, DOC_LEN, 5, sig, sizeof sig));
        CHECK(strcmp(sig, "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6") == 0);
    }

    wxpay_fields *f = NULL;
    const char *data = NULL;
    size_t len = 0, count = 0;
    EXPECT_OK(wxpay_fields_from_packed(DOC, DOC_LEN, 5, &f));
    EXPECT_OK(wxpay_fields_set(f, "sign", sig));
    EXPECT_OK(wxpay_fields_packed(f, &data, &len, &count));
    int used = -1;
    EXPECT_OK(wxpay_signer_verify(hmac, data, len, count, &used));
    CHECK(used == WXPAY_SIGN_TYPE_HMAC_SHA256);
    EXPECT_ERR(wxpay_signer_verify(md5, data, len, count, NULL), WXPAY_RESULT_SIGNATURE_MISMATCH);
    EXPECT_ERR(wxpay_signer_verify(hmac, DOC, DOC_LEN, 5, NULL), WXPAY_RESULT_SIGNATURE_MISSING);
    wxpay_fields_free(f);

    char doc[256];
    int n = snprintf(doc, sizeof doc, "<xml><appid>wxd930ea5d5a258f4f</appid><mch_id>10000100</mch_id>"
                     "<device_info>1000</device_info><body>test</body><nonce_str>ibuaiVcKdpRxkhJA</nonce_str>"
                     "<sign>%s</sign></xml>", sig);
    CHECK(n > 0 && (size_t)n < sizeof doc);
    EXPECT_OK(wxpay_signer_verify_xml(hmac, doc, (size_t)n, 0, &f));
    CHECK(wxpay_fields_count(f) == 6);
    wxpay_fields_free(f);
    f = NULL;
    EXPECT_ERR(wxpay_signer_verify_xml(md5, doc, (size_t)n, 0, &f), WXPAY_RESULT_SIGNATURE_MISMATCH);
    CHECK(f == NULL);
    EXPECT_ERR(wxpay_signer_verify_xml(hmac, doc, (size_t)n, 16, &f), WXPAY_RESULT_XML_TOO_LARGE);

    /* NULL everywhere a pointer goes. */
    EXPECT_ERR(wxpay_signer_sign(NULL, DOC, DOC_LEN, 5, sig, sizeof sig), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_signer_sign(md5, NULL, 3, 1, sig, sizeof sig), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_signer_sign(md5, DOC, DOC_LEN, 5, NULL, 65), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_signer_sign(md5, DOC, DOC_LEN, 5, sig, 10), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_signer_verify(NULL, DOC, DOC_LEN, 5, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_signer_verify_xml(NULL, doc, (size_t)n, 0, &f), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_signer_verify_xml(md5, doc, (size_t)n, 0, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    static const char BAD_UTF8[] = "a\0\xff\xfe";
    EXPECT_ERR(wxpay_signer_sign(md5, BAD_UTF8, sizeof BAD_UTF8 - 1, 1, sig, sizeof sig), WXPAY_RESULT_INVALID_UTF8);

    wxpay_signer_free(md5);
    wxpay_signer_free(hmac);
    wxpay_signer_free(NULL);
}

static void test_fields(void) {
    wxpay_fields *f = wxpay_fields_new();
    CHECK(f != NULL);
    CHECK(wxpay_fields_count(f) == 0);
    CHECK(wxpay_fields_count(NULL) == 0);
    const char *data = NULL;
    size_t len = 99, count = 99;
    EXPECT_OK(wxpay_fields_packed(f, &data, &len, &count));
    CHECK(len == 0 && count == 0 && data != NULL && data[0] == '\0');
    EXPECT_OK(wxpay_fields_set(f, "b", "2"));
    EXPECT_OK(wxpay_fields_set(f, "a", "\xe4\xb8\xad"));
    EXPECT_OK(wxpay_fields_set(f, "b", "3"));
    CHECK(wxpay_fields_count(f) == 2);
    const char *v = NULL;
    EXPECT_OK(wxpay_fields_get(f, "b", &v));
    CHECK(v && strcmp(v, "3") == 0);
    EXPECT_OK(wxpay_fields_get(f, "a", &v));
    CHECK(v && strcmp(v, "\xe4\xb8\xad") == 0);
    EXPECT_ERR(wxpay_fields_get(f, "zz", &v), WXPAY_RESULT_NOT_FOUND);
    EXPECT_OK(wxpay_fields_packed(f, &data, &len, &count));
    CHECK(count == 2 && len == 9 && memcmp(data, "b\0003\0a\0\xe4\xb8\xad", 9) == 0 && data[9] == '\0');

    EXPECT_ERR(wxpay_fields_set(NULL, "a", "b"), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_set(f, NULL, "b"), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_set(f, "a", NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_set(f, "", "b"), WXPAY_RESULT_INVALID_FIELD_NAME);
    EXPECT_ERR(wxpay_fields_set(f, "a", "\xc3"), WXPAY_RESULT_INVALID_UTF8);
    EXPECT_ERR(wxpay_fields_get(NULL, "a", &v), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_get(f, NULL, &v), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_get(f, "a", NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_packed(NULL, &data, &len, &count), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_packed(f, NULL, &len, &count), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_packed(f, &data, NULL, &count), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_packed(f, &data, &len, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    wxpay_fields_free(f);
    wxpay_fields_free(NULL);

    wxpay_fields *g = (wxpay_fields *)0x1;
    EXPECT_ERR(wxpay_fields_from_packed(NULL, 4, 1, &g), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_fields_from_packed(DOC, DOC_LEN, 5, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    static const char EMPTY_NAME[] = "\0x";
    EXPECT_ERR(wxpay_fields_from_packed(EMPTY_NAME, 2, 1, &g), WXPAY_RESULT_INVALID_FIELD_NAME);
    static const char DUP[] = "a\0001\0a\0002";
    EXPECT_ERR(wxpay_fields_from_packed(DUP, sizeof DUP - 1, 2, &g), WXPAY_RESULT_DUPLICATE_FIELD);
    CHECK(g == (wxpay_fields *)0x1);

    /* Numbered fields in number order, whatever the document order. */
    static const char COUPONS[] = "coupon_id_1\0b\0coupon_count\0" "2\0coupon_id_0\0a\0coupon_id_x\0z";
    wxpay_fields *n = NULL;
    EXPECT_OK(wxpay_fields_indexed(COUPONS, sizeof COUPONS - 1, 4, "coupon_id", &n));
    CHECK(wxpay_fields_count(n) == 2);
    const char *first = NULL;
    EXPECT_OK(wxpay_fields_get(n, "coupon_id_0", &first));
    CHECK(first && strcmp(first, "a") == 0);
    wxpay_fields_free(n);
    n = NULL;
    static const char GAP[] = "coupon_id_0\0a\0coupon_id_2\0c";
    EXPECT_ERR(wxpay_fields_indexed(GAP, sizeof GAP - 1, 2, "coupon_id", &n), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_fields_indexed(GAP, sizeof GAP - 1, 2, "", &n), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_fields_indexed(DUP, sizeof DUP - 1, 2, "a", &n), WXPAY_RESULT_DUPLICATE_FIELD);
    EXPECT_ERR(wxpay_fields_indexed(GAP, sizeof GAP - 1, 2, NULL, &n), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(n == NULL);
    EXPECT_OK(wxpay_fields_from_packed(NULL, 0, 0, &g));
    CHECK(wxpay_fields_count(g) == 0);
    wxpay_fields_free(g);
}

static void test_xml(void) {
    char *xml = NULL;
    size_t len = 0;
    static const char F[] = "return_code\0SUCCESS\0total_fee\0000\0body\0a]]>b<&\xe4\xb8\xad";
    EXPECT_OK(wxpay_xml_build(F, sizeof F - 1, 3, &xml, &len));
    CHECK(xml != NULL && strlen(xml) == len && strncmp(xml, "<xml><return_code><![CDATA[SUCCESS]]>", 37) == 0);
    wxpay_fields *f = NULL;
    EXPECT_OK(wxpay_xml_parse(xml, len, 0, &f));
    const char *data = NULL;
    size_t dlen = 0, count = 0;
    EXPECT_OK(wxpay_fields_packed(f, &data, &dlen, &count));
    CHECK(count == 3 && dlen == sizeof F - 1 && memcmp(data, F, dlen) == 0);
    wxpay_fields_free(f);
    EXPECT_ERR(wxpay_xml_parse(xml, len, 10, &f), WXPAY_RESULT_XML_TOO_LARGE);
    wxpay_string_free(xml);
    wxpay_string_free(NULL);

    EXPECT_ERR(wxpay_xml_build(NULL, 3, 1, &xml, &len), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_xml_build(F, sizeof F - 1, 3, NULL, &len), WXPAY_RESULT_NULL_ARGUMENT);
    static const char BAD_NAME[] = "a b\0001";
    EXPECT_ERR(wxpay_xml_build(BAD_NAME, sizeof BAD_NAME - 1, 1, &xml, NULL), WXPAY_RESULT_INVALID_FIELD_NAME);
    static const char BAD_VALUE[] = "a\0\x01";
    EXPECT_ERR(wxpay_xml_build(BAD_VALUE, sizeof BAD_VALUE - 1, 1, &xml, NULL), WXPAY_RESULT_INVALID_FIELD_VALUE);

    static const struct { const char *doc; wxpay_result code; } BAD[] = {
        {"<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><xml><a>&xxe;</a></xml>", WXPAY_RESULT_XML_DOCTYPE},
        {"<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><xml><a>&c;</a></xml>", WXPAY_RESULT_XML_DOCTYPE},
        {"<xml><a>&xxe;</a></xml>", WXPAY_RESULT_XML_ENTITY},
        {"<root><a>1</a></root>", WXPAY_RESULT_XML_ROOT},
        {"<xml><a><b>1</b></a></xml>", WXPAY_RESULT_XML_NESTED},
        {"<xml><a>1</a><a>2</a></xml>", WXPAY_RESULT_XML_DUPLICATE},
        {"<xml><a>1</a>", WXPAY_RESULT_XML_MALFORMED},
        {"<xml><a>\xff</a></xml>", WXPAY_RESULT_XML_INVALID_UTF8},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        f = (wxpay_fields *)0x1;
        EXPECT_ERR(wxpay_xml_parse(BAD[i].doc, strlen(BAD[i].doc), 0, &f), BAD[i].code);
        CHECK(f == (wxpay_fields *)0x1);
    }
    EXPECT_ERR(wxpay_xml_parse(NULL, 5, 0, &f), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_xml_parse("<xml/>", 6, 0, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    /* Embedded NUL inside a document is not XML. */
    EXPECT_ERR(wxpay_xml_parse("<xml><a>\0</a></xml>", 19, 0, &f), WXPAY_RESULT_XML_MALFORMED);

    /* A 10 MiB document is refused by the default limit before parsing. */
    size_t big_len = 10u << 20;
    char *big = malloc(big_len);
    CHECK(big != NULL);
    if (big) {
        memset(big, ' ', big_len);
        memcpy(big, "<xml><a>", 8);
        memcpy(big + big_len - 10, "</a></xml>", 10);
        EXPECT_ERR(wxpay_xml_parse(big, big_len, 0, &f), WXPAY_RESULT_XML_TOO_LARGE);
        EXPECT_ERR(wxpay_verify_xml(big, big_len, 0, KEY, KEY_LEN, 0, &f), WXPAY_RESULT_XML_TOO_LARGE);
        /* With a raised limit it parses. */
        EXPECT_OK(wxpay_xml_parse(big, big_len, big_len, &f));
        CHECK(wxpay_fields_count(f) == 1);
        wxpay_fields_free(f);
        free(big);
    }
}

static void test_verify_xml(void) {
    char sig[WXPAY_SIGN_BUF_LEN];
    static const char F[] = "return_code\0SUCCESS\0result_code\0SUCCESS\0total_fee\0000";
    EXPECT_OK(wxpay_sign(F, sizeof F - 1, 3, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, sig, sizeof sig));
    char doc[512];
    int n = snprintf(doc, sizeof doc,
                     "<xml><return_code><![CDATA[SUCCESS]]></return_code><result_code>SUCCESS</result_code>"
                     "<total_fee>0</total_fee><sign>%s</sign></xml>", sig);
    CHECK(n > 0 && (size_t)n < sizeof doc);
    wxpay_fields *f = NULL;
    EXPECT_OK(wxpay_verify_xml(doc, (size_t)n, 0, KEY, KEY_LEN, WXPAY_SIGN_TYPE_AUTO, &f));
    const char *v = NULL;
    EXPECT_OK(wxpay_fields_get(f, "total_fee", &v));
    CHECK(v && strcmp(v, "0") == 0);
    wxpay_fields_free(f);
    EXPECT_ERR(wxpay_verify_xml(doc, (size_t)n, 0, KEY, KEY_LEN, WXPAY_SIGN_TYPE_HMAC_SHA256, &f), WXPAY_RESULT_SIGNATURE_MISMATCH);
    static const char UNSIGNED[] = "<xml><return_code>SUCCESS</return_code></xml>";
    EXPECT_ERR(wxpay_verify_xml(UNSIGNED, sizeof UNSIGNED - 1, 0, KEY, KEY_LEN, 0, &f), WXPAY_RESULT_SIGNATURE_MISSING);
    EXPECT_ERR(wxpay_verify_xml(NULL, 1, 0, KEY, KEY_LEN, 0, &f), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_verify_xml(doc, (size_t)n, 0, NULL, KEY_LEN, 0, &f), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_verify_xml(doc, (size_t)n, 0, KEY, KEY_LEN, 0, NULL), WXPAY_RESULT_NULL_ARGUMENT);
}

static void test_nonce(void) {
    char a[WXPAY_NONCE_BUF_LEN], b[WXPAY_NONCE_BUF_LEN];
    EXPECT_OK(wxpay_nonce(a, sizeof a));
    EXPECT_OK(wxpay_nonce(b, sizeof b));
    CHECK(strlen(a) == 32 && strcmp(a, b) != 0);
    EXPECT_ERR(wxpay_nonce(a, 32), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_nonce(NULL, 33), WXPAY_RESULT_NULL_ARGUMENT);
}

/*
 * A merchant-style certificate made once with the openssl command line for
 * this test (its key was discarded): issuer CN "Tenpay.com Root CA", a
 * 40-hex-digit serial, CN 1900000109, valid for 100 years from 2026-11-24.
 * Certificates made at test time are exercised by the Rust suites
 * (tests/cert_*.rs, tests/ffi_cert.rs); this one keeps the C test free of
 * an OpenSSL build dependency.
 */
static const char CA_ISSUED_PEM[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIC6zCCAdMCFE4fOgnC2LdlDx4tPEtaaXiHlqW0MA0GCSqGSIb3DQEBCwUAMB0x\n"
    "GzAZBgNVBAMMElRlbnBheS5jb20gUm9vdCBDQTAgFw0yNjExMjQxMzExMjJaGA8y\n"
    "MTI2MTAzMTEzMTEyMlowRTETMBEGA1UEAwwKMTkwMDAwMDEwOTEuMCwGA1UECgwl\n"
    "d3hwYXkgQyB0ZXN0IChub3QgYSByZWFsIGNlcnRpZmljYXRlKTCCASIwDQYJKoZI\n"
    "hvcNAQEBBQADggEPADCCAQoCggEBAJ5mMMsmA1aCUbas/Ui4z+YEFqrCTpDAfIP7\n"
    "OcWjfNVKxo+4WmWj17b6uX15iZmItBtQ7eVNsyqYDtzwbr2OT0FtbEX5oLIxbyov\n"
    "Z0/fFYpa4Bx8vbos+1Ab7MLysQpPbPhafQA0QYxqesK4RiQHMCyGiIQ3GmYjYQMg\n"
    "KhC9dTW8ihftY9X6dITAZeNq+vYmMTI5YHyU2P3kCurxUWX9C+OEI2uv/vAZR8YD\n"
    "06yPzjLdd+nh5dqhhiurVr5fuiKz6Eb6Do33beCnCCP7+Sk4SJMYLntGv3OMG+NL\n"
    "2DWw3gwjneKDJ6JSNkNFQn7n2WzcfqWGtTvxRAA8MRn6OtJHS98CAwEAATANBgkq\n"
    "hkiG9w0BAQsFAAOCAQEACNqA6RTq/ttQvVEo8EodkPQWs+esrFXE7MWMqlYHIxi9\n"
    "zbCKzMlRJtopdygjRR4k1yuvcmTpaIVL8fj9jWjrYnxe96TdDTytgo6/eEIsiR1T\n"
    "gvgEmkk3cRYGmdmZWu4ZG4Q74UYV46dEW7GJue2GWm8G+zMweHMGri6Tl3x7UvC+\n"
    "3WXq/OxnKcoWNP4bIwOZK8HLhfgIrHtijWGwxBqO0JlCjZ+P8Np5b/S1PHJl0BRN\n"
    "K7VR5VnCVScYJhyGHRgcusN+wmhoOI80DfkZL1MMBKOIfpq0i2i7fWpFI8wmCuCF\n"
    "YrX90X6LNQDLEH9T7AJfrAoalEGaOP3spxUvPzfWTA==\n"
    "-----END CERTIFICATE-----\n";

static const char *field(const wxpay_fields *f, const char *name) {
    const char *v = NULL;
    return wxpay_fields_get(f, name, &v) == WXPAY_RESULT_OK ? v : "";
}

static void test_cert_info(void) {
    wxpay_fields *info = NULL;
    EXPECT_OK(wxpay_cert_info((const uint8_t *)CA_ISSUED_PEM, sizeof CA_ISSUED_PEM - 1, NULL, 0, NULL, &info));
    CHECK(wxpay_fields_count(info) == 16);
    CHECK(strcmp(field(info, "issuer_cn"), "Tenpay.com Root CA") == 0);
    CHECK(strcmp(field(info, "issuer_kind"), "ca") == 0);
    CHECK(strcmp(field(info, "subject_cn"), "1900000109") == 0);
    CHECK(strcmp(field(info, "merchant_id"), "1900000109") == 0);
    CHECK(strcmp(field(info, "serial"), "4E1F3A09C2D8B7650F1E2D3C4B5A69788796A5B4") == 0);
    CHECK(strcmp(field(info, "not_after"), "2126-10-31T13:11:22Z") == 0);
    CHECK(strcmp(field(info, "not_after_unix"), "4949125882") == 0);
    CHECK(strcmp(field(info, "expiry"), "valid") == 0);
    CHECK(strcmp(field(info, "key_type"), "RSA") == 0 && strcmp(field(info, "key_bits"), "2048") == 0);
    CHECK(strcmp(field(info, "key_matches"), "unknown") == 0);
    wxpay_fields_free(info);

    wxpay_fields *untouched = (wxpay_fields *)0x1;
    EXPECT_ERR(wxpay_cert_info((const uint8_t *)"junk", 4, NULL, 0, NULL, &untouched), WXPAY_RESULT_CERTIFICATE_CORRUPT);
    EXPECT_ERR(wxpay_cert_info(NULL, 0, NULL, 0, NULL, &untouched), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_cert_info(NULL, 10, NULL, 0, NULL, &untouched), WXPAY_RESULT_NULL_ARGUMENT);
    static const char NOT_A_KEY[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    EXPECT_ERR(wxpay_cert_info((const uint8_t *)CA_ISSUED_PEM, sizeof CA_ISSUED_PEM - 1, NOT_A_KEY, sizeof NOT_A_KEY - 1, NULL, &untouched),
               WXPAY_RESULT_CERTIFICATE_CORRUPT);
    EXPECT_ERR(wxpay_cert_info((const uint8_t *)CA_ISSUED_PEM, sizeof CA_ISSUED_PEM - 1, NULL, 0, NULL, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(untouched == (wxpay_fields *)0x1);
    CHECK(WXPAY_CERT_WARNING_DAYS == 60);
    CHECK(strcmp(wxpay_result_name(WXPAY_RESULT_CERTIFICATE_EXPIRED), "WXPAY_RESULT_CERTIFICATE_EXPIRED") == 0);
    CHECK(strcmp(wxpay_result_name(407), "WXPAY_RESULT_CERTIFICATE_PERMISSIONS") == 0);
}

static int client_certificate_thread(void *unused) {
    (void)unused;
    wxpay_config *cfg = wxpay_config_new();
    CHECK(cfg != NULL);
    EXPECT_OK(wxpay_config_set(cfg, "mch_id", "1900000109"));
    EXPECT_OK(wxpay_config_set(cfg, "api_key", KEY));
    EXPECT_OK(wxpay_config_set(cfg, "strict_permissions", "true"));
    EXPECT_OK(wxpay_config_set(cfg, "certificate_check_interval_ms", "60000"));
    EXPECT_ERR(wxpay_config_set(cfg, "strict_permissions", "maybe"), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_config_set_p12_file(cfg, "/nonexistent/apiclient_cert.p12", NULL), WXPAY_RESULT_CERTIFICATE_FILE);
    wxpay_client *client = NULL;
    EXPECT_OK(wxpay_client_new(cfg, &client));
    wxpay_config_free(cfg);

    wxpay_fields *status = NULL;
    EXPECT_OK(wxpay_client_cert_status(client, &status));
    CHECK(strcmp(field(status, "certificate"), "none") == 0);
    CHECK(strcmp(field(status, "reloadable"), "false") == 0);
    CHECK(strcmp(field(status, "warning"), "") == 0);
    wxpay_fields_free(status);
    wxpay_fields *info = (wxpay_fields *)0x1;
    EXPECT_ERR(wxpay_client_reload_certificate(client, &info), WXPAY_RESULT_INVALID_ARGUMENT);
    CHECK(info == (wxpay_fields *)0x1);
    EXPECT_ERR(wxpay_client_reload_certificate(NULL, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_client_cert_status(NULL, &status), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_client_cert_status(client, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    wxpay_client_free(client);
    return 0;
}

/* A client's I/O machinery keeps a per-thread handle on the thread that
 * makes it; on a thread of its own it is released when the thread ends,
 * so valgrind sees every block freed. */
static void test_client_certificate(void) {
    thrd_t t;
    int rc = -1;
    CHECK(thrd_create(&t, client_certificate_thread, NULL) == thrd_success);
    CHECK(thrd_join(t, &rc) == thrd_success && rc == 0);
}

static void test_mcc(void) {
    const char *category = NULL;
    EXPECT_OK(wxpay_mcc_category(343, &category));
    CHECK(category && strcmp(category, "Shoes&Garments") == 0);
    EXPECT_OK(wxpay_mcc_category(492, &category));
    CHECK(category && strcmp(category, "Stationery/office supplies") == 0);
    EXPECT_ERR(wxpay_mcc_category(100, &category), WXPAY_RESULT_NOT_FOUND);
    CHECK(category && strcmp(category, "Stationery/office supplies") == 0);
    EXPECT_ERR(wxpay_mcc_category(343, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    int32_t code = 0;
    EXPECT_OK(wxpay_mcc_code("Medical Service", &code));
    CHECK(code == 533);
    EXPECT_ERR(wxpay_mcc_code("Gambling", &code), WXPAY_RESULT_NOT_FOUND);
    CHECK(code == 533);
    EXPECT_ERR(wxpay_mcc_code(NULL, &code), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_mcc_code("\xff", &code), WXPAY_RESULT_INVALID_UTF8);
    wxpay_fields *list = NULL;
    EXPECT_OK(wxpay_mcc_list(&list));
    CHECK(wxpay_fields_count(list) == 18);
    CHECK(strcmp(field(list, "485"), "Food") == 0);
    wxpay_fields_free(list);
    EXPECT_ERR(wxpay_mcc_list(NULL), WXPAY_RESULT_NULL_ARGUMENT);
}

/* The merchant flows: notifications, replies, pay parameters, bills, micropay. */
static wxpay_client *flows_client(void) {
    wxpay_config *cfg = wxpay_config_new();
    CHECK(cfg != NULL);
    EXPECT_OK(wxpay_config_set(cfg, "appid", "wx2421b1c4370ec43b"));
    EXPECT_OK(wxpay_config_set(cfg, "mch_id", "1900000109"));
    EXPECT_OK(wxpay_config_set(cfg, "api_key", KEY));
    wxpay_client *c = NULL;
    EXPECT_OK(wxpay_client_new(cfg, &c));
    wxpay_config_free(cfg);
    return c;
}

static void test_notify(wxpay_client *c) {
    static const char F[] = "return_code\0SUCCESS\0appid\0wx2421b1c4370ec43b\0mch_id\0001900000109\0"
                            "result_code\0SUCCESS\0out_trade_no\0T1\0total_fee\0001";
    char sig[WXPAY_SIGN_BUF_LEN];
    EXPECT_OK(wxpay_sign(F, sizeof F - 1, 6, KEY, KEY_LEN, WXPAY_SIGN_TYPE_HMAC_SHA256, sig, sizeof sig));
    char doc[1024];
    const char *head = "<xml><return_code>SUCCESS</return_code><appid>wx2421b1c4370ec43b</appid>"
                       "<mch_id>1900000109</mch_id><result_code>SUCCESS</result_code>"
                       "<out_trade_no>T1</out_trade_no><total_fee>1</total_fee>";
    int n = snprintf(doc, sizeof doc, "%s<sign>%s</sign></xml>", head, sig);
    CHECK(n > 0 && (size_t)n < sizeof doc);
    wxpay_fields *f = NULL;
    int paid = -1;
    /* No sign_type: HMAC-SHA256 is told by the signature's length. A retry verifies again. */
    for (int i = 0; i < 2; i++) {
        EXPECT_OK(wxpay_notify_payment(c, doc, (size_t)n, &f, &paid));
        CHECK(paid == 1 && wxpay_fields_count(f) == 7);
        wxpay_fields_free(f);
        f = NULL;
    }
    char forged[1024];
    int m = snprintf(forged, sizeof forged, "%s<attach>x</attach><sign>%s</sign></xml>", head, sig);
    CHECK(m > 0 && (size_t)m < sizeof forged);
    EXPECT_ERR(wxpay_notify_payment(c, forged, (size_t)m, &f, &paid), WXPAY_RESULT_SIGNATURE_FIELDS_ADDED);
    m = snprintf(forged, sizeof forged, "%s<sign_type>MD5</sign_type><sign>%s</sign></xml>", head, sig);
    EXPECT_ERR(wxpay_notify_payment(c, forged, (size_t)m, &f, &paid), WXPAY_RESULT_SIGN_TYPE_MISMATCH);
    m = snprintf(forged, sizeof forged, "%s<total_fee>2</total_fee><sign>%s</sign></xml>", head, sig);
    EXPECT_ERR(wxpay_notify_payment(c, forged, (size_t)m, &f, &paid), WXPAY_RESULT_XML_DUPLICATE);
    m = snprintf(forged, sizeof forged, "%s</xml>", head);
    EXPECT_ERR(wxpay_notify_payment(c, forged, (size_t)m, &f, &paid), WXPAY_RESULT_SIGNATURE_MISSING);
    sig[0] = sig[0] == 'A' ? 'B' : 'A';
    m = snprintf(forged, sizeof forged, "%s<sign>%s</sign></xml>", head, sig);
    EXPECT_ERR(wxpay_notify_payment(c, forged, (size_t)m, &f, &paid), WXPAY_RESULT_SIGNATURE_MISMATCH);
    CHECK(f == NULL && paid == 1);
    EXPECT_ERR(wxpay_notify_payment(c, doc, (size_t)n, &f, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_notify_payment(NULL, doc, (size_t)n, &f, &paid), WXPAY_RESULT_NULL_ARGUMENT);

    /* Refund: encrypted by tests/vectors/gen_req_info.sh (openssl enc). */
    static const char REFUND[] =
        "<xml><return_code>SUCCESS</return_code><appid>wx2421b1c4370ec43b</appid><mch_id>1900000109</mch_id>"
        "<req_info><![CDATA[+MexgIowoujh+PYStwFJE0gy7iqZH1vpep3TwRY4/kq49N+FKN3UEY5KuEV+mrA6HLLF9iDxLLARfpYJ"
        "3ZolQHgUQvYZ4XCUAaqWu5j8hpAjiCXTCKySLWkykR/3Wcev4pcSVQaRkGp3ViWSuX8M1DK41i2d/idy5Vi/jM5QUGY=]]></req_info></xml>";
    wxpay_fields *info = NULL, *outer = NULL;
    EXPECT_OK(wxpay_notify_refund(c, REFUND, sizeof REFUND - 1, &info, &outer));
    const char *v = NULL;
    EXPECT_OK(wxpay_fields_get(info, "out_refund_no", &v));
    CHECK(v && strcmp(v, "R2") == 0);
    EXPECT_OK(wxpay_fields_get(outer, "mch_id", &v));
    CHECK(v && strcmp(v, "1900000109") == 0);
    wxpay_fields_free(info);
    wxpay_fields_free(outer);
    info = outer = NULL;
    static const char BAD64[] = "<xml><return_code>SUCCESS</return_code><mch_id>1900000109</mch_id><req_info>!!!!</req_info></xml>";
    EXPECT_ERR(wxpay_notify_refund(c, BAD64, sizeof BAD64 - 1, &info, &outer), WXPAY_RESULT_CIPHERTEXT_CORRUPT);
    static const char BADKEY[] = "<xml><return_code>SUCCESS</return_code><mch_id>1900000109</mch_id>"
                                 "<req_info>AAAAAAAAAAAAAAAAAAAAAA==</req_info></xml>";
    EXPECT_ERR(wxpay_notify_refund(c, BADKEY, sizeof BADKEY - 1, &info, &outer), WXPAY_RESULT_DECRYPT_FAILED);
    static const char OTHER[] = "<xml><return_code>SUCCESS</return_code><mch_id>42</mch_id><req_info>AAAA</req_info></xml>";
    EXPECT_ERR(wxpay_notify_refund(c, OTHER, sizeof OTHER - 1, &info, &outer), WXPAY_RESULT_MERCHANT_MISMATCH);
    CHECK(info == NULL && outer == NULL);

    char *xml = NULL;
    size_t len = 0;
    EXPECT_OK(wxpay_notify_reply(1, NULL, &xml, &len));
    CHECK(xml && strlen(xml) == len && strstr(xml, "SUCCESS") != NULL);
    wxpay_string_free(xml);
    EXPECT_OK(wxpay_notify_reply(0, "busy", &xml, NULL));
    CHECK(xml && strstr(xml, "FAIL") != NULL && strstr(xml, "busy") != NULL);
    wxpay_string_free(xml);
    EXPECT_ERR(wxpay_notify_reply(0, "\x01", &xml, NULL), WXPAY_RESULT_INVALID_FIELD_VALUE);
    EXPECT_ERR(wxpay_notify_reply(1, NULL, NULL, NULL), WXPAY_RESULT_NULL_ARGUMENT);
}

static void test_pay_params(wxpay_client *c) {
    wxpay_fields *p = NULL;
    /* Expected paySign from tests/vectors/gen_pay_params.py (Python hashlib). */
    EXPECT_OK(wxpay_pay_params(c, WXPAY_PAY_KIND_JSAPI, "wx201410272009395522657a690389285100", NULL, 1414561699,
                               "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", &p));
    const char *v = NULL;
    EXPECT_OK(wxpay_fields_get(p, "paySign", &v));
    CHECK(v && strcmp(v, "6C716B27DD2CF90A2B780C1E587B9802") == 0);
    EXPECT_OK(wxpay_fields_get(p, "package", &v));
    CHECK(v && strcmp(v, "prepay_id=wx201410272009395522657a690389285100") == 0);
    wxpay_fields_free(p);
    p = NULL;
    EXPECT_OK(wxpay_pay_params(c, WXPAY_PAY_KIND_APP, "wx1", NULL, 0, NULL, &p));
    EXPECT_OK(wxpay_fields_get(p, "package", &v));
    CHECK(v && strcmp(v, "Sign=WXPay") == 0);
    wxpay_fields_free(p);
    p = NULL;
    /* wx.chooseWXPay: the same signature under the JS-SDK's names, without appId. */
    EXPECT_OK(wxpay_pay_params(c, WXPAY_PAY_KIND_CHOOSE_WX_PAY, "wx201410272009395522657a690389285100", NULL, 1414561699,
                               "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", &p));
    EXPECT_OK(wxpay_fields_get(p, "paySign", &v));
    CHECK(v && strcmp(v, "6C716B27DD2CF90A2B780C1E587B9802") == 0);
    EXPECT_OK(wxpay_fields_get(p, "timestamp", &v));
    CHECK(v && strcmp(v, "1414561699") == 0);
    EXPECT_ERR(wxpay_fields_get(p, "appId", &v), WXPAY_RESULT_NOT_FOUND);
    CHECK(wxpay_fields_count(p) == 5);
    wxpay_fields_free(p);
    p = NULL;
    EXPECT_ERR(wxpay_pay_params(c, 0, "wx1", NULL, 0, NULL, &p), WXPAY_RESULT_INVALID_ARGUMENT);
    /* A mini-program red packet: the package percent-encoded, signed MD5 over appId, timeStamp, nonceStr, package. */
    EXPECT_OK(wxpay_pay_params(c, WXPAY_PAY_KIND_RED_PACKET, "sendid=ab&ver=8", NULL, 1414561699, "n1", &p));
    EXPECT_OK(wxpay_fields_get(p, "package", &v));
    CHECK(v && strcmp(v, "sendid%3Dab%26ver%3D8") == 0);
    static const char RED[] = "appId\0wx2421b1c4370ec43b\0timeStamp\0001414561699\0nonceStr\0n1\0package\0sendid%3Dab%26ver%3D8";
    char red_sig[WXPAY_SIGN_BUF_LEN];
    EXPECT_OK(wxpay_sign(RED, sizeof RED - 1, 4, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, red_sig, sizeof red_sig));
    EXPECT_OK(wxpay_fields_get(p, "paySign", &v));
    CHECK(v && strcmp(v, red_sig) == 0);
    wxpay_fields_free(p);
    p = NULL;
    EXPECT_ERR(wxpay_pay_params(c, 5, "wx1", NULL, 0, NULL, &p), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_pay_params(c, WXPAY_PAY_KIND_APP, "", NULL, 0, NULL, &p), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_pay_params(NULL, WXPAY_PAY_KIND_APP, "wx1", NULL, 0, NULL, &p), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(p == NULL);
}

static void test_bill(void) {
    static const char BILL[] = "time,out_trade_no,body\n`2026-11-24 10:00:00,`T1,`tea, green\n`2026-11-24 11:00:00,`T2,`mug\n"
                               "count,total\n`2,`0.03\n";
    wxpay_table *rows = NULL, *summary = NULL;
    EXPECT_OK(wxpay_bill_parse((const uint8_t *)BILL, sizeof BILL - 1, &rows, &summary));
    const char *cols, *cells;
    size_t cols_len, ncols, cells_len, nrows;
    EXPECT_OK(wxpay_table_packed(rows, &cols, &cols_len, &ncols, &cells, &cells_len, &nrows));
    CHECK(ncols == 3 && nrows == 2 && cols_len == 23 && memcmp(cols, "time\0out_trade_no\0body\0", 23) == 0);
    /* Cells row by row, each followed by a NUL: the third is "tea, green". */
    const char *cell = cells;
    for (int i = 0; i < 2; i++) cell += strlen(cell) + 1;
    CHECK(strcmp(cell, "tea, green") == 0);
    CHECK(wxpay_table_row_count(rows) == 2 && wxpay_table_row_count(NULL) == 0);
    EXPECT_OK(wxpay_table_packed(summary, &cols, &cols_len, &ncols, &cells, &cells_len, &nrows));
    CHECK(ncols == 2 && nrows == 1 && strcmp(cells, "2") == 0);
    EXPECT_ERR(wxpay_table_packed(summary, NULL, &cols_len, &ncols, &cells, &cells_len, &nrows), WXPAY_RESULT_NULL_ARGUMENT);
    wxpay_table_free(rows);
    wxpay_table_free(summary);
    wxpay_table_free(NULL);
    rows = summary = NULL;
    static const char NOT_A_BILL[] = "a,b\n`1\n";
    EXPECT_ERR(wxpay_bill_parse((const uint8_t *)NOT_A_BILL, sizeof NOT_A_BILL - 1, &rows, &summary), WXPAY_RESULT_RESPONSE_INVALID);
    EXPECT_ERR(wxpay_bill_parse(NULL, 3, &rows, &summary), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(rows == NULL && summary == NULL);
}

static void test_micropay_errors(wxpay_client *c) {
    wxpay_micropay_options o;
    EXPECT_OK(wxpay_micropay_options_default(&o));
    CHECK(o.poll_interval_ms == 5000 && o.poll_deadline_ms == 30000 && o.reverse_attempts == 3);
    EXPECT_ERR(wxpay_micropay_options_default(NULL), WXPAY_RESULT_NULL_ARGUMENT);
    static const char PAY[] = "body\0tea\0out_trade_no\0M1\0total_fee\0001\0spbill_create_ip\000127.0.0.1\0auth_code\000134600000000000000";
    int state = 0;
    wxpay_fields *f = NULL;
    wxpay_table *steps = NULL;
    /* Reversal needs the merchant certificate: refused before any network I/O. */
    EXPECT_ERR(wxpay_micropay(c, PAY, sizeof PAY - 1, 5, &o, &state, &f, &steps), WXPAY_RESULT_CERTIFICATE_REQUIRED);
    EXPECT_ERR(wxpay_micropay(c, PAY, sizeof PAY - 1, 4, &o, &state, &f, &steps), WXPAY_RESULT_EMBEDDED_NUL);
    EXPECT_ERR(wxpay_micropay(c, PAY, sizeof PAY - 1, 5, &o, &state, &f, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(state == 0 && f == NULL && steps == NULL);
    wxpay_table *r = NULL, *sm = NULL;
    EXPECT_ERR(wxpay_download_bill(NULL, "pay/downloadbill", "", 0, 0, &r, &sm), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_download_bill(c, "pay/downloadbill", "bill_type\0ALL", 13, 1, &r, &sm),
               WXPAY_RESULT_MISSING_FIELD);
    CHECK(r == NULL && sm == NULL);
}

/* Native mode 1: the QR code's link, the scan callback, the reply. */
static void test_native(wxpay_client *c) {
    char *url = NULL;
    size_t len = 0;
    EXPECT_OK(wxpay_native_url(c, "88888", 1414488825, "Wm3WZYTPz0wzccnW", &url, &len));
    static const char SIGNED[] = "appid\0wx2421b1c4370ec43b\0mch_id\0001900000109\0product_id\00088888\0"
                                 "time_stamp\0001414488825\0nonce_str\0Wm3WZYTPz0wzccnW";
    char sig[WXPAY_SIGN_BUF_LEN];
    EXPECT_OK(wxpay_sign(SIGNED, sizeof SIGNED - 1, 5, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, sig, sizeof sig));
    char expected[256];
    snprintf(expected, sizeof expected,
             "weixin://wxpay/bizpayurl?sign=%s&appid=wx2421b1c4370ec43b&mch_id=1900000109&product_id=88888"
             "&time_stamp=1414488825&nonce_str=Wm3WZYTPz0wzccnW", sig);
    CHECK(url && strcmp(url, expected) == 0 && len == strlen(expected));
    wxpay_string_free(url);
    url = NULL;
    EXPECT_ERR(wxpay_native_url(c, "a&b", 0, NULL, &url, NULL), WXPAY_RESULT_INVALID_ARGUMENT);
    CHECK(url == NULL);

    static const char SCAN[] = "appid\0wx2421b1c4370ec43b\0openid\0o8GeHuLAsgefS_80exEr1cTqekUs\0mch_id\0001900000109\0"
                               "is_subscribe\0Y\0nonce_str\0n1\0product_id\00088888";
    EXPECT_OK(wxpay_sign(SCAN, sizeof SCAN - 1, 6, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, sig, sizeof sig));
    char doc[512];
    int n = snprintf(doc, sizeof doc, "<xml><appid>wx2421b1c4370ec43b</appid><openid>o8GeHuLAsgefS_80exEr1cTqekUs</openid>"
                     "<mch_id>1900000109</mch_id><is_subscribe>Y</is_subscribe><nonce_str>n1</nonce_str>"
                     "<product_id>88888</product_id><sign>%s</sign></xml>", sig);
    wxpay_fields *f = NULL;
    EXPECT_OK(wxpay_native_scan(c, doc, (size_t)n, &f));
    CHECK(strcmp(field(f, "product_id"), "88888") == 0);
    wxpay_fields_free(f);
    f = NULL;
    doc[n - 14] = doc[n - 14] == '0' ? '1' : '0'; /* the signature's last character */
    EXPECT_ERR(wxpay_native_scan(c, doc, (size_t)n, &f), WXPAY_RESULT_SIGNATURE_MISMATCH);
    CHECK(f == NULL);

    char *xml = NULL;
    EXPECT_OK(wxpay_native_reply(c, "wx201410272009395522657a690389285100", NULL, &xml, &len));
    EXPECT_OK(wxpay_verify_xml(xml, len, 1 << 20, KEY, KEY_LEN, 0, &f));
    CHECK(strcmp(field(f, "prepay_id"), "wx201410272009395522657a690389285100") == 0);
    CHECK(strcmp(field(f, "result_code"), "SUCCESS") == 0);
    wxpay_fields_free(f);
    wxpay_string_free(xml);
    EXPECT_OK(wxpay_native_reply(c, NULL, "sold out", &xml, NULL));
    EXPECT_OK(wxpay_verify_xml(xml, strlen(xml), 1 << 20, KEY, KEY_LEN, 0, &f));
    CHECK(strcmp(field(f, "result_code"), "FAIL") == 0 && strcmp(field(f, "err_code_des"), "sold out") == 0);
    wxpay_fields_free(f);
    wxpay_string_free(xml);
    EXPECT_ERR(wxpay_native_reply(NULL, NULL, NULL, &xml, NULL), WXPAY_RESULT_NULL_ARGUMENT);
}

/* Automatic deduction: the signing link and the contract notification. */
static void test_papay(wxpay_client *c) {
    static const char LINK[] = "plan_id\00012535\0contract_code\0C1\0request_serial\0007\0"
                               "contract_display_account\0a b\0notify_url\0https://shop.example/n?x=1\0timestamp\0001414488825";
    char *url = NULL;
    size_t len = 0;
    EXPECT_OK(wxpay_papay_url(c, LINK, sizeof LINK - 1, 6, &url, &len));
    static const char PREFIX[] = "https://api.mch.weixin.qq.com/papay/entrustweb?appid=wx2421b1c4370ec43b&contract_code=C1"
                                 "&contract_display_account=a+b&mch_id=1900000109&notify_url=https%3A%2F%2Fshop.example%2Fn%3Fx%3D1"
                                 "&plan_id=12535&request_serial=7&timestamp=1414488825&version=1.0&sign=";
    static const char SIGNED[] = "appid\0wx2421b1c4370ec43b\0contract_code\0C1\0contract_display_account\0a b\0"
                                 "mch_id\0001900000109\0notify_url\0https://shop.example/n?x=1\0plan_id\00012535\0"
                                 "request_serial\0007\0timestamp\0001414488825\0version\0001.0";
    char sig[WXPAY_SIGN_BUF_LEN];
    EXPECT_OK(wxpay_sign(SIGNED, sizeof SIGNED - 1, 9, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, sig, sizeof sig));
    CHECK(url && len == strlen(url) && strncmp(url, PREFIX, sizeof PREFIX - 1) == 0);
    CHECK(url && strcmp(url + sizeof PREFIX - 1, sig) == 0);
    wxpay_string_free(url);
    url = NULL;
    static const char NO_NOTIFY_URL[] = "plan_id\00012535\0contract_code\0C1\0request_serial\0007\0contract_display_account\0a";
    EXPECT_ERR(wxpay_papay_url(c, NO_NOTIFY_URL, sizeof NO_NOTIFY_URL - 1, 4, &url, NULL), WXPAY_RESULT_MISSING_FIELD);
    EXPECT_ERR(wxpay_papay_url(c, "sign\0x", 6, 1, &url, NULL), WXPAY_RESULT_CONFLICTING_FIELD);
    EXPECT_ERR(wxpay_papay_url(NULL, LINK, sizeof LINK - 1, 6, &url, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(url == NULL);

    static const char NOTE[] = "return_code\0SUCCESS\0result_code\0SUCCESS\0mch_id\0001900000109\0contract_code\0C1\0"
                               "plan_id\00012535\0openid\0o1\0change_type\0DELETE\0contract_id\0Wx1";
    EXPECT_OK(wxpay_sign(NOTE, sizeof NOTE - 1, 8, KEY, KEY_LEN, WXPAY_SIGN_TYPE_MD5, sig, sizeof sig));
    char doc[512];
    int n = snprintf(doc, sizeof doc, "<xml><return_code>SUCCESS</return_code><result_code>SUCCESS</result_code>"
                     "<mch_id>1900000109</mch_id><contract_code>C1</contract_code><plan_id>12535</plan_id>"
                     "<openid>o1</openid><change_type>DELETE</change_type><contract_id>Wx1</contract_id>"
                     "<sign>%s</sign></xml>", sig);
    wxpay_fields *f = NULL;
    int signed_ = -1;
    EXPECT_OK(wxpay_notify_contract(c, doc, (size_t)n, &f, &signed_));
    CHECK(signed_ == 0 && strcmp(field(f, "contract_id"), "Wx1") == 0);
    wxpay_fields_free(f);
    f = NULL;
    signed_ = -1;
    doc[n - 14] = doc[n - 14] == '0' ? '1' : '0'; /* the signature's last character */
    EXPECT_ERR(wxpay_notify_contract(c, doc, (size_t)n, &f, &signed_), WXPAY_RESULT_SIGNATURE_MISMATCH);
    EXPECT_ERR(wxpay_notify_contract(c, doc, (size_t)n, &f, NULL), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(f == NULL && signed_ == -1);
}

/* Run on a thread of its own: a client makes Rust's runtime record the
 * calling thread, which is released when that thread ends, not when the
 * main thread does (valgrind would report it as possibly lost). */
static void *test_flows(void *unused) {
    (void)unused;
    wxpay_client *c = flows_client();
    test_notify(c);
    test_pay_params(c);
    test_native(c);
    test_papay(c);
    test_bill();
    test_micropay_errors(c);
    wxpay_client_free(c);
    return NULL;
}


/* ---- Against the simulator: the client over mutual TLS with every way of
 * giving the certificate and the CA, the log callback, requests and bills.
 * WXPAY_SIM names the wxpay-sim binary (the Makefile passes it). */

extern char **environ;

typedef struct {
    pid_t pid;
    int out; /* the simulator's stdout, kept open until it has stopped */
    char url[128];
    char root[64]; /* the temporary directory, removed at the end */
    char dir[256];
} sim_t;

static int sim_start(sim_t *sim) {
    const char *bin = getenv("WXPAY_SIM");
    if (bin == NULL || *bin == '\0') {
        fprintf(stderr, "WXPAY_SIM is not set: the simulator tests cannot run\n");
        return 0;
    }
    char tmpl[] = "/tmp/wxpay-c-sim-XXXXXX";
    if (mkdtemp(tmpl) == NULL) return 0;
    snprintf(sim->root, sizeof sim->root, "%s", tmpl);
    snprintf(sim->dir, sizeof sim->dir, "%s/data", tmpl);
    int out[2];
    if (pipe(out) != 0) return 0;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = {(char *)bin, "--dir", sim->dir, "--notify-scale", "0.001", NULL};
    int rc = posix_spawn(&sim->pid, bin, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        return 0;
    }
    /* The first line: WXPAY_SIM_READY url=https://127.0.0.1:PORT dir=... */
    char line[512];
    size_t n = 0;
    char c;
    while (n + 1 < sizeof line && read(out[0], &c, 1) == 1 && c != '\n') line[n++] = c;
    line[n] = '\0';
    sim->out = out[0]; /* its few later lines stay in the pipe's buffer */
    return sscanf(line, "WXPAY_SIM_READY url=%127s", sim->url) == 1;
}

static void sim_stop(sim_t *sim) {
    kill(sim->pid, SIGTERM);
    int status = 0;
    waitpid(sim->pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(sim->out);
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf '%s'", sim->root);
    CHECK(system(rm) == 0);
}

static char *read_file(const char *dir, const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    *len = fread(data, 1, (size_t)size, f);
    data[*len] = '\0';
    fclose(f);
    return data;
}

typedef struct {
    pthread_mutex_t lock;
    int lines;
    int leaked; /* a line quoting the API key */
} log_sink;

static void log_line(void *user_data, int32_t level, const char *message, size_t len) {
    log_sink *sink = user_data;
    pthread_mutex_lock(&sink->lock);
    sink->lines++;
    if (strstr(message, KEY) != NULL || strlen(message) != len || level < WXPAY_LOG_LEVEL_ERROR) sink->leaked++;
    pthread_mutex_unlock(&sink->lock);
}

enum cert_way { P12_FILE, P12_BYTES, PEM_FILES, PEM_BYTES };

static wxpay_client *sim_client(const sim_t *sim, enum cert_way way, log_sink *sink) {
    wxpay_config *cfg = wxpay_config_new();
    EXPECT_OK(wxpay_config_set(cfg, "appid", "wx2421b1c4370ec43b"));
    EXPECT_OK(wxpay_config_set(cfg, "mch_id", "1900000109"));
    EXPECT_OK(wxpay_config_set(cfg, "api_key", KEY));
    EXPECT_OK(wxpay_config_set(cfg, "host", sim->url));
    EXPECT_OK(wxpay_config_set(cfg, "proxy", "none"));
    char path[512];
    size_t ca_len = 0, a_len = 0, b_len = 0;
    char *ca = read_file(sim->dir, "ca.pem", &ca_len);
    CHECK(ca != NULL);
    char *a = NULL, *b = NULL;
    switch (way) {
    case P12_FILE:
        snprintf(path, sizeof path, "%s/apiclient_cert_legacy.p12", sim->dir);
        EXPECT_OK(wxpay_config_set_p12_file(cfg, path, NULL));
        snprintf(path, sizeof path, "%s/ca.pem", sim->dir);
        EXPECT_OK(wxpay_config_set_root_ca_file(cfg, path));
        break;
    case P12_BYTES:
        a = read_file(sim->dir, "apiclient_cert.p12", &a_len);
        EXPECT_OK(wxpay_config_set_p12(cfg, (const uint8_t *)a, a_len, "1900000109"));
        EXPECT_ERR(wxpay_config_set_p12(NULL, (const uint8_t *)a, a_len, NULL), WXPAY_RESULT_NULL_ARGUMENT);
        EXPECT_OK(wxpay_config_set_root_ca(cfg, ca, ca_len));
        break;
    case PEM_FILES: {
        char key[512];
        snprintf(path, sizeof path, "%s/apiclient_cert.pem", sim->dir);
        snprintf(key, sizeof key, "%s/apiclient_key_pkcs1.pem", sim->dir);
        EXPECT_OK(wxpay_config_set_pem_files(cfg, path, key, NULL));
        EXPECT_ERR(wxpay_config_set_pem_files(cfg, "/nonexistent.pem", key, NULL), WXPAY_RESULT_CERTIFICATE_FILE);
        EXPECT_OK(wxpay_config_set_pem_files(cfg, path, key, NULL));
        EXPECT_OK(wxpay_config_set_root_ca(cfg, ca, ca_len));
        break;
    }
    case PEM_BYTES:
        a = read_file(sim->dir, "apiclient_cert.pem", &a_len);
        b = read_file(sim->dir, "apiclient_key.pem", &b_len);
        EXPECT_OK(wxpay_config_set_pem(cfg, a, a_len, b, b_len, NULL));
        EXPECT_OK(wxpay_config_set_root_ca(cfg, ca, ca_len));
        EXPECT_ERR(wxpay_config_set_root_ca_file(cfg, "/nonexistent/ca.pem"), WXPAY_RESULT_CERTIFICATE_FILE);
        break;
    }
    if (sink != NULL) EXPECT_OK(wxpay_config_set_log(cfg, log_line, sink, WXPAY_LOG_LEVEL_DEBUG));
    free(ca);
    free(a);
    free(b);
    wxpay_client *client = NULL;
    EXPECT_OK(wxpay_client_new(cfg, &client));
    wxpay_config_free(cfg);
    return client;
}

/* An order, then its reversal over mutual TLS; `no` makes the order number unique. */
static void order_and_reverse(wxpay_client *c, const char *no) {
    char packed[512];
    int n = snprintf(packed, sizeof packed,
                     "body%cC test%cout_trade_no%c%s%ctotal_fee%c1%cspbill_create_ip%c127.0.0.1%c"
                     "notify_url%chttps://127.0.0.1:9/n%ctrade_type%cNATIVE%cproduct_id%cp1",
                     0, 0, 0, no, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    wxpay_fields *r = NULL;
    EXPECT_OK(wxpay_request(c, "pay/unifiedorder", packed, (size_t)n, 7, &r));
    CHECK(strlen(field(r, "prepay_id")) > 0);
    CHECK(strcmp(field(r, "result_code"), "SUCCESS") == 0);
    wxpay_fields_free(r);
    r = NULL;
    n = snprintf(packed, sizeof packed, "out_trade_no%c%s", 0, no);
    EXPECT_OK(wxpay_request(c, "secapi/pay/reverse", packed, (size_t)n, 1, &r));
    CHECK(strcmp(field(r, "recall"), "N") == 0);
    wxpay_fields_free(r);
    r = (wxpay_fields *)0x1;
    /* An order the simulator never saw: a business failure, its response kept as the last error's. */
    n = snprintf(packed, sizeof packed, "out_trade_no%cC-NO-SUCH-ORDER", 0);
    EXPECT_ERR(wxpay_request(c, "pay/orderquery", packed, (size_t)n, 1, &r), WXPAY_RESULT_BUSINESS_FAIL);
    CHECK(r == (wxpay_fields *)0x1);
    CHECK(strcmp(field(wxpay_last_error_response(), "err_code"), "ORDERNOTEXIST") == 0);
    CHECK(wxpay_last_error_retry() == WXPAY_RETRY_FINAL);
    /* An injected SYSTEMERROR is WeChat's failure: the same request may be sent again. */
    n = snprintf(packed, sizeof packed, "out_trade_no%cC-NO-SUCH-ORDER%cattach%csim:fault=systemerror", 0, 0, 0);
    EXPECT_ERR(wxpay_request(c, "pay/orderquery", packed, (size_t)n, 2, &r), WXPAY_RESULT_BUSINESS_FAIL);
    CHECK(wxpay_last_error_retry() == WXPAY_RETRY_RETRYABLE);
}

static void test_bills(wxpay_client *c) {
    /* A micropay with an ordinary auth code is paid at once, so today's bill exists. */
    static const char PAY[] = "body\0tea\0out_trade_no\0C-BILL-1\0total_fee\0" "101\0spbill_create_ip\0"
                              "127.0.0.1\0auth_code\0" "130000000000000001";
    wxpay_fields *r = NULL;
    EXPECT_OK(wxpay_request(c, "pay/micropay", PAY, sizeof PAY - 1, 5, &r));
    wxpay_fields_free(r);
    time_t beijing = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&beijing, &tm);
    char date[16], packed[64];
    strftime(date, sizeof date, "%Y%m%d", &tm);
    int n = snprintf(packed, sizeof packed, "bill_date%c%s%cbill_type%cALL", 0, date, 0, 0);
    uint8_t *data = NULL;
    size_t len = 0;
    EXPECT_OK(wxpay_download(c, "pay/downloadbill", packed, (size_t)n, 2, &data, &len));
    CHECK(data != NULL && memmem(data, len, "`C-BILL-1", 9) != NULL); /* every cell starts with a backtick */
    wxpay_bytes_free(data, len);
    wxpay_bytes_free(NULL, 0);
    wxpay_table *rows = NULL, *summary = NULL;
    EXPECT_OK(wxpay_download_bill(c, "pay/downloadbill", packed, (size_t)n, 2, &rows, &summary));
    CHECK(wxpay_table_row_count(rows) >= 1 && wxpay_table_row_count(summary) == 1);
    wxpay_table_free(rows);
    wxpay_table_free(summary);
    n = snprintf(packed, sizeof packed, "bill_date%c20000101", 0);
    data = (uint8_t *)0x1;
    EXPECT_ERR(wxpay_download(c, "pay/downloadbill", packed, (size_t)n, 1, &data, &len), WXPAY_RESULT_PROTOCOL_FAIL);
    CHECK(data == (uint8_t *)0x1);
    EXPECT_ERR(wxpay_download(c, "pay/downloadbill", packed, (size_t)n, 1, NULL, &len), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_request(NULL, "pay/orderquery", packed, (size_t)n, 1, &r), WXPAY_RESULT_NULL_ARGUMENT);
}

/* A payout to a bank card: the client fetches WeChat's key and encrypts; the
 * simulator decrypts with its private key. The key's PEM also encrypts directly. */
static void test_pay_bank(wxpay_client *c) {
    static const char PAYOUT[] = "partner_trade_no\0C-BANK-1\0bank_no\0" "6225880137250000\0true_name\0Zhang San\0"
                                 "bank_code\0" "1001\0amount\0" "50000";
    wxpay_fields *r = NULL;
    EXPECT_OK(wxpay_pay_bank(c, PAYOUT, sizeof PAYOUT - 1, 5, &r));
    CHECK(strcmp(field(r, "cmms_amt"), "100") == 0 && strlen(field(r, "payment_no")) > 0);
    wxpay_fields_free(r);
    r = (wxpay_fields *)0x1;
    static const char NO_CARD[] = "partner_trade_no\0C-BANK-2\0true_name\0Zhang San";
    EXPECT_ERR(wxpay_pay_bank(c, NO_CARD, sizeof NO_CARD - 1, 2, &r), WXPAY_RESULT_MISSING_FIELD);
    EXPECT_ERR(wxpay_pay_bank(NULL, PAYOUT, sizeof PAYOUT - 1, 5, &r), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(r == (wxpay_fields *)0x1);

    wxpay_fields *key = NULL;
    EXPECT_OK(wxpay_request(c, "risk/getpublickey", "", 0, 0, &key));
    const char *pem = field(key, "pub_key");
    CHECK(strstr(pem, "BEGIN RSA PUBLIC KEY") != NULL);
    char *enc = NULL;
    size_t len = 0;
    EXPECT_OK(wxpay_payout_encrypt(pem, strlen(pem), "6225880137250000", 16, &enc, &len));
    CHECK(enc != NULL && len == 344 && strlen(enc) == len); /* base64 of 256 bytes */
    wxpay_string_free(enc);
    enc = (char *)0x1;
    EXPECT_ERR(wxpay_payout_encrypt("not a key", 9, "6225880137250000", 16, &enc, &len), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_payout_encrypt(pem, strlen(pem), "", 0, &enc, &len), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_payout_encrypt(pem, strlen(pem), "x", 1, NULL, &len), WXPAY_RESULT_NULL_ARGUMENT);
    CHECK(enc == (char *)0x1);
    wxpay_fields_free(key);
}

static void test_endpoint_info(void) {
    wxpay_endpoint e;
    EXPECT_OK(wxpay_endpoint_info("/secapi/pay/refund", &e));
    CHECK(e.matched == WXPAY_ENDPOINT_MATCH_EXACT && e.certificate && e.signed_response);
    CHECK(e.body_kind == WXPAY_BODY_KIND_XML && strcmp(e.appid_field, "appid") == 0);
    CHECK(e.required_count == 3 && strcmp(e.required, "out_refund_no") == 0 && e.one_of_count == 2);
    EXPECT_OK(wxpay_endpoint_info("xdc/apiv2sandbox/pay/downloadbill", &e));
    CHECK(e.sandbox && e.md5 && !e.hmac_sha256 && e.body_kind == WXPAY_BODY_KIND_BYTES);
    EXPECT_OK(wxpay_endpoint_info("pay/somethingnew", &e));
    CHECK(e.matched == WXPAY_ENDPOINT_MATCH_UNKNOWN && !e.certificate);
    EXPECT_ERR(wxpay_endpoint_info("https://api.mch.weixin.qq.com/pay/orderquery", &e), WXPAY_RESULT_INVALID_ARGUMENT);
    EXPECT_ERR(wxpay_endpoint_info("pay/orderquery", NULL), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_endpoint_info("sandboxnew/pay/orderquery", &e), WXPAY_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(wxpay_last_error_message(), "xdc/apiv2sandbox/") != NULL);
}

static void test_err_code_retry(void) {
    wxpay_retry r = WXPAY_RETRY_UNKNOWN;
    EXPECT_OK(wxpay_err_code_retry("pay/micropay", "USERPAYING", &r));
    CHECK(r == WXPAY_RETRY_RETRYABLE);
    EXPECT_OK(wxpay_err_code_retry("/secapi/pay/refund", "NOTENOUGH", &r));
    CHECK(r == WXPAY_RETRY_FINAL);
    EXPECT_OK(wxpay_err_code_retry("pay/unifiedorder", "USERPAYING", &r));
    CHECK(r == WXPAY_RETRY_UNKNOWN);
    r = WXPAY_RETRY_FINAL;
    EXPECT_ERR(wxpay_err_code_retry("pay/../x", "SYSTEMERROR", &r), WXPAY_RESULT_INVALID_ARGUMENT);
    CHECK(r == WXPAY_RETRY_FINAL);
    EXPECT_ERR(wxpay_err_code_retry(NULL, "SYSTEMERROR", &r), WXPAY_RESULT_NULL_ARGUMENT);
    EXPECT_ERR(wxpay_err_code_retry("pay/micropay", "SYSTEMERROR", NULL), WXPAY_RESULT_NULL_ARGUMENT);
}

static void *test_simulator(void *unused) {
    (void)unused;
    sim_t sim;
    /* Only a simulator that did not start is skipped: one that did is stopped
     * below even after earlier failures, so that no orphan keeps our output open. */
    int started = sim_start(&sim);
    CHECK(started);
    if (!started) return NULL;
    log_sink sink = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
    const char *orders[] = {"C-P12-FILE", "C-P12-BYTES", "C-PEM-FILES", "C-PEM-BYTES"};
    for (int way = P12_FILE; way <= PEM_BYTES; way++) {
        wxpay_client *c = sim_client(&sim, (enum cert_way)way, way == P12_FILE ? &sink : NULL);
        order_and_reverse(c, orders[way]);
        if (way == P12_FILE) {
            test_bills(c);
            test_pay_bank(c);
        }
        wxpay_client_free(c);
    }
    CHECK(sink.lines >= 6 && sink.leaked == 0);
    sim_stop(&sim);
    return NULL;
}

int main(void) {
    test_version_and_names();
    test_sign_and_verify();
    test_sign_errors();
    test_signer();
    test_fields();
    test_xml();
    test_verify_xml();
    test_nonce();
    test_cert_info();
    test_client_certificate();
    test_mcc();
    pthread_t flows;
    CHECK(pthread_create(&flows, NULL, test_flows, NULL) == 0);
    CHECK(pthread_join(flows, NULL) == 0);
    test_endpoint_info();
    test_err_code_retry();
    pthread_t simulator;
    CHECK(pthread_create(&simulator, NULL, test_simulator, NULL) == 0);
    CHECK(pthread_join(simulator, NULL) == 0);
    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}

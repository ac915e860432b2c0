/* Built against an installed prefix with pkg-config only (make test-install):
 * proves the installed header, library and .pc file work without the
 * repository. Signs a field set, verifies it, and refuses a changed one. */
#include <stdio.h>
#include <string.h>
#include <wxpay.h>

static const char KEY[] = "192006250b4c09247ec02edce69f6a2d";

static int fail(const char *what, wxpay_result r) {
    fprintf(stderr, "smoke_installed: %s: %s (%s)\n", what, wxpay_result_name(r), wxpay_last_error_message());
    return 1;
}

int main(void) {
    printf("wxpay %s\n", wxpay_version());
    static const char fields[] = "appid\0wxd930ea5d5a258f4f\0mch_id\0" "10000100\0body\0test\0nonce_str\0ibuaiVcKdpRxkhJA";
    char sign[65];
    wxpay_result r = wxpay_sign(fields, sizeof fields - 1, 4, KEY, strlen(KEY), WXPAY_SIGN_TYPE_MD5, sign, sizeof sign);
    if (r != WXPAY_RESULT_OK) return fail("sign", r);

    char signed_fields[256];
    memcpy(signed_fields, fields, sizeof fields - 1);
    int n = (int)(sizeof fields - 1);
    memcpy(signed_fields + n, "\0sign\0", 6);
    n += 6;
    memcpy(signed_fields + n, sign, strlen(sign));
    n += (int)strlen(sign);
    int32_t used = -1;
    r = wxpay_verify(signed_fields, (size_t)n, 5, KEY, strlen(KEY), WXPAY_SIGN_TYPE_MD5, &used);
    if (r != WXPAY_RESULT_OK) return fail("verify", r);

    signed_fields[sizeof "appid\0wxd930ea5d5a258f4f\0mch_id\0" - 1] = '2'; /* 10000100 -> 20000100 */
    r = wxpay_verify(signed_fields, (size_t)n, 5, KEY, strlen(KEY), WXPAY_SIGN_TYPE_MD5, &used);
    if (r != WXPAY_RESULT_SIGNATURE_MISMATCH) {
        fprintf(stderr, "smoke_installed: a changed field was not refused: %s\n", wxpay_result_name(r));
        return 1;
    }
    printf("3 passed, 0 failed\n");
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* Keeps the IKE module's layering honest: only the crypto files (ike_crypto.c, and
 * ike_cert_crypto.c for X.509 and signatures) include OpenSSL, and the codec
 * includes nothing but libc, glib and models/common (conventions, "Layers and files"). */
#include "tests/lib/testutil.h"

#include <glib.h>
#include <stdbool.h>
#include <string.h>

static char *read_source(const char *name)
{
  g_autofree char *rel = g_build_filename("models/ike", name, NULL);
  g_autofree char *path = tu_top_path(rel);
  char *text = NULL;
  g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
  return text;
}

/* The files allowed to include OpenSSL: one per crypto concern, each named *crypto* as
 * scripts/check-layers L3 wants. */
static const char *const crypto_files[] = {"ike_crypto.c", "ike_cert_crypto.c"};

static bool is_crypto_file(const char *n)
{
  for (size_t i = 0; i < G_N_ELEMENTS(crypto_files); i++)
    if (strcmp(n, crypto_files[i]) == 0)
      return true;
  return false;
}

static void test_openssl_only_in_crypto(void)
{
  g_autofree char *dir = tu_top_path("models/ike");
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  g_assert_nonnull(d);
  unsigned seen = 0;
  for (const char *n; (n = g_dir_read_name(d));) {
    if (!g_str_has_suffix(n, ".c") && !g_str_has_suffix(n, ".h"))
      continue;
    g_autofree char *text = read_source(n);
    bool has =
        g_str_has_prefix(text, "#include <openssl/") || strstr(text, "\n#include <openssl/");
    if (has && !is_crypto_file(n))
      g_error("%s includes OpenSSL: only ike_crypto.c and ike_cert_crypto.c may", n);
    seen += has;
  }
  g_assert_cmpuint(seen, ==, G_N_ELEMENTS(crypto_files));
}

static void test_codec_is_pure(void)
{
  static const char *const files[] = {"ikev2_codec.h", "ikev2_codec.c", "ikev2_rules.c",
                                      "ikev2_rules.h", "ikev2_print.c", "ikev2_print.h",
                                      "ikev1_codec.h", "ikev1_codec.c",
                                      "ike_payload_codec.h", "ike_payload_codec.c"};
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *text = read_source(files[i]);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
      if (!g_str_has_prefix(*l, "#include"))
        continue;
      bool ok = strstr(*l, "\"models/common/") || strstr(*l, "\"models/ike/ikev2_") ||
                strstr(*l, "\"models/ike/ikev1_codec.h\"") ||
                strstr(*l, "\"models/ike/ike_payload_codec.h\"") ||
                strstr(*l, "<glib.h>") || strstr(*l, "<std") || strstr(*l, "<string.h>");
      if (!ok)
        g_error("%s: '%s' is not libc, glib or models/common", files[i], *l);
    }
    /* no logging in codecs (the printers format strings, they do not log) */
    g_assert_null(strstr(text, "g_message("));
    g_assert_null(strstr(text, "g_warning("));
    g_assert_null(strstr(text, "g_debug("));
    g_assert_null(strstr(text, " printf("));
    g_assert_null(strstr(text, "fprintf("));
  }
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/ike_layering/openssl_only_in_crypto", test_openssl_only_in_crypto);
  g_test_add_func("/ike_layering/codec_is_pure", test_codec_is_pure);
  return g_test_run();
}
